//! The explain bench: "may Julie send invoice F-2026-014?" asked of the active policies,
//! answered in words with the policy that decides, through the operation behind
//! /v1/policies/explain. Nothing is done or logged: it is a question about the policies.

use actix_web::{get, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::record_kind_label;
use crate::app::AppState;
use crate::authz::Action;
use crate::identity::operations as identity;
use crate::policy_admin::operations::{self, RecordQuestion};
use crate::policy_admin::service::{DeterminingPolicy, ExplainReason};
use crate::ui::error::PageError;
use crate::ui::labels::{self, ActionGroup};
use crate::ui::lang::Lang;
use crate::ui::session::Page;
use crate::ui::{html, Nav};
use crate::web::error::ApiError;

/// The question, as chosen in the form (a GET form: an answer has an address).
#[derive(Default, Deserialize)]
struct Question {
    #[serde(default)]
    user: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    record: String,
    #[serde(default)]
    created_by: String,
}

/// The answer in words, with the policies that decide it.
struct Answer {
    allowed: bool,
    /// "May Julie Petit: Send an invoice, F-2026-014?"
    question: String,
    /// "Yes: permitted by policy", "No: forbidden by policy", "No: no policy permits it."
    verdict: &'static str,
    policies: Vec<DeterminingPolicy>,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "ui/admin_explain.html")]
struct ExplainPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    people: Vec<(String, String)>,
    groups: Vec<ActionGroup>,
    question: Question,
    answer: Option<Answer>,
}

#[get("/ui/companies/{company_id}/admin/explain")]
async fn bench(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<Question>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let question = query.into_inner();
    let t = page.t;
    let users = identity::all_users(state.gate(), page.actor.clone(), company_id.clone()).await?;
    let name_of = |id: &str| {
        users
            .iter()
            .find(|user| user.id == id)
            .map(|user| user.display_name.clone())
    };
    let action = Action::parse(&question.action);
    let answer = match (name_of(&question.user), action) {
        (Some(person), Some(action)) => {
            let record = question.record.trim();
            let asked_about = RecordQuestion {
                user_id: question.user.clone(),
                action,
                record: (!record.is_empty()).then(|| record.to_owned()),
                created_by: name_of(&question.created_by).map(|_| question.created_by.clone()),
            };
            let (kind, explanation) = operations::explain_on_record(
                state.gate(),
                page.actor.clone(),
                company_id.clone(),
                asked_about,
            )
            .await?
            .ok_or_else(|| PageError::from(ApiError::not_found()))?;
            let mut asked = format!("{person} · {}", labels::action(t, action));
            if !record.is_empty() {
                asked.push_str(&format!(" · {} {record}", record_kind_label(t, kind)));
            }
            let verdict = match explanation.reason {
                ExplainReason::Permitted => t.t("Yes: permitted by policy", "Oui : autorisé par la politique"),
                ExplainReason::ForbiddenByPolicy => t.t("No: forbidden by policy", "Non : interdit par la politique"),
                ExplainReason::NoPermit => t.t(
                    "No: no policy permits it.",
                    "Non : aucune politique ne l'autorise.",
                ),
                ExplainReason::Error => t.t(
                    "No: the question could not be evaluated, and what cannot be evaluated is refused.",
                    "Non : la question n'a pas pu être évaluée, et ce qui ne peut l'être est refusé.",
                ),
            };
            Some(Answer {
                allowed: explanation.decision == "allow",
                question: asked,
                verdict,
                policies: explanation.determining_policies,
                errors: explanation.errors,
            })
        }
        _ => None,
    };
    html(&ExplainPage {
        nav: Nav::new(&page, "admin"),
        company_id,
        people: users
            .iter()
            .map(|user| (user.id.clone(), user.display_name.clone()))
            .collect(),
        groups: labels::action_groups(t),
        question,
        answer,
        t,
    })
}
