//! The policy editor's scripts and stylesheet, served from the binary: CodeMirror 5 as
//! vendored in `assets/vendor/codemirror` (see its README) and the page's own script with
//! the Cedar mode. The pages' Content-Security-Policy loads scripts from this site only.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

const CODEMIRROR_JS: &str = include_str!("../../../assets/vendor/codemirror/codemirror.js");
const CODEMIRROR_CSS: &str = include_str!("../../../assets/vendor/codemirror/codemirror.css");
const SIMPLE_MODE_JS: &str = include_str!("../../../assets/vendor/codemirror/simple.js");
const POLICY_EDITOR_JS: &str = include_str!("../../../assets/policy-editor.js");

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(codemirror_js)
        .service(codemirror_css)
        .service(simple_mode_js)
        .service(policy_editor_js);
}

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

#[get("/ui/vendor/codemirror/codemirror.js")]
async fn codemirror_js() -> HttpResponse {
    asset(JAVASCRIPT, CODEMIRROR_JS)
}

#[get("/ui/vendor/codemirror/codemirror.css")]
async fn codemirror_css() -> HttpResponse {
    asset("text/css; charset=utf-8", CODEMIRROR_CSS)
}

#[get("/ui/vendor/codemirror/simple.js")]
async fn simple_mode_js() -> HttpResponse {
    asset(JAVASCRIPT, SIMPLE_MODE_JS)
}

#[get("/ui/policy-editor.js")]
async fn policy_editor_js() -> HttpResponse {
    asset(JAVASCRIPT, POLICY_EDITOR_JS)
}
