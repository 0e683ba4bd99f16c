//! The pages' one stylesheet, served from the binary: the pages' Content-Security-Policy
//! allows styles from this site only, never inline.

use actix_web::http::header;
use actix_web::{get, HttpResponse};

const STYLESHEET: &str = include_str!("../../templates/ui/seatwarden.css");

#[get("/ui/seatwarden.css")]
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}
