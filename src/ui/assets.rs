//! The pages' one stylesheet, served from the binary: the pages' Content-Security-Policy
//! allows styles from this site only, never inline. Each area keeps its rules in its own
//! file; they are served as one.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

const STYLESHEET: &str = concat!(
    include_str!("../../templates/ui/css/base.css"),
    include_str!("../../templates/ui/css/findings.css"),
    include_str!("../../templates/ui/css/admin.css"),
    include_str!("../../templates/ui/css/policies.css"),
);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(stylesheet);
}

#[get("/ui/seatwarden.css")]
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}
