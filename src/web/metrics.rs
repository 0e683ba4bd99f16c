//! Prometheus metrics: requests by method, route pattern and status, and their latency. Only
//! figures of the service as a whole: no label names a company, a user or an id, and nothing
//! counts what companies hold (the count of open sessions across every company was removed).
//! Who may read them is `may_scrape`.

use std::net::IpAddr;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpRequest};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};
use sha2::{Digest, Sha256};

use super::error::{ApiError, ErrorCode};
use super::request::bearer_token;
use crate::alerts::mailer::Secret;

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "seatwarden_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "seatwarden_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["method", "route"],
        )
        .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric names are unique");
        }
        Self {
            registry,
            requests,
            latency,
        }
    }

    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        // Encoding into a Vec cannot fail for well-formed metric families.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buffer);
        String::from_utf8(buffer).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Records each request under its route pattern (not its raw path, which would explode the
/// label set with ids) and its method (any other than the standard ones as `OTHER`: a client
/// inventing methods would explode it too).
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = method_label(req.method());
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let status = response.status().as_u16().to_string();
        metrics
            .requests
            .with_label_values(&[&method, &route, &status])
            .inc();
        metrics
            .latency
            .with_label_values(&[&method, &route])
            .observe(started.elapsed().as_secs_f64());
    }
    Ok(response)
}

/// The standard methods by name; any other, which anyone may send, as one label.
fn method_label(method: &Method) -> String {
    const STANDARD: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    if STANDARD.contains(method) {
        method.to_string()
    } else {
        "OTHER".to_owned()
    }
}

/// Who may read `/metrics`. With `metrics_token` set: whoever sends
/// `Authorization: Bearer <metrics_token>`, from anywhere (401 otherwise). Without it: only a
/// client on this host (a loopback peer address) whose request no proxy forwarded (no
/// `Forwarded`, `X-Forwarded-For`, `X-Real-IP` or `Via`), 403 otherwise; so a Prometheus on the
/// same host scrapes with no setting, and the world does not.
pub fn may_scrape(req: &HttpRequest, token: Option<&Secret>) -> Result<(), ApiError> {
    match token {
        Some(expected) => match bearer_token(req) {
            Some(given) if same_secret(&given, &expected.0) => Ok(()),
            _ => Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "The metrics need `Authorization: Bearer <metrics_token>`.",
                "Les métriques demandent `Authorization: Bearer <metrics_token>`.",
            )),
        },
        None if is_local(req) => Ok(()),
        None => Err(ApiError::new(
            ErrorCode::Forbidden,
            "The metrics are served to this host only, unless `metrics_token` is set.",
            "Les métriques ne sont servies qu'à cet hôte, sauf si `metrics_token` est défini.",
        )),
    }
}

/// A loopback peer, and no sign that a proxy on this host passed the request on.
fn is_local(req: &HttpRequest) -> bool {
    let forwarded = ["forwarded", "x-forwarded-for", "x-real-ip", "via"]
        .iter()
        .any(|name| req.headers().contains_key(*name));
    let loopback = req.peer_addr().is_some_and(|peer| is_loopback(peer.ip()));
    loopback && !forwarded
}

fn is_loopback(address: IpAddr) -> bool {
    // `::ffff:127.0.0.1` is IPv4's loopback seen through an IPv6 socket.
    address.to_canonical().is_loopback()
}

/// Compares digests rather than the texts, so the time taken says nothing of the token.
fn same_secret(given: &str, expected: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn request(peer: &str, headers: &[(&str, &str)]) -> HttpRequest {
        let mut request = TestRequest::get()
            .uri("/metrics")
            .peer_addr(peer.parse().unwrap());
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        request.to_http_request()
    }

    fn status(result: Result<(), ApiError>) -> u16 {
        result.map_or_else(|error| error.code.status().as_u16(), |()| 200)
    }

    #[test]
    fn without_a_token_only_this_host_may_scrape() {
        for peer in ["127.0.0.1:9", "[::1]:9", "[::ffff:127.0.0.1]:9"] {
            assert_eq!(status(may_scrape(&request(peer, &[]), None)), 200, "{peer}");
        }
        for peer in ["10.0.0.7:9", "192.0.2.1:9", "[2001:db8::1]:9", "0.0.0.0:9"] {
            assert_eq!(status(may_scrape(&request(peer, &[]), None)), 403, "{peer}");
        }
        for proxied in [
            ("x-forwarded-for", "192.0.2.1"),
            ("forwarded", "for=192.0.2.1"),
            ("x-real-ip", "192.0.2.1"),
            ("via", "1.1 proxy"),
        ] {
            let request = request("127.0.0.1:9", &[proxied]);
            assert_eq!(status(may_scrape(&request, None)), 403, "{proxied:?}");
        }
    }

    #[test]
    fn with_a_token_only_its_bearer_may_scrape_from_anywhere() {
        let token = Secret("a-long-enough-metrics-token".into());
        let with = |peer: &str, authorization: &str| {
            let headers = [("authorization", authorization)];
            status(may_scrape(&request(peer, &headers), Some(&token)))
        };
        assert_eq!(
            with("192.0.2.1:9", "Bearer a-long-enough-metrics-token"),
            200
        );
        assert_eq!(
            with("127.0.0.1:9", "Bearer a-long-enough-metrics-token"),
            200
        );
        assert_eq!(
            with("127.0.0.1:9", "Bearer a-long-enough-metrics-tokeN"),
            401
        );
        assert_eq!(
            with("127.0.0.1:9", "Basic a-long-enough-metrics-token"),
            401
        );
        let bare = request("127.0.0.1:9", &[]);
        assert_eq!(status(may_scrape(&bare, Some(&token))), 401);
    }

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        let invented = Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&invented), "OTHER");
    }
}
