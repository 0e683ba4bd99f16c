//! Policy text as an admin saves it: arbitrary text (and, after a NUL byte, template links as
//! JSON) is validated and built into an engine the way `PUT …/policies` does, then the base
//! policy tests run against it, then it is diffed against itself. Nothing may
//! panic or overflow the stack, whatever the text.
//!
//! The work runs on a thread with the stack of the service's threads that parse policies
//! (`authz::WRITER_STACK_BYTES`; `FUZZ_POLICY_STACK` in bytes to try another), so a text
//! that would overflow the service's stack overflows here too.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use seatwarden::authz::policy_files::TemplateLink;
use seatwarden::authz::{builtin_base, Engines, PolicyContent};
use seatwarden::policy_admin::diff::diff;

fn engines() -> &'static Engines {
    static ENGINES: OnceLock<Engines> = OnceLock::new();
    ENGINES.get_or_init(|| Engines::new(builtin_base()).expect("the built-in policies build"))
}

fn stack_size() -> usize {
    static SIZE: OnceLock<usize> = OnceLock::new();
    *SIZE.get_or_init(|| {
        std::env::var("FUZZ_POLICY_STACK")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(seatwarden::authz::WRITER_STACK_BYTES)
    })
}

fn check(text: &str, links: Vec<TemplateLink>) {
    let engines = engines();
    let content = PolicyContent {
        text: text.to_owned(),
        links,
    };
    // As `policy_admin::versions::check`: build (strict validation), then the base tests.
    match engines.build(&content) {
        Ok(_) => {
            let tests = &engines.base_policies().tests;
            if let Ok(Ok(report)) = engines.run_tests(&content, tests) {
                assert_eq!(report.passed() + report.failed(), report.cases.len());
            }
        }
        // Every refusal is located for its author.
        Err(error) => assert!(
            !error.diagnostics().is_empty(),
            "a refusal without a diagnostic"
        ),
    }
    // The diff of the policy page parses both sides on its own; a text has no change from
    // itself.
    let sides = [("policies.cedar".to_owned(), text.to_owned())];
    if let Ok(changes) = diff(&sides, &sides) {
        assert!(
            changes.is_empty(),
            "a text differs from itself: {changes:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (text, links) = match input.split_once('\0') {
        Some((text, links)) => match serde_json::from_str::<Vec<TemplateLink>>(links) {
            Ok(links) => (text, links),
            Err(_) => return,
        },
        None => (input, Vec::new()),
    };
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("policy-fuzz".into())
            .stack_size(stack_size())
            .spawn_scoped(scope, || check(text, links))
            .expect("spawning a thread")
            .join()
            .expect("the policy check panicked");
    });
});
