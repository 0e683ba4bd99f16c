//! End-to-end tests of the pages in headless Chromium, driven through WebDriver
//! (chromedriver). Without Chromium and chromedriver the tests say so loudly and skip, so that
//! `cargo test` works on a fresh machine; with `TEST_REQUIRE_BROWSER=1` (set by
//! `.ci/run`, which installs them) a missing browser fails instead.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use seatwarden::cli::demo::DemoCompany;

use crate::helpers::{spawn_demo_app, TestApp};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A headless Chromium session, with its driver process and throwaway directories.
pub struct Browser {
    pub client: Client,
    driver: Child,
    pub downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn program(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Starts Chromium, or explains why not: `None` only when browsers are not required.
pub async fn start_browser(test: &str) -> Option<Browser> {
    let chromium = program("CHROMIUM", CHROMIUM);
    let chromedriver = program("CHROMEDRIVER", CHROMEDRIVER);
    if !chromium.exists() || !chromedriver.exists() {
        let problem = format!(
            "no browser: {} or {} is missing (apt-get install chromium chromium-driver)",
            chromium.display(),
            chromedriver.display()
        );
        if std::env::var("TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("TEST_REQUIRE_BROWSER=1 but {problem}");
        }
        eprintln!("\n!!!!! BROWSER TEST `{test}` SKIPPED: {problem} !!!!!\n");
        return None;
    }
    let port = free_port();
    let driver = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    wait_for_port(port);
    let profile = tempfile::tempdir().expect("profile directory");
    let downloads = tempfile::tempdir().expect("downloads directory");
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": {
                "intl.accept_languages": "en-US,en",
                "download.default_directory": downloads.path(),
                "download.prompt_for_download": false,
            },
        }),
    );
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session in Chromium");
    Some(Browser {
        client,
        driver,
        downloads,
        _profile: profile,
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Browser {
    pub async fn open(&self, app: &TestApp, path: &str) {
        self.client.goto(&app.url(path)).await.expect("page opens");
        self.loaded().await;
    }

    /// Waits until the page shown has finished loading. WebDriver's own wait can end early
    /// when a navigation is still pending from the click before, and a test counting elements
    /// of a half-parsed page then sees only some of them.
    async fn loaded(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let state = self
                .client
                .execute("return document.readyState;", vec![])
                .await;
            if matches!(state, Ok(ref ready) if ready == "complete") {
                return;
            }
            assert!(Instant::now() < deadline, "the page did not finish loading");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"))
            .text()
            .await
            .expect("text")
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map_or(0, |found| found.len())
    }

    /// Clicks a link or button that loads a page, and waits until the old page is gone.
    pub async fn click(&self, css: &str) {
        let target = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}` to click: {e}"));
        self.follow(target).await;
    }

    pub async fn follow(&self, target: fantoccini::elements::Element) {
        let old_page = self
            .client
            .find(Locator::Css("html"))
            .await
            .expect("a page");
        target.click().await.expect("click");
        let deadline = Instant::now() + Duration::from_secs(10);
        while old_page.tag_name().await.is_ok() {
            assert!(Instant::now() < deadline, "the click loaded no page");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.loaded().await;
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}` to fill: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    pub async fn sign_in(&self, app: &TestApp, email: &str, password: &str) {
        self.open(app, "/ui/sign-in").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click("#sign-in").await;
    }

    pub async fn sign_out(&self) {
        self.click("header form button").await;
        self.text("#sign-in").await;
    }

    /// Saves a screenshot under `target/ui-screenshots/` (not committed) and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        let path = dir.join(format!("{name}.png"));
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(&path, png).expect("screenshot written");
        path
    }

    /// Clicks a download link and returns the text of the file it saves.
    pub async fn download(&self, css: &str, name: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}` to click: {e}"))
            .click()
            .await
            .expect("click");
        let path = self.downloads.path().join(name);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(text) = std::fs::read_to_string(&path) {
                if !text.is_empty() {
                    return text;
                }
            }
            assert!(Instant::now() < deadline, "{name} was not downloaded");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub async fn finish(self) {
        let client = self.client.clone();
        client.close().await.expect("browser closes");
    }
}

/// The demo company's admin, as `signed_in_to_demo` picks them.
pub fn admin(demo: &DemoCompany) -> (&str, &str) {
    (&demo.admin_email, &demo.admin_password)
}

/// The demo company's compliance officer.
pub fn officer(demo: &DemoCompany) -> (&str, &str) {
    (&demo.officer_email, &demo.officer_password)
}

/// A browser signed in to a fresh demo company as the person `who` picks; None only when
/// browsers are missing and not required.
pub async fn signed_in_to_demo(
    test: &str,
    who: fn(&DemoCompany) -> (&str, &str),
) -> Option<(Browser, TestApp, DemoCompany)> {
    let browser = start_browser(test).await?;
    let (app, demo) = spawn_demo_app().await;
    let (email, password) = who(&demo);
    browser.sign_in(&app, email, password).await;
    Some((browser, app, demo))
}
