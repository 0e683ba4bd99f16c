//! Why the active policies decide as they do for one user, action and resource.

use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::authz::{Action, Options, Resource, ResourceKind};
use crate::i18n::Locale;
use crate::policy_admin::operations;
use crate::policy_admin::service::{ExplainReason, ExplainRequest, Explanation};
use crate::roles::Role;
use crate::web::error::{current_locale, ApiError};
use crate::web::extract::Auth;

/// The resource asked about, with the attributes the policies read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainedResource {
    /// An entity type of the schema: `Invoice`, `Bill`, `Timesheet`...
    #[serde(rename = "type")]
    kind: String,
    id: String,
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    posted_by: Option<String>,
    #[serde(default)]
    bill_created_by: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    owner_role: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    date: Option<String>,
    /// `total_cents` of documents, `amount_cents` of payments.
    #[serde(default)]
    amount_cents: Option<i64>,
    /// Reports: which report; users: their role.
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainBody {
    user_id: String,
    action: String,
    resource: ExplainedResource,
    #[serde(default)]
    override_closing_date: bool,
    #[serde(default)]
    requested_role: Option<String>,
    #[serde(default)]
    session_flagged: bool,
}

impl ExplainBody {
    fn parse(self, company_id: &str) -> Result<ExplainRequest, ApiError> {
        let action = Action::parse(&self.action)
            .ok_or_else(|| ApiError::invalid_field("action", "is not an action of the schema"))?;
        let r = self.resource;
        let kind = ResourceKind::parse(&r.kind).ok_or_else(|| {
            ApiError::invalid_field("resource.type", "is not an entity type of the schema")
        })?;
        let date = r
            .date
            .map(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| ApiError::invalid_field("resource.date", "must be YYYY-MM-DD"))
            })
            .transpose()?;
        let requested_role = self
            .requested_role
            .map(|role| {
                Role::parse(&role)
                    .ok_or_else(|| ApiError::invalid_field("requested_role", "is not a role"))
            })
            .transpose()?;
        Ok(ExplainRequest {
            user_id: self.user_id,
            action,
            resource: Resource {
                created_by: r.created_by,
                posted_by: r.posted_by,
                bill_created_by: r.bill_created_by,
                owner: r.owner,
                owner_role: r.owner_role,
                date,
                amount_cents: r.amount_cents,
                label: r.label,
                active: r.active,
                ..Resource::new(kind, r.id, company_id)
            },
            options: Options {
                override_closing_date: self.override_closing_date,
                requested_role,
            },
            session_flagged: self.session_flagged,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExplanationView {
    #[serde(flatten)]
    explanation: Explanation,
    /// The decision in words, in the request's language.
    message: String,
}

fn explanation_message(reason: ExplainReason, policies: &[String], locale: Locale) -> String {
    let list = policies.join(", ");
    match (reason, locale) {
        (ExplainReason::Permitted, Locale::En) => format!("Allowed by policy {list}."),
        (ExplainReason::Permitted, Locale::Fr) => format!("Autorisé par la politique {list}."),
        (ExplainReason::ForbiddenByPolicy, Locale::En) => format!("Forbidden by policy {list}."),
        (ExplainReason::ForbiddenByPolicy, Locale::Fr) => {
            format!("Interdit par la politique {list}.")
        }
        (ExplainReason::NoPermit, Locale::En) => "No policy permits this action.".to_owned(),
        (ExplainReason::NoPermit, Locale::Fr) => {
            "Aucune politique n'autorise cette action.".to_owned()
        }
        (ExplainReason::Error, Locale::En) => {
            "The request could not be evaluated, so it is denied.".to_owned()
        }
        (ExplainReason::Error, Locale::Fr) => {
            "La demande n'a pas pu être évaluée ; elle est donc refusée.".to_owned()
        }
    }
}

/// The decision the active policies give a user for an action on a resource, and the
/// policies that determine it, with their text.
#[utoipa::path(request_body = ExplainBody, responses((status = 200, body = ExplanationView), (status = 400), (status = 403)),
    tag = "policies", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/policies/explain")]
pub async fn explain(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    body: web::Json<ExplainBody>,
) -> Result<HttpResponse, ApiError> {
    let company_id = path.into_inner();
    let request = body.into_inner().parse(&company_id)?;
    let explanation = operations::explain(state.gate(), actor, company_id, request).await?;
    let ids: Vec<String> = explanation
        .determining_policies
        .iter()
        .map(|p| p.id.clone())
        .collect();
    let message = explanation_message(explanation.reason, &ids, current_locale());
    Ok(HttpResponse::Ok().json(ExplanationView {
        explanation,
        message,
    }))
}
