//! Inputs that crashed a fuzz target of `fuzz/run`, sent through the API.

use reqwest::{Method, StatusCode};

use crate::books_support::Books;
use crate::helpers::expect_error;

/// `fuzz/run books_json`: a date of ten bytes with a two-byte character where the year's
/// dash or a digit goes panicked in `books::dates::parse` (the text was sliced inside the
/// character), and the request was never answered.
#[tokio::test]
async fn a_date_with_a_character_of_two_bytes_is_refused_not_a_panic() {
    let books = Books::start().await;
    for date in ["2026é1-01", "2026-0é01", "2026-01é1"] {
        assert_eq!(date.len(), 10);
        for field in ["date", "due_date"] {
            let mut body = books.invoice_body("2026-03-02", 10_000);
            body[field] = serde_json::json!(date);
            let response = books
                .call(Method::POST, "invoices", books.admin(), &body)
                .await;
            let error = expect_error(response, StatusCode::BAD_REQUEST, "invalid_input").await;
            assert_eq!(error["field"], field, "{field}: {date}");
        }
    }
    // And the service still answers.
    books.read("invoices").await;
}
