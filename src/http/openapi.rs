//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{decision_point, decisions, identity, seats, system};

#[derive(OpenApi)]
#[openapi(
    info(title = "Seatwarden", description = "Access policies and seat audit for small-business accounting."),
    paths(
        system::healthz, system::readyz, system::metrics, system::openapi,
        identity::signup, identity::sign_in, identity::sign_out, identity::list_own_sessions,
        identity::revoke_own_session, identity::list_company_sessions,
        identity::revoke_company_session, identity::list_users, identity::add_user,
        identity::get_user, identity::update_user, identity::disable_user,
        identity::enable_user, identity::accept_invitation,
        decisions::list_decisions, decisions::verify_decisions,
        decision_point::authorize, decision_point::authorize_batch, decision_point::create_api_key,
        seats::get_seats, seats::run_audit, seats::list_findings, seats::get_finding,
        seats::update_finding, seats::seat_advice, seats::import_session_events,
        seats::get_enforcement, seats::set_enforcement,
        seats::get_seat_audit_settings, seats::set_seat_audit_settings,
    ),
    components(schemas(super::error::ErrorCode)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(super::books::openapi());
    document.merge(super::policies::openapi());
    document.merge(super::policy_review::openapi());
    document
}
