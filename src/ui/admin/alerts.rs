//! Alert settings and the outbox: who is mailed about findings, and every mail with its
//! state. Without an SMTP server nothing leaves, and the page says so above the outbox.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;

use super::{page_with_status, FormMessage};
use crate::alerts::operations;
use crate::alerts::outbox::listing::AlertFilter;
use crate::alerts::service::AlertView;
use crate::alerts::settings::{AlertSettings, MAX_RECIPIENTS};
use crate::alerts::settings_view::AlertSettingsView;
use crate::alerts::AlertsError;
use crate::app::AppState;
use crate::authz::Action;
use crate::identity::fields::Email;
use crate::ui::error::PageError;
use crate::ui::lang::{Lang, When};
use crate::ui::session::{Page, Posted};
use crate::ui::{see_other, Nav};
use crate::web::error::ApiError;

/// The newest mails the page lists.
const OUTBOX_LINES: i64 = 100;

/// The settings form, as stored or as typed.
#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    recipients: String,
    #[serde(default)]
    min_severity: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    digest_enabled: Option<String>,
    version: i64,
}

impl SettingsForm {
    fn of(view: &AlertSettingsView) -> Self {
        Self {
            recipients: view.recipients.join("\n"),
            min_severity: view.min_severity.clone(),
            digest_enabled: view.digest_enabled.then(|| "on".to_owned()),
            version: view.version,
        }
    }
}

/// A mail of the outbox as a row.
struct MailLine {
    kind: &'static str,
    finding_id: Option<String>,
    recipient: String,
    subject: String,
    state: String,
    state_label: &'static str,
    attempts: i64,
    last_error: Option<String>,
    queued: Option<When>,
    sent: Option<When>,
}

#[derive(Template)]
#[template(path = "ui/admin_alerts.html")]
struct AlertsPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    form: SettingsForm,
    severities: Vec<(&'static str, &'static str)>,
    changed: Option<When>,
    message: Option<FormMessage>,
    saved: bool,
    may_edit: bool,
    may_view_outbox: bool,
    smtp_configured: bool,
    mails: Vec<MailLine>,
}

impl AlertsPage {
    fn digest(&self) -> bool {
        self.form.digest_enabled.is_some()
    }
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

#[get("/ui/companies/{company_id}/admin/alerts")]
async fn show(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let current = settings(&state, &page, &company_id).await?;
    let form = SettingsForm::of(&current);
    let saved = query.saved.is_some();
    render(&state, page, company_id, (form, current, None, saved)).await
}

async fn settings(
    state: &AppState,
    page: &Page,
    company_id: &str,
) -> Result<AlertSettingsView, PageError> {
    let actor = page.actor.clone();
    Ok(
        operations::alert_settings(state.gate(), actor, company_id.to_owned())
            .await
            .map_err(ApiError::from)?,
    )
}

async fn render(
    state: &AppState,
    page: Page,
    company_id: String,
    (form, current, message, saved): (SettingsForm, AlertSettingsView, Option<FormMessage>, bool),
) -> Result<HttpResponse, PageError> {
    let t = page.t;
    let may_view_outbox = page.may.allows(Action::ViewAlerts);
    let mails = if may_view_outbox {
        let filter = AlertFilter {
            limit: OUTBOX_LINES,
            ..AlertFilter::default()
        };
        let listed =
            operations::list_alerts(state.gate(), page.actor.clone(), company_id.clone(), filter)
                .await
                .map_err(ApiError::from)?;
        listed.items.iter().map(|mail| mail_line(t, mail)).collect()
    } else {
        Vec::new()
    };
    let status = message.as_ref().map_or(StatusCode::OK, |m| m.status);
    page_with_status(
        status,
        &AlertsPage {
            nav: Nav::new(&page, "admin"),
            company_id,
            form,
            severities: ["low", "medium", "high"]
                .into_iter()
                .map(|code| (code, t.severity(code)))
                .collect(),
            changed: current
                .updated_at
                .as_deref()
                .and_then(instant)
                .map(|at| t.when(at)),
            message,
            saved,
            may_edit: page.may.allows(Action::EditAlertSettings),
            may_view_outbox,
            smtp_configured: state.settings.mail.smtp_host.is_some(),
            mails,
            t,
        },
    )
}

/// An instant of the alerts' views (RFC 3339, UTC).
fn instant(text: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.naive_utc())
}

fn mail_line(t: Lang, mail: &AlertView) -> MailLine {
    let state_label = match mail.state.as_str() {
        "queued" => t.t("waiting to be sent", "en attente d'envoi"),
        "sent" => t.t("sent", "envoyé"),
        _ => t.t(
            "refused by the recipient's server",
            "refusé par le serveur du destinataire",
        ),
    };
    MailLine {
        kind: if mail.kind == "digest" {
            t.t("Daily summary", "Récapitulatif quotidien")
        } else {
            t.t("Finding", "Constat")
        },
        finding_id: mail.finding_id.clone(),
        recipient: mail.recipient.clone(),
        subject: mail.subject.clone().unwrap_or_default(),
        state: mail.state.clone(),
        state_label,
        attempts: mail.attempts,
        last_error: mail.last_error.clone(),
        queued: instant(&mail.created_at).map(|at| t.when(at)),
        sent: mail
            .sent_at
            .as_deref()
            .and_then(instant)
            .map(|at| t.when(at)),
    }
}

#[post("/ui/companies/{company_id}/admin/alerts")]
async fn save(
    state: web::Data<AppState>,
    posted: Posted<SettingsForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let (page, form) = (posted.page, posted.form);
    let t = page.t;
    let outcome = match parse(t, &form) {
        Ok(update) => {
            let actor = page.actor.clone();
            operations::set_alert_settings(
                state.gate(),
                actor,
                company_id.clone(),
                update,
                form.version,
            )
            .await
            .map_err(|error| refusal(t, error))
        }
        Err(message) => Err(Ok(message)),
    };
    match outcome {
        Ok(_) => Ok(see_other(&format!(
            "/ui/companies/{company_id}/admin/alerts?saved=1"
        ))),
        Err(Ok(message)) => {
            let current = settings(&state, &page, &company_id).await?;
            // What was typed stays; saved again, it replaces the settings as they are now.
            let form = SettingsForm {
                version: current.version,
                ..form
            };
            render(
                &state,
                page,
                company_id,
                (form, current, Some(message), false),
            )
            .await
        }
        Err(Err(error)) => Err(error),
    }
}

/// The settings typed, or a message naming what to correct.
fn parse(t: Lang, form: &SettingsForm) -> Result<AlertSettings, FormMessage> {
    let recipients: Vec<String> = form
        .recipients
        .split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(wrong) = recipients.iter().find(|text| Email::parse(text).is_err()) {
        let text = if t.is_french() {
            format!("« {wrong} » n'est pas une adresse e-mail.")
        } else {
            format!("“{wrong}” is not an email address.")
        };
        return Err(FormMessage::new(StatusCode::BAD_REQUEST, &text));
    }
    let digest = form.digest_enabled.is_some();
    AlertSettings::parse(&recipients, &form.min_severity, digest).map_err(|error| match error {
        AlertsError::Invalid {
            field: "recipients",
            ..
        } => {
            let text = if t.is_french() {
                format!("Indiquez au plus {MAX_RECIPIENTS} destinataires.")
            } else {
                format!("Name at most {MAX_RECIPIENTS} recipients.")
            };
            FormMessage::new(StatusCode::BAD_REQUEST, &text)
        }
        _ => FormMessage::new(
            StatusCode::BAD_REQUEST,
            t.t("Choose a severity.", "Choisissez une gravité."),
        ),
    })
}

/// A refused save in the reader's words, for the form; a failure of the service is answered
/// by the error page instead.
fn refusal(t: Lang, error: AlertsError) -> Result<FormMessage, PageError> {
    match error {
        AlertsError::Conflict { .. } | AlertsError::Denied(_) => {
            let api = ApiError::from(error);
            Ok(FormMessage::new(api.code.status(), api.message(t.locale())))
        }
        other => Err(ApiError::from(other).into()),
    }
}
