//! The callers of the load: invoice writers, decision-point callers and a chain reader,
//! spread over the nodes as a load balancer would, each recording what it was answered in the
//! shared `Records`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::RETRY_AFTER;
use reqwest::Client;
use serde_json::{json, Value};

use super::load::{Ack, Company, Incident, Records};

struct Context {
    client: Client,
    nodes: Vec<String>,
    next: AtomicUsize,
    company: Company,
    run: String,
    stop: AtomicBool,
    records: Arc<Records>,
}

impl Context {
    /// The nodes in turn, as a load balancer spreads requests.
    fn node(&self) -> &str {
        &self.nodes[self.next.fetch_add(1, Ordering::Relaxed) % self.nodes.len()]
    }
}

/// How long a client waits before it asks again after a 503 or a lost connection. Shorter
/// than the `Retry-After` the service sends (whole seconds), so that the time to the first
/// write after a failover measures the service, not the client's patience.
const RETRY_PAUSE: Duration = Duration::from_millis(50);

fn transport_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect error"
    } else {
        "connection lost"
    }
}

pub struct Load {
    context: Arc<Context>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    pub records: Arc<Records>,
}

impl Load {
    /// Starts `writers` invoice writers, `deciders` decision-point callers and one long
    /// reader (the chain check, once a second), spread over `nodes` (addresses). `run` prefixes the idempotency keys (unique per run).
    pub fn start(
        client: Client,
        nodes: Vec<String>,
        company: Company,
        run: &str,
        writers: usize,
        deciders: usize,
    ) -> Load {
        let records = Arc::new(Records::default());
        let context = Arc::new(Context {
            client,
            nodes,
            next: AtomicUsize::new(0),
            company,
            run: run.to_owned(),
            stop: AtomicBool::new(false),
            records: records.clone(),
        });
        let mut tasks = Vec::new();
        for w in 0..writers {
            tasks.push(tokio::spawn(writer(context.clone(), w)));
        }
        for d in 0..deciders {
            tasks.push(tokio::spawn(decider(context.clone(), d)));
        }
        tasks.push(tokio::spawn(chain_reader(context.clone())));
        Load {
            context,
            tasks,
            records,
        }
    }

    /// Stops the load: no new key or question; a key already sent is asked again until it is
    /// answered (20 s at most).
    pub async fn stop(self) -> Arc<Records> {
        self.context.stop.store(true, Ordering::SeqCst);
        for task in self.tasks {
            task.await.expect("a load task panicked");
        }
        self.records
    }
}

fn invoice_body(customer_id: &str, key: &str) -> Value {
    json!({
        "customer_id": customer_id,
        "date": "2026-03-02",
        "lines": [
            {"description": key, "quantity": 1, "unit_price_cents": 1000, "vat_rate_bp": 2000}
        ]
    })
}

async fn writer(context: Arc<Context>, w: usize) {
    let company = &context.company;
    let records = &context.records;
    let mut n = 0u64;
    while !context.stop.load(Ordering::SeqCst) {
        n += 1;
        let key = format!("{}-w{w}-{n}", context.run);
        let body = invoice_body(&company.customer_id, &key);
        let mut stop_seen: Option<Instant> = None;
        let mut attempts = 0u32;
        let mut unknown_outcome = false;
        loop {
            attempts += 1;
            let node = context.node();
            let sent = Instant::now();
            let result = context
                .client
                .post(format!("{node}/v1/companies/{}/invoices", company.id))
                .bearer_auth(&company.admin_token)
                .header("Idempotency-Key", &key)
                .json(&body)
                .send()
                .await;
            let answer = match result {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response.headers().contains_key(RETRY_AFTER);
                    match response.text().await {
                        Ok(text) => Ok((status, retry_after, text)),
                        Err(error) => Err(error),
                    }
                }
                Err(error) => Err(error),
            };
            let done = match answer {
                Ok((201, _, text)) => {
                    records.count("invoice 201".into());
                    let value: Value = serde_json::from_str(&text).expect("an invoice");
                    let id = value["id"].as_str().expect("the invoice's id").to_owned();
                    records.acked.lock().unwrap().push(Ack {
                        key: key.clone(),
                        id,
                        sent,
                        answered: Instant::now(),
                    });
                    true
                }
                Ok((status, retry_after, text)) => {
                    records.count(format!("invoice {status}"));
                    if status == 503 && !retry_after {
                        records.missing_retry_after.fetch_add(1, Ordering::Relaxed);
                    }
                    let incident = Incident {
                        at: Instant::now(),
                        node: node.to_owned(),
                        what: format!("invoice {status}"),
                        body: text.chars().take(300).collect(),
                    };
                    match status {
                        503 | 429 => false,
                        // Not a promised answer: recorded, and asked again with the same
                        // key, as a client would.
                        500..=599 => {
                            unknown_outcome = true;
                            records.server_errors.lock().unwrap().push(incident);
                            false
                        }
                        _ => {
                            records.unexpected.lock().unwrap().push(incident);
                            true
                        }
                    }
                }
                Err(error) => {
                    let kind = transport_kind(&error);
                    unknown_outcome |= kind != "connect error";
                    records.count(format!("invoice {kind}"));
                    false
                }
            };
            if done {
                if attempts > 1 {
                    records.retried_keys.fetch_add(1, Ordering::Relaxed);
                    if unknown_outcome {
                        records
                            .retried_after_unknown_outcome
                            .fetch_add(1, Ordering::Relaxed);
                    }
                }
                break;
            }
            if context.stop.load(Ordering::SeqCst)
                && stop_seen.get_or_insert_with(Instant::now).elapsed() > Duration::from_secs(20)
            {
                records.abandoned_keys.fetch_add(1, Ordering::Relaxed);
                break;
            }
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    }
}

async fn decider(context: Arc<Context>, d: usize) {
    let company = &context.company;
    let records = &context.records;
    let mut n = 0u64;
    while !context.stop.load(Ordering::SeqCst) {
        n += 1;
        let node = context.node();
        let question = json!({
            "principal": {"user_id": company.clerk_id},
            "action": "create_invoice",
            "resource": {"type": "Invoice", "id": format!("{}-q{d}-{n}", context.run),
                         "date": "2026-11-01", "amount_cents": 12000},
        });
        let result = context
            .client
            .post(format!("{node}/v1/authorize"))
            .bearer_auth(&company.api_key)
            .json(&question)
            .send()
            .await;
        let answer = match result {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = response.headers().contains_key(RETRY_AFTER);
                response
                    .text()
                    .await
                    .map(|text| (status, retry_after, text))
            }
            Err(error) => Err(error),
        };
        let pause = match answer {
            Ok((200, _, text)) => {
                records.count("authorize 200".into());
                let value: Value = serde_json::from_str(&text).expect("a decision");
                let id = value["decision_id"].as_str().expect("a decision id");
                records.decisions.lock().unwrap().push(id.to_owned());
                false
            }
            Ok((status, retry_after, text)) => {
                records.count(format!("authorize {status}"));
                if status == 503 && !retry_after {
                    records.missing_retry_after.fetch_add(1, Ordering::Relaxed);
                }
                let incident = Incident {
                    at: Instant::now(),
                    node: node.to_owned(),
                    what: format!("authorize {status}"),
                    body: text.chars().take(300).collect(),
                };
                match status {
                    503 | 429 => {}
                    500..=599 => records.server_errors.lock().unwrap().push(incident),
                    _ => records.unexpected.lock().unwrap().push(incident),
                }
                true
            }
            Err(error) => {
                records.count(format!("authorize {}", transport_kind(&error)));
                true
            }
        };
        if pause {
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    }
}

/// A long read beside the load: the chain check, once a second. It may answer 503 while no
/// server answers; its answer must never be 500 nor a broken chain.
async fn chain_reader(context: Arc<Context>) {
    let company = &context.company;
    let records = &context.records;
    while !context.stop.load(Ordering::SeqCst) {
        let node = context.node();
        let result = context
            .client
            .get(format!(
                "{node}/v1/companies/{}/decisions/verify",
                company.id
            ))
            .bearer_auth(&company.admin_token)
            .send()
            .await;
        let answer = match result {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = response.headers().contains_key(RETRY_AFTER);
                response
                    .text()
                    .await
                    .map(|text| (status, retry_after, text))
            }
            Err(error) => Err(error),
        };
        match answer {
            Ok((status, retry_after, text)) => {
                records.count(format!("verify {status}"));
                let incident = Incident {
                    at: Instant::now(),
                    node: node.to_owned(),
                    what: format!("verify {status}"),
                    body: text.chars().take(300).collect(),
                };
                match status {
                    200 => {
                        let value: Value = serde_json::from_str(&text).expect("a chain check");
                        if value["intact"] != Value::Bool(true) {
                            records.unexpected.lock().unwrap().push(Incident {
                                what: "verify: chain not intact".into(),
                                ..incident
                            });
                        }
                    }
                    503 if !retry_after => {
                        records.missing_retry_after.fetch_add(1, Ordering::Relaxed);
                    }
                    503 | 429 => {}
                    500..=599 => records.server_errors.lock().unwrap().push(incident),
                    _ => records.unexpected.lock().unwrap().push(incident),
                }
            }
            Err(error) => records.count(format!("verify {}", transport_kind(&error))),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
