//! The load: invoice creations with an `Idempotency-Key` (retried with the same key on 503,
//! on a lost connection, on 5xx), and `/v1/authorize` questions. Every acknowledged write,
//! every answered decision and every status is recorded.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// A client as a caller configures one: bounded waits, so a hang shows as a timeout.
pub fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("HTTP client")
}

/// The signed-up company the load works for.
#[derive(Debug, Clone)]
pub struct Company {
    pub id: String,
    pub admin_token: String,
    pub customer_id: String,
    /// The decision point's API key, and the user its questions name.
    pub api_key: String,
    pub clerk_id: String,
}

/// POST until an answer that is not 503 (setup runs before any failover, but a node may
/// still be warming up); the body of the expected status.
async fn setup_post(
    client: &Client,
    url: &str,
    token: Option<&str>,
    body: &Value,
    expected: StatusCode,
) -> Value {
    for _ in 0..100 {
        let mut request = client.post(url).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        match request.send().await {
            Ok(response) if response.status() == StatusCode::SERVICE_UNAVAILABLE => {}
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                assert_eq!(status, expected, "POST {url}: {text}");
                return serde_json::from_str(&text).expect("a JSON body");
            }
            Err(error) => eprintln!("POST {url}: {error}; trying again"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("POST {url} kept failing");
}

impl Company {
    pub async fn sign_up(client: &Client, node: &str) -> Company {
        let email = format!("owner-{}@example.fr", uuid::Uuid::new_v4().simple());
        let signup = setup_post(
            client,
            &format!("{node}/v1/signup"),
            None,
            &json!({
                "company_name": "Bâtiments Martin",
                "plan": "advanced",
                "email": email,
                "password": "correct horse battery",
                "display_name": "Claire Martin",
            }),
            StatusCode::CREATED,
        )
        .await;
        let id = signup["company"]["id"].as_str().unwrap().to_owned();
        let admin_token = signup["token"].as_str().unwrap().to_owned();
        let under = |rest: &str| format!("{node}/v1/companies/{id}/{rest}");
        let customer = setup_post(
            client,
            &under("customers"),
            Some(&admin_token),
            &json!({"name": "Dupont SARL"}),
            StatusCode::CREATED,
        )
        .await;
        let key = setup_post(
            client,
            &under("api-keys"),
            Some(&admin_token),
            &json!({"name": "ERP"}),
            StatusCode::CREATED,
        )
        .await;
        let clerk = setup_post(
            client,
            &under("users"),
            Some(&admin_token),
            &json!({
                "email": format!("ventes-{}@example.fr", uuid::Uuid::new_v4().simple()),
                "display_name": "Ventes",
                "role": "standard_sales",
                "password": "correct horse battery",
            }),
            StatusCode::CREATED,
        )
        .await;
        Company {
            customer_id: customer["id"].as_str().unwrap().to_owned(),
            api_key: key["key"].as_str().unwrap().to_owned(),
            clerk_id: clerk["id"].as_str().unwrap().to_owned(),
            id,
            admin_token,
        }
    }
}

/// An acknowledged invoice creation.
#[derive(Debug, Clone)]
pub struct Ack {
    pub key: String,
    pub id: String,
    pub sent: Instant,
    pub answered: Instant,
}

/// An answer the promises rule out (a 500), or one the load did not expect.
#[derive(Debug, Clone)]
pub struct Incident {
    pub at: Instant,
    pub node: String,
    pub what: String,
    pub body: String,
}

#[derive(Default)]
pub struct Records {
    pub acked: Mutex<Vec<Ack>>,
    pub decisions: Mutex<Vec<String>>,
    /// "operation status" (or "operation transport error kind") → count.
    pub statuses: Mutex<BTreeMap<String, u64>>,
    pub server_errors: Mutex<Vec<Incident>>,
    pub unexpected: Mutex<Vec<Incident>>,
    /// 503 answers without a `Retry-After` header.
    pub missing_retry_after: AtomicU64,
    /// Keys given up when the load stopped (still unanswered 20 s after the stop).
    pub abandoned_keys: AtomicU64,
    /// Keys sent more than once before their answer, and of them those whose earlier
    /// attempt may have taken effect (the connection lost or a 5xx after the request went).
    pub retried_keys: AtomicU64,
    pub retried_after_unknown_outcome: AtomicU64,
}

impl Records {
    pub fn count(&self, what: String) {
        *self.statuses.lock().unwrap().entry(what).or_default() += 1;
    }

    /// Answers of 500 (of any operation).
    pub fn count_500(&self) -> u64 {
        self.statuses
            .lock()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.ends_with(" 500"))
            .map(|(_, n)| n)
            .sum()
    }

    /// When the first write sent at or after `sent_after` and acknowledged at or after
    /// `answered_after` was acknowledged.
    pub fn first_write(&self, sent_after: Instant, answered_after: Instant) -> Option<Instant> {
        let acked = self.acked.lock().unwrap();
        acked
            .iter()
            .rev()
            .take_while(|ack| ack.answered >= sent_after)
            .filter(|ack| ack.sent >= sent_after && ack.answered >= answered_after)
            .map(|ack| ack.answered)
            .min()
    }

    /// Writes sent at or after `sent_after` and acknowledged before `answered_before`.
    pub fn writes_between(&self, sent_after: Instant, answered_before: Instant) -> usize {
        let acked = self.acked.lock().unwrap();
        acked
            .iter()
            .rev()
            .take_while(|ack| ack.answered >= sent_after)
            .filter(|ack| ack.sent >= sent_after && ack.answered < answered_before)
            .count()
    }

    /// Waits for the first write sent at or after `sent_after` and acknowledged at or after
    /// `answered_after`.
    pub async fn wait_first_write(
        &self,
        sent_after: Instant,
        answered_after: Instant,
        limit: Duration,
    ) -> Option<Instant> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(answered) = self.first_write(sent_after, answered_after) {
                return Some(answered);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// "operation status: n" for every status seen, one string.
    pub fn statuses_line(&self) -> String {
        self.statuses
            .lock()
            .unwrap()
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
