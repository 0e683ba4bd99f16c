//! Looking at policies before and after a change, over HTTP: diff, test, dry-run, access
//! review, explain; and linking templates.

mod explain;
mod links;
mod proposals;

use actix_web::web;
use utoipa::OpenApi;

use explain::*;
use links::*;
use proposals::*;

#[derive(OpenApi)]
#[openapi(paths(
    diff_versions,
    test_policies,
    dry_run,
    access_review,
    explain,
    link_template,
    unlink_template
))]
struct PolicyReviewDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    PolicyReviewDoc::openapi()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(diff_versions)
        .service(test_policies)
        .service(dry_run)
        .service(access_review)
        .service(explain)
        .service(link_template)
        .service(unlink_template);
}
