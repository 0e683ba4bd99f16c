//! The admin pages: users and invitations, alert settings and the outbox, company settings,
//! template links and the explain bench. Each form calls the domain operation its /v1 route
//! calls; each page lists only what the person may open (`Page::may`), and the action itself
//! is decided again by the policies when it is taken.

mod alerts;
mod explain;
mod links;
mod settings;
mod users;

use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::error::PageError;
use super::lang::Lang;
use super::session::Page;
use super::{html, Nav};
use crate::authz::{Action, ResourceKind};
use crate::web::error::{ApiError, ErrorCode};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(landing)
        .service(users::list)
        .service(users::invite)
        .service(users::change_role)
        .service(users::disable)
        .service(users::enable)
        .service(alerts::show)
        .service(alerts::save)
        .service(settings::show)
        .service(settings::save_enforcement)
        .service(settings::save_seat_audit)
        .service(settings::save_locale)
        .service(links::list)
        .service(links::create)
        .service(links::delete)
        .service(explain::bench);
}

/// A message on a form the person filled in, with the status its page answers.
pub struct FormMessage {
    pub status: StatusCode,
    pub text: String,
}

impl FormMessage {
    pub fn new(status: StatusCode, text: &str) -> Self {
        Self {
            status,
            text: text.to_owned(),
        }
    }
}

/// A page answered with `status`: 200, or the 4xx of a form refused on the page itself.
pub(crate) fn page_with_status(
    status: StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, PageError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}

/// An entry of the landing page: where it goes, what it is for, and the action that opens it.
struct Entry {
    id: &'static str,
    path: &'static str,
    title: &'static str,
    text: &'static str,
}

#[derive(Template)]
#[template(path = "ui/admin.html")]
struct LandingPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    entries: Vec<Entry>,
}

/// The admin tasks the person may open; none at all is a refusal, inside the layout.
#[get("/ui/companies/{company_id}/admin")]
async fn landing(page: Page, path: web::Path<String>) -> Result<HttpResponse, PageError> {
    // Another company's address answers as an unknown page, as its data would.
    if path.into_inner() != page.actor.company_id {
        return Err(ApiError::not_found().into());
    }
    let t = page.t;
    let all = [
        (
            Action::ViewUsers,
            "users",
            "/admin/users",
            t.t("Users and invitations", "Utilisateurs et invitations"),
            t.t(
                "Who works in the company, their role and the seats they take; invite, change a role, disable.",
                "Qui travaille dans l'entreprise, son rôle et les sièges pris ; inviter, changer un rôle, désactiver.",
            ),
        ),
        (
            Action::ViewAlertSettings,
            "alerts",
            "/admin/alerts",
            t.t("Alerts and outbox", "Alertes et boîte d'envoi"),
            t.t(
                "Who is mailed about findings, and every mail queued, sent or refused.",
                "Qui reçoit les constats par e-mail, et chaque message en attente, envoyé ou refusé.",
            ),
        ),
        (
            Action::ViewSeats,
            "settings",
            "/admin/settings",
            t.t("Company settings", "Réglages de l'entreprise"),
            t.t(
                "What happens when a login is used on two devices, what the seat count includes, the language and the time zone.",
                "Ce qui se passe quand un identifiant sert sur deux appareils, ce que compte le décompte des sièges, la langue et le fuseau horaire.",
            ),
        ),
        (
            Action::ViewPolicies,
            "links",
            "/admin/links",
            t.t("Grants for one person", "Droits accordés à une personne"),
            t.t(
                "Policy templates applied to one person: list, add, take back.",
                "Modèles de politique appliqués à une personne : lister, ajouter, retirer.",
            ),
        ),
        (
            Action::ViewPolicies,
            "explain",
            "/admin/explain",
            t.t("Ask the policies", "Interroger les politiques"),
            t.t(
                "May this person do this, and which policy decides?",
                "Cette personne peut-elle le faire, et quelle politique en décide ?",
            ),
        ),
    ];
    let entries: Vec<Entry> = all
        .into_iter()
        .filter(|(action, ..)| page.may.allows(*action))
        .map(|(_, id, path, title, text)| Entry {
            id,
            path,
            title,
            text,
        })
        .collect();
    if entries.is_empty() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Your role gives you no administration task in this company.",
            "Votre rôle ne vous donne aucune tâche d'administration dans cette entreprise.",
        )
        .into());
    }
    html(&LandingPage {
        nav: Nav::new(&page, "admin"),
        company_id: page.actor.company_id.clone(),
        entries,
        t,
    })
}

/// What a kind of record is called in the pages.
pub(crate) fn record_kind_label(t: Lang, kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Customer => t.t("Customer", "Client"),
        ResourceKind::Vendor => t.t("Supplier", "Fournisseur"),
        ResourceKind::Account => t.t("Account", "Compte"),
        ResourceKind::Estimate => t.t("Quote", "Devis"),
        ResourceKind::Invoice => t.t("Invoice", "Facture"),
        ResourceKind::Payment => t.t("Payment received", "Encaissement"),
        ResourceKind::Bill => t.t("Bill", "Facture d'achat"),
        ResourceKind::BillPayment => t.t("Bill payment", "Règlement fournisseur"),
        ResourceKind::JournalEntry => t.t("Journal entry", "Écriture"),
        ResourceKind::Report => t.t("Report", "Rapport"),
        ResourceKind::Timesheet => t.t("Timesheet", "Feuille de temps"),
        ResourceKind::Session => t.t("Session", "Session"),
        ResourceKind::PolicySet => t.t("Policies", "Politiques"),
        ResourceKind::Finding => t.t("Finding", "Constat"),
        ResourceKind::Settings => t.t("Company settings", "Réglages de l'entreprise"),
        ResourceKind::AuditData => t.t("Seat audit data", "Données d'audit des sièges"),
        ResourceKind::User => t.t("User", "Utilisateur"),
        ResourceKind::CreditNote => t.t("Credit note", "Avoir"),
    }
}
