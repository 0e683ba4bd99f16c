//! Every page of the demo speaks to people: its visible text holds no id, no code, no JSON,
//! and a French page no English sentence. The crawler follows every link of the pages, as the
//! admin and as the compliance officer, in English and in French.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::json;

use seatwarden::cli::demo::DemoCompany;

use crate::browser::{admin, officer, signed_in_to_demo, Browser};
use crate::helpers::TestApp;

/// Pages read per language and person; the demo has fewer distinct pages than this.
const MAX_PAGES: usize = 120;
/// Pages read per address shape (a finding, a decision record, a day of a timeline).
const PER_SHAPE: usize = 2;

/// The visible text of the page, without what is code on purpose (policy text, hashes, CSV):
/// text nodes that the reader sees, options of menus included.
const VISIBLE_TEXT: &str = r#"
const skipped = 'pre, code, textarea, .code, script, style, .CodeMirror';
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const parts = [];
while (walker.nextNode()) {
  const node = walker.currentNode;
  const element = node.parentElement;
  if (!element || element.closest(skipped)) continue;
  if (!element.closest('select') && !element.checkVisibility()) continue;
  parts.push(node.textContent);
}
return parts.join(' ');
"#;

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b").unwrap()
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\w.+-]+@[\w.-]+").unwrap());
static SNAKE_CASE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b").unwrap());
static JSON_OBJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\{\s*"|"\s*:\s*[\[{"0-9tfn]"#).unwrap());
static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\p{L}+").unwrap());

/// Words of English sentences that French never uses.
const ENGLISH_WORDS: &[&str] = &[
    "the", "and", "with", "is", "are", "was", "were", "this", "that", "which", "has", "have",
    "been", "from", "of", "to", "by", "for", "at", "people", "person", "login", "logins", "seat",
    "seats", "days", "day", "shared", "findings", "finding", "users", "user", "never", "none",
    "who", "what", "when", "open", "allowed", "denied", "sign", "save", "yes", "no",
];

/// What is wrong with a page's text: a sentence each.
fn problems(text: &str, french: bool) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(id) = UUID.find(text) {
        found.push(format!("an id `{}`", id.as_str()));
    }
    let without_emails = EMAIL.replace_all(text, " ");
    if let Some(code) = SNAKE_CASE.find(&without_emails) {
        found.push(format!("a code `{}`", code.as_str()));
    }
    if let Some(json) = JSON_OBJECT.find(text) {
        let at = json.start();
        let context: String = text[at..].chars().take(40).collect();
        found.push(format!("JSON `{context}`"));
    }
    if french {
        let english: BTreeSet<&str> = WORD
            .find_iter(&without_emails)
            .map(|word| word.as_str())
            .filter(|word| ENGLISH_WORDS.contains(&word.to_lowercase().as_str()))
            .collect();
        if !english.is_empty() {
            found.push(format!("English words {english:?}"));
        }
    }
    found
}

/// A page address with its ids and query values left out: pages of one shape.
fn shape(path: &str) -> String {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = UUID.replace_all(path, ":id");
    let keys: Vec<&str> = query
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .filter(|key| !key.is_empty())
        .collect();
    format!("{path}?{}", keys.join("&"))
}

/// Links to read next: pages of the company, not downloads, not sign-out or the switch.
async fn links(browser: &Browser, company_prefix: &str) -> Vec<String> {
    let hrefs = browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll('a[href]'))\
               .filter(a => !a.hasAttribute('download'))\
               .map(a => new URL(a.href).pathname + new URL(a.href).search);",
            vec![],
        )
        .await
        .expect("links");
    serde_json::from_value::<Vec<String>>(hrefs)
        .expect("a list of links")
        .into_iter()
        .filter(|href| href.starts_with(company_prefix))
        .filter(|href| !href.contains(".csv") && !href.contains("export"))
        .collect()
}

/// Reads every page reachable from the overview; returns the problems per page address.
async fn crawl(
    browser: &Browser,
    app: &TestApp,
    company_id: &str,
    french: bool,
) -> (usize, BTreeMap<String, Vec<String>>) {
    let prefix = format!("/ui/companies/{company_id}");
    let mut queue = VecDeque::from([prefix.clone()]);
    let mut seen = BTreeSet::from([prefix.clone()]);
    let mut per_shape: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = BTreeMap::new();
    let mut read = 0;
    while let Some(path) = queue.pop_front() {
        if read == MAX_PAGES {
            break;
        }
        let count = per_shape.entry(shape(&path)).or_default();
        if *count == PER_SHAPE {
            continue;
        }
        *count += 1;
        read += 1;
        browser.open(app, &path).await;
        let language = browser
            .client
            .execute("return document.documentElement.lang;", vec![])
            .await
            .expect("the page's language");
        assert_eq!(language, json!(if french { "fr" } else { "en" }), "{path}");
        let text = browser
            .client
            .execute(VISIBLE_TEXT, vec![])
            .await
            .expect("the page's text");
        let text = text.as_str().unwrap_or_default().to_owned();
        let found = problems(&text, french);
        if !found.is_empty() {
            wrong.insert(path.clone(), found);
        }
        for link in links(browser, &prefix).await {
            if seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    (read, wrong)
}

/// Signs in as the person `who` picks from the demo, and reads every page in both languages.
async fn read_every_page(test: &str, who: fn(&DemoCompany) -> (&str, &str)) {
    let Some((browser, app, demo)) = signed_in_to_demo(test, who).await else {
        return;
    };
    let (english_pages, english) = crawl(&browser, &app, &demo.company_id, false).await;
    browser
        .open(&app, &format!("/ui/companies/{}", demo.company_id))
        .await;
    browser.click("#language-switch").await;
    let (french_pages, french) = crawl(&browser, &app, &demo.company_id, true).await;
    eprintln!("{test}: {english_pages} pages read in English, {french_pages} in French");
    assert!(
        english_pages >= 8 && french_pages >= 8,
        "the crawl reached the pages"
    );
    assert!(
        english.is_empty() && french.is_empty(),
        "pages in words other than people's:\nEnglish: {english:#?}\nFrench: {french:#?}"
    );
    browser.finish().await;
}

#[tokio::test]
async fn every_page_the_admin_reads_is_in_words_in_english_and_french() {
    read_every_page("pages in words, admin", admin).await;
}

#[tokio::test]
async fn every_page_the_compliance_officer_reads_is_in_words_in_english_and_french() {
    read_every_page("pages in words, officer", officer).await;
}

#[test]
fn the_checker_sees_ids_codes_json_and_english_in_french() {
    assert!(problems("Finding 0190a3c2-7d1e-7a4b-9c3d-1e2f3a4b5c6d", false)[0].contains("id"));
    assert!(problems("role standard_sales", false)[0].contains("code"));
    assert!(problems("trips [{\"from\": 1}]", false)[0].contains("JSON"));
    assert!(problems("Trois personnes partagent the login", true)[0].contains("English"));
    assert!(problems("ventes@batiments-martin.example, 3 personnes", true).is_empty());
    assert!(problems("Sign in with the login", false).is_empty());
}
