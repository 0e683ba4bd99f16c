//! The layers of ARCHITECTURE.md, kept by a test: a face that reaches the store, a page that
//! borrows from the API, a domain that reaches up to a face, or two modules that use each
//! other fails here instead of waiting for a review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules of `src/` and, for each, the top-level modules its code names
/// (`crate::name`), with the files that name them. Unit tests (`#[cfg(test)]` and below) are
/// left out: a test may build what it checks from anywhere.
fn module_uses() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| {
            let name = path.file_stem()?.to_str()?.to_owned();
            (path.is_dir() || path.extension()? == "rs").then_some(name)
        })
        .filter(|name| name != "lib" && name != "main")
        .collect();
    let mut uses: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in rust_files(&src) {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let top = relative
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name != top && modules.contains(&name) {
                uses.entry(top.clone())
                    .or_default()
                    .entry(name)
                    .or_default()
                    .insert(relative.clone());
            }
        }
    }
    uses
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// Files of `from` that name `to`, for the failure message.
fn naming(from: &str, to: &str) -> Vec<String> {
    module_uses()
        .get(from)
        .and_then(|uses| uses.get(to))
        .map(|files| files.iter().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn the_faces_reach_the_database_only_through_the_domains() {
    for face in ["http", "ui", "app"] {
        let files = naming(face, "store");
        assert!(files.is_empty(), "{face} names crate::store in {files:?}");
    }
    // The edge names the store's error once, to answer 503 when the database is unreachable.
    let files = naming("web", "store");
    assert_eq!(files, ["web/domain_errors.rs"], "web names crate::store");
}

#[test]
fn the_pages_borrow_nothing_from_the_api() {
    let files = naming("ui", "http");
    assert!(files.is_empty(), "ui names crate::http in {files:?}");
}

#[test]
fn the_domains_never_reach_up_to_the_faces() {
    let faces = ["app", "web", "http", "ui", "startup", "cli", "config"];
    let domains = [
        "store",
        "authz",
        "identity",
        "books",
        "seats",
        "alerts",
        "policy_admin",
    ];
    for domain in domains {
        for face in faces {
            let files = naming(domain, face);
            assert!(
                files.is_empty(),
                "{domain} names crate::{face} in {files:?}"
            );
        }
    }
}

#[test]
fn the_modules_stand_in_layers_without_a_circle() {
    let uses = module_uses();
    let mut done = BTreeSet::new();
    for module in uses.keys() {
        let mut path = Vec::new();
        if let Some(circle) = find_circle(&uses, module, &mut path, &mut done) {
            panic!("modules in a circle: {}", circle.join(" -> "));
        }
    }
}

/// Depth first from `module`: the first circle met, as the modules along it.
fn find_circle(
    uses: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    module: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(start) = path.iter().position(|seen| seen == module) {
        let mut circle = path[start..].to_vec();
        circle.push(module.to_owned());
        return Some(circle);
    }
    if done.contains(module) {
        return None;
    }
    path.push(module.to_owned());
    for next in uses.get(module).into_iter().flat_map(|named| named.keys()) {
        if let Some(circle) = find_circle(uses, next, path, done) {
            return Some(circle);
        }
    }
    path.pop();
    done.insert(module.to_owned());
    None
}
