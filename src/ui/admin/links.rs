//! Grants for one person: the policy templates of the active policies linked for one user
//! (and record), listed, added and taken back. Each change is a new policy version, checked
//! and tested like any other, through the operations of the /v1 policies/links routes.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{page_with_status, record_kind_label, FormMessage};
use crate::app::AppState;
use crate::authz::policy_files::{LinkedResource, TemplateLink};
use crate::authz::{Action, ResourceKind};
use crate::identity::operations as identity;
use crate::policy_admin::operations;
use crate::policy_admin::PolicyAdminError;
use crate::ui::error::PageError;
use crate::ui::lang::Lang;
use crate::ui::session::{Page, Posted};
use crate::ui::{see_other, Nav};
use crate::web::error::ApiError;

/// A link as a row: its name, its template, the person and record it grants.
struct LinkLine {
    id: String,
    template: String,
    person: String,
    record: Option<String>,
}

/// The form, as typed.
#[derive(Default, Deserialize)]
struct LinkForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    template: String,
    #[serde(default)]
    principal: String,
    #[serde(default)]
    resource_type: String,
    #[serde(default)]
    resource_id: String,
    #[serde(default)]
    expected_version: i64,
}

#[derive(Template)]
#[template(path = "ui/admin_links.html")]
struct LinksPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    version: i64,
    links: Vec<LinkLine>,
    templates: Vec<String>,
    people: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    form: LinkForm,
    message: Option<FormMessage>,
    /// Cedar's own words about a link that does not validate.
    diagnostics: Vec<String>,
    saved: bool,
    may_edit: bool,
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

#[get("/ui/companies/{company_id}/admin/links")]
async fn list(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, PageError> {
    let saved = query.saved.is_some();
    let refused = Refused {
        form: LinkForm::default(),
        message: None,
        diagnostics: Vec::new(),
    };
    render(&state, page, path.into_inner(), refused, saved).await
}

/// A change refused with a message on the form, and what was typed.
struct Refused {
    form: LinkForm,
    message: Option<FormMessage>,
    diagnostics: Vec<String>,
}

async fn render(
    state: &AppState,
    page: Page,
    company_id: String,
    refused: Refused,
    saved: bool,
) -> Result<HttpResponse, PageError> {
    let active =
        operations::active_version(state.gate(), page.actor.clone(), company_id.clone()).await?;
    let users = if page.may.allows(Action::ViewUsers) {
        identity::all_users(state.gate(), page.actor.clone(), company_id.clone()).await?
    } else {
        Vec::new()
    };
    let names: HashMap<&str, &str> = users
        .iter()
        .map(|user| (user.id.as_str(), user.display_name.as_str()))
        .collect();
    let t = page.t;
    let links = active
        .links
        .iter()
        .map(|link| LinkLine {
            id: link.id.clone(),
            template: link.template.clone(),
            person: link
                .principal
                .as_deref()
                .map(|id| names.get(id).copied().unwrap_or(id).to_owned())
                .unwrap_or_default(),
            record: link.resource.as_ref().map(|resource| {
                let kind = ResourceKind::parse(&resource.kind)
                    .map_or(resource.kind.as_str(), |kind| record_kind_label(t, kind));
                format!("{kind} {}", resource.id)
            }),
        })
        .collect();
    let status = refused
        .message
        .as_ref()
        .map_or(StatusCode::OK, |m| m.status);
    page_with_status(
        status,
        &LinksPage {
            nav: Nav::new(&page, "admin"),
            company_id,
            version: active.version,
            links,
            templates: template_ids(&active.policies),
            people: users
                .iter()
                .map(|user| (user.id.clone(), user.display_name.clone()))
                .collect(),
            kinds: ResourceKind::ALL
                .into_iter()
                .map(|kind| (kind.type_name(), record_kind_label(t, kind)))
                .collect(),
            form: refused.form,
            message: refused.message,
            diagnostics: refused.diagnostics,
            saved,
            may_edit: page.may.allows(Action::EditPolicies),
            t,
        },
    )
}

/// The `@id`s of the templates in a policy text (those with a `?principal` slot), offered in
/// the form; the domain checks the name chosen.
fn template_ids(text: &str) -> Vec<String> {
    text.split("@id(\"")
        .skip(1)
        .filter(|policy| policy.contains("?principal"))
        .filter_map(|policy| policy.split_once('"').map(|(id, _)| id.to_owned()))
        .collect()
}

fn links_location(company_id: &str) -> String {
    format!("/ui/companies/{company_id}/admin/links?saved=1")
}

#[post("/ui/companies/{company_id}/admin/links")]
async fn create(
    state: web::Data<AppState>,
    posted: Posted<LinkForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let (page, form) = (posted.page, posted.form);
    let t = page.t;
    let resource = match (form.resource_type.trim(), form.resource_id.trim()) {
        ("", _) | (_, "") => None,
        (kind, id) => Some(LinkedResource {
            kind: kind.to_owned(),
            id: id.to_owned(),
        }),
    };
    let link = TemplateLink {
        id: form.id.trim().to_owned(),
        template: form.template.trim().to_owned(),
        principal: Some(form.principal.clone()),
        resource,
    };
    let comment = format!("link {} for {}", link.template, form.principal);
    let outcome = operations::link_template(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        link,
        form.expected_version,
        comment,
    )
    .await;
    match outcome {
        Ok(_) => Ok(see_other(&links_location(&company_id))),
        Err(error) => {
            let refused = refusal(t, error, form)?;
            render(&state, page, company_id, refused, false).await
        }
    }
}

#[derive(Deserialize)]
struct UnlinkForm {
    expected_version: i64,
}

#[post("/ui/companies/{company_id}/admin/links/{link_id}/delete")]
async fn delete(
    state: web::Data<AppState>,
    posted: Posted<UnlinkForm>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (company_id, link_id) = path.into_inner();
    let (page, form) = (posted.page, posted.form);
    let comment = format!("unlink {link_id}");
    let outcome = operations::unlink_template(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        link_id,
        form.expected_version,
        comment,
    )
    .await;
    match outcome {
        Ok(_) => Ok(see_other(&links_location(&company_id))),
        Err(error) => {
            let refused = refusal(page.t, error, LinkForm::default())?;
            render(&state, page, company_id, refused, false).await
        }
    }
}

/// A refused link in the reader's words, with what was typed; a failure of the service is
/// answered by the error page instead.
fn refusal(t: Lang, error: PolicyAdminError, form: LinkForm) -> Result<Refused, PageError> {
    let said = |english: &str, french: &str| {
        Some(FormMessage::new(
            StatusCode::BAD_REQUEST,
            t.t(english, french),
        ))
    };
    let mut diagnostics = Vec::new();
    let message = match error {
        PolicyAdminError::Invalid { field, .. } if field == "principal" => said(
            "Choose a person of the company.",
            "Choisissez une personne de l'entreprise.",
        ),
        PolicyAdminError::Invalid { field, .. } if field == "id" => said(
            "A grant already has this name: choose another.",
            "Un droit porte déjà ce nom : choisissez-en un autre.",
        ),
        PolicyAdminError::InvalidPolicies(found) => {
            diagnostics = found.iter().map(ToString::to_string).collect();
            said(
                "The policies refuse this grant: check the template's name and the record it needs.",
                "Les politiques refusent ce droit : vérifiez le nom du modèle et l'enregistrement qu'il demande.",
            )
        }
        PolicyAdminError::TestsFailed(failed) => {
            diagnostics = failed.iter().map(ToString::to_string).collect();
            said(
                "With this grant the company's policy tests would fail: it is not saved.",
                "Avec ce droit, les tests des politiques de l'entreprise échoueraient : il n'est pas enregistré.",
            )
        }
        error @ (PolicyAdminError::StaleVersion { .. } | PolicyAdminError::Denied(_)) => {
            let api = ApiError::from(error);
            Some(FormMessage::new(api.code.status(), api.message(t.locale())))
        }
        other => return Err(other.into()),
    };
    Ok(Refused {
        form,
        message,
        diagnostics,
    })
}
