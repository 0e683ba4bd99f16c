//! Starts the real service on a fresh database per test: a SQLite file in a temporary
//! directory, or, when `TEST_POSTGRES_URL` names a server, a PostgreSQL database of
//! its own that is dropped afterwards.

use diesel::{Connection, RunQueryDsl};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

use seatwarden::alerts::scheduler::JobContext;
use seatwarden::cli::demo::{self, DemoCompany};
use seatwarden::config::RawSettings;
use seatwarden::seats::SeatsError;
use seatwarden::startup::Application;

pub const PASSWORD: &str = "correct horse battery";

pub enum TestDatabase {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn create() -> (Self, String) {
        match std::env::var("TEST_POSTGRES_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("sw_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = diesel::PgConnection::establish(&admin_url)
                    .expect("TEST_POSTGRES_URL must name a reachable server");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .expect("create test database");
                let url = database_url_for(&admin_url, &name);
                (Self::Postgres { admin_url, name }, url)
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("seatwarden.db").display());
                (Self::Sqlite(dir), url)
            }
        }
    }
}

/// The admin URL with its database name replaced.
fn database_url_for(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let without_db = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    match query {
        Some(query) => format!("{without_db}/{name}?{query}"),
        None => format!("{without_db}/{name}"),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub database_url: String,
    pub jobs: JobContext,
    _database: TestDatabase,
}

pub fn test_settings(database_url: &str) -> RawSettings {
    RawSettings {
        host: "127.0.0.1".into(),
        port: 0,
        database_url: database_url.into(),
        database_pool_size: 8,
        log_filter: std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into()),
        ..RawSettings::default()
    }
}

/// The application with the demo company of `serve --demo` seeded, and its credentials.
pub async fn spawn_demo_app() -> (TestApp, DemoCompany) {
    spawn_demo_app_with(|_| {}).await
}

/// The demo company on settings the test adjusts (an SMTP server, say).
pub async fn spawn_demo_app_with(adjust: impl FnOnce(&mut RawSettings)) -> (TestApp, DemoCompany) {
    let (database, database_url) = TestDatabase::create();
    let mut raw = test_settings(&database_url);
    adjust(&mut raw);
    seatwarden::telemetry::init(&raw.log_filter);
    let settings = raw.validate().expect("valid test settings");
    let application = Application::build(settings).expect("application starts");
    let state = application.state().clone();
    let config = state.settings.audit_config();
    let authz = state.gate.authz().clone();
    let seeded: Result<Option<DemoCompany>, SeatsError> = application
        .store()
        .write(move |conn| demo::seed_if_empty(conn, &authz, &config))
        .await;
    let demo = seeded
        .expect("demo seeded")
        .expect("the database was empty");
    let address = format!("http://127.0.0.1:{}", application.port());
    let jobs = application.jobs().clone();
    tokio::spawn(application.run_until_stopped());
    let app = TestApp::attach(address, database_url, database, jobs);
    (app, demo)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut RawSettings)) -> TestApp {
    let (database, database_url) = TestDatabase::create();
    let (address, jobs) = start_node(&database_url, adjust);
    TestApp {
        address,
        client: Client::new(),
        database_url,
        jobs,
        _database: database,
    }
}

/// Starts one node of the service on `database_url`: its address and its scheduled jobs
/// (which tests run directly; the scheduler itself is not started).
pub fn start_node(
    database_url: &str,
    adjust: impl FnOnce(&mut RawSettings),
) -> (String, JobContext) {
    let mut raw = test_settings(database_url);
    adjust(&mut raw);
    seatwarden::telemetry::init(&raw.log_filter);
    let settings = raw.validate().expect("valid test settings");
    let application = Application::build(settings).expect("application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let jobs = application.jobs().clone();
    tokio::spawn(application.run_until_stopped());
    (address, jobs)
}

/// A signed-up company with its primary admin.
pub struct Company {
    pub id: String,
    pub admin_id: String,
    pub admin_token: String,
    pub admin_email: String,
}

impl TestApp {
    /// A test app around a server the test started itself.
    pub fn attach(
        address: String,
        database_url: String,
        database: TestDatabase,
        jobs: JobContext,
    ) -> Self {
        Self {
            address,
            client: Client::new(),
            database_url,
            jobs,
            _database: database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.delete(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn signup(&self, plan: &str) -> Company {
        let email = format!("owner-{}@example.fr", uuid::Uuid::new_v4().simple());
        let response = self
            .post(
                "/v1/signup",
                None,
                &json!({
                    "company_name": "Bâtiments Martin",
                    "plan": plan,
                    "email": email,
                    "password": PASSWORD,
                    "display_name": "Claire Martin",
                }),
            )
            .await;
        let body = expect_status(response, StatusCode::CREATED).await;
        Company {
            id: body["company"]["id"].as_str().unwrap().to_owned(),
            admin_id: body["user"]["id"].as_str().unwrap().to_owned(),
            admin_token: body["token"].as_str().unwrap().to_owned(),
            admin_email: email,
        }
    }

    /// Adds a user with a password and signs them in; returns (user id, token).
    pub async fn add_user(&self, company: &Company, role: &str) -> (String, String) {
        let email = format!("{role}-{}@example.fr", uuid::Uuid::new_v4().simple());
        let response = self
            .post(
                &format!("/v1/companies/{}/users", company.id),
                Some(&company.admin_token),
                &json!({"email": email, "display_name": role, "role": role, "password": PASSWORD}),
            )
            .await;
        let body = expect_status(response, StatusCode::CREATED).await;
        let user_id = body["id"].as_str().unwrap().to_owned();
        let token = self.sign_in(&email, "laptop").await;
        (user_id, token)
    }

    /// Adds a reports-only user (password `PASSWORD`) to the demo company as its admin;
    /// returns the user's email.
    pub async fn add_reports_only(&self, demo: &DemoCompany) -> String {
        let admin = self
            .sign_in_with(&demo.admin_email, &demo.admin_password)
            .await;
        let email = format!("rapports-{}@example.fr", uuid::Uuid::new_v4().simple());
        let added = self
            .post(
                &format!("/v1/companies/{}/users", demo.company_id),
                Some(&admin),
                &json!({"email": email, "display_name": "Rapports", "role": "reports_only", "password": PASSWORD}),
            )
            .await;
        expect_status(added, StatusCode::CREATED).await;
        email
    }

    /// Signs in through the API with a given password; returns the bearer token.
    pub async fn sign_in_with(&self, email: &str, password: &str) -> String {
        let response = self
            .post(
                "/v1/sessions",
                None,
                &json!({"email": email, "password": password}),
            )
            .await;
        let body = expect_status(response, StatusCode::CREATED).await;
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn sign_in(&self, email: &str, device_id: &str) -> String {
        let response = self
            .post(
                "/v1/sessions",
                None,
                &json!({"email": email, "password": PASSWORD, "device_id": device_id}),
            )
            .await;
        let body = expect_status(response, StatusCode::CREATED).await;
        body["token"].as_str().unwrap().to_owned()
    }
}

/// Asserts the status and returns the JSON body (Null when empty).
pub async fn expect_status(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(actual, status, "unexpected status; body: {text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    }
}

/// Asserts an error answer of the contract: status, code and a message.
pub async fn expect_error(response: Response, status: StatusCode, code: &str) -> Value {
    let body = expect_status(response, status).await;
    assert_eq!(body["error"], code, "body: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "body: {body}"
    );
    body
}
