//! What one request and one client address may hold of the server: a body that does not
//! arrive in time is answered 408 and its connection closed; an address past its requests in
//! flight is answered 429 while other addresses are served.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{expect_error, expect_status, spawn_app_with, TestApp};

/// A connection from `local` (any of 127.0.0.0/8) that sends a head promising a 100-byte
/// body, then only the start of it.
async fn slow_body(app: &TestApp, local: &str) -> TcpStream {
    let server: std::net::SocketAddr = app
        .address
        .trim_start_matches("http://")
        .parse()
        .expect("the server's address");
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .bind(format!("{local}:0").parse().expect("an address"))
        .expect("bound");
    let mut stream = socket.connect(server).await.expect("connected");
    let head = "POST /v1/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
                Content-Length: 100\r\n\r\n{\"company_name\": \"Sl";
    stream.write_all(head.as_bytes()).await.expect("sent");
    stream
}

/// Everything the server sends until it closes the connection.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(within, stream.read_to_end(&mut answer))
        .await
        .expect("the server closed the connection in time")
        .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_body_slower_than_the_deadline_gets_408_and_its_connection_closes() {
    let app = spawn_app_with(|s| s.request_body_timeout_seconds = 1).await;
    let started = Instant::now();
    let mut stream = slow_body(&app, "127.0.0.1").await;
    let answer = read_to_close(&mut stream, Duration::from_secs(10)).await;
    let waited = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\":\"request_timeout\""), "{answer}");
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "answered after {waited:?}"
    );
    // The service goes on answering.
    expect_status(app.get("/healthz", None).await, StatusCode::OK).await;
}

#[tokio::test]
async fn an_address_past_its_requests_in_flight_gets_429_while_others_are_served() {
    let app = spawn_app_with(|s| {
        s.request_body_timeout_seconds = 3;
        s.requests_in_flight_per_address = 2;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(slow_body(&app, "127.0.0.2").await);
    }
    // Let the server read both heads.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut third = slow_body(&app, "127.0.0.2").await;
    let refused = read_to_close(&mut third, Duration::from_secs(2)).await;
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    assert!(
        refused.to_ascii_lowercase().contains("retry-after: 1"),
        "{refused}"
    );

    expect_status(app.get("/healthz", None).await, StatusCode::OK).await;
    for mut stream in held {
        let answer = read_to_close(&mut stream, Duration::from_secs(10)).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    // Once answered, the address is served again.
    let client = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().expect("an address"))
        .build()
        .expect("a client");
    let answer = client
        .post(app.url("/v1/sessions"))
        .json(&serde_json::json!({"email": "nobody@example.fr", "password": "wrong password!"}))
        .send()
        .await
        .expect("answered");
    expect_error(answer, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}
