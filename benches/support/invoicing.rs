//! The server the invoicing benches drive: started in-process on `database_url`, with a
//! company on `plan` and one customer to invoice.

use reqwest::Client;
use serde_json::{json, Value};

use seatwarden::config::RawSettings;
use seatwarden::startup::Application;
use seatwarden::store::Store;

pub struct Target {
    pub base: String,
    pub token: String,
    pub company_id: String,
    pub customer_id: String,
}

/// Starts the server; returns what requests need, and its store for direct seeding.
pub async fn start(database_url: &str, plan: &str) -> (Target, Store) {
    let (base, store) = serve(database_url, None);
    let client = Client::new();
    let (token, company_id) =
        signup(&client, &base, ("Bench SARL", plan), "bench@example.fr").await;
    let customer: Value = client
        .post(format!("{base}/v1/companies/{company_id}/customers"))
        .bearer_auth(&token)
        .json(&json!({"name": "Dupont SARL"}))
        .send()
        .await
        .expect("customer")
        .json()
        .await
        .expect("customer body");
    let target = Target {
        base,
        token,
        company_id,
        customer_id: customer["id"].as_str().expect("customer id").to_owned(),
    };
    (target, store)
}

/// Starts a server on `database_url`, its long reads on `read_url` when given; returns its
/// address and its store.
pub fn serve(database_url: &str, read_url: Option<&str>) -> (String, Store) {
    let raw = RawSettings {
        host: "127.0.0.1".into(),
        port: 0,
        database_url: database_url.into(),
        database_read_url: read_url.map(str::to_owned),
        database_pool_size: 16,
        log_filter: "error".into(),
        ..RawSettings::default()
    };
    seatwarden::telemetry::init(&raw.log_filter);
    let application = Application::build(raw.validate().expect("settings")).expect("server");
    let base = format!("http://127.0.0.1:{}", application.port());
    let store = application.store().clone();
    tokio::spawn(application.run_until_stopped());
    (base, store)
}

/// Signs up a company named `name` on `plan`, its admin `email`; its token and id.
pub async fn signup(
    client: &Client,
    base: &str,
    (name, plan): (&str, &str),
    email: &str,
) -> (String, String) {
    let signup: Value = client
        .post(format!("{base}/v1/signup"))
        .json(&json!({"company_name": name, "plan": plan, "email": email,
            "password": "correct horse battery", "display_name": name}))
        .send()
        .await
        .expect("signup")
        .json()
        .await
        .expect("signup body");
    let token = signup["token"].as_str().expect("token").to_owned();
    let company_id = signup["company"]["id"]
        .as_str()
        .expect("company")
        .to_owned();
    (token, company_id)
}
