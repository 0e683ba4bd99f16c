//! Company settings: what happens when a login is used on two devices at once (the
//! enforcement mode), whether probable sharing counts in the seats, and the company's
//! language and time zone. Each form changes one setting through the operation of its /v1
//! route, from the company settings' version the page was read at.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{page_with_status, FormMessage};
use crate::app::AppState;
use crate::authz::Action;
use crate::i18n::Locale;
use crate::identity::enforcement::EnforcementMode;
use crate::identity::fields::TimeZoneName;
use crate::identity::locale_settings::LocaleChange;
use crate::identity::operations as identity;
use crate::seats::operations as seats;
use crate::ui::error::PageError;
use crate::ui::lang::{Lang, When};
use crate::ui::session::{Page, Posted};
use crate::ui::{see_other, Nav};
use crate::web::error::{ApiError, ErrorCode};

/// A choice of the enforcement form: its code, name and what it does.
struct ModeChoice {
    code: &'static str,
    name: &'static str,
    text: &'static str,
}

fn mode_choice(t: Lang, mode: EnforcementMode) -> ModeChoice {
    let (name, text) = match mode {
        EnforcementMode::Monitor => (
            t.t("Watch only", "Surveiller seulement"),
            t.t(
                "Every sign-in is allowed; shared logins are reported.",
                "Toute connexion est acceptée ; les identifiants partagés sont signalés.",
            ),
        ),
        EnforcementMode::DenyNew => (
            t.t("Refuse a second device", "Refuser un second appareil"),
            t.t(
                "A login already at work on another device cannot sign in.",
                "Un identifiant déjà utilisé sur un autre appareil ne peut pas se connecter.",
            ),
        ),
        EnforcementMode::TerminateOldest => (
            t.t("Keep the newest device", "Garder le dernier appareil"),
            t.t(
                "Signing in ends the login's sessions on other devices.",
                "Une connexion ferme les sessions de l'identifiant sur les autres appareils.",
            ),
        ),
        EnforcementMode::Enforce => (
            t.t("Enforce", "Appliquer"),
            t.t(
                "Sign-ins are allowed, but the sessions of a shared login may no longer write in the books.",
                "Les connexions sont acceptées, mais les sessions d'un identifiant partagé ne peuvent plus écrire dans les comptes.",
            ),
        ),
    };
    ModeChoice {
        code: mode.as_str(),
        name,
        text,
    }
}

/// The language and time zone form, as stored or as typed.
#[derive(Deserialize)]
struct LocaleForm {
    #[serde(default)]
    locale: String,
    #[serde(default)]
    time_zone: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "ui/admin_settings.html")]
struct SettingsPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    version: i64,
    mode: String,
    modes: Vec<ModeChoice>,
    count_probable_sharing: bool,
    locale: LocaleForm,
    time_zone_in_use: String,
    /// Every zone of the IANA database, by name.
    zones: Vec<&'static str>,
    now: When,
    saved: bool,
    message: Option<FormMessage>,
    may_edit: bool,
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

#[get("/ui/companies/{company_id}/admin/settings")]
async fn show(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, PageError> {
    let saved = query.saved.is_some();
    render(&state, page, path.into_inner(), (None, None, saved)).await
}

async fn render(
    state: &AppState,
    page: Page,
    company_id: String,
    (typed, message, saved): (Option<LocaleForm>, Option<FormMessage>, bool),
) -> Result<HttpResponse, PageError> {
    let actor = page.actor.clone();
    let gate = state.gate();
    let enforcement = seats::enforcement(gate, actor.clone(), company_id.clone()).await?;
    let audit = seats::seat_audit_settings(gate, actor.clone(), company_id.clone()).await?;
    let locale = identity::locale_settings(gate, actor, company_id.clone()).await?;
    let t = page.t;
    let status = message.as_ref().map_or(StatusCode::OK, |m| m.status);
    page_with_status(
        status,
        &SettingsPage {
            nav: Nav::new(&page, "admin"),
            company_id,
            version: locale.version,
            mode: enforcement.mode,
            modes: EnforcementMode::ALL
                .into_iter()
                .map(|mode| mode_choice(t, mode))
                .collect(),
            count_probable_sharing: audit.count_probable_sharing,
            // What was typed stays, at the current version: saved again, it applies.
            locale: match typed {
                Some(typed) => LocaleForm {
                    version: locale.version,
                    ..typed
                },
                None => LocaleForm {
                    locale: locale.locale,
                    time_zone: locale.time_zone,
                    version: locale.version,
                },
            },
            time_zone_in_use: locale.time_zone_in_use,
            zones: chrono_tz::TZ_VARIANTS
                .iter()
                .map(|zone| zone.name())
                .collect(),
            now: t.when(crate::clock::now()),
            saved,
            message,
            may_edit: page.may.allows(Action::EditSettings),
            t,
        },
    )
}

fn saved_location(company_id: &str) -> String {
    format!("/ui/companies/{company_id}/admin/settings?saved=1")
}

/// A refused change in the reader's words, above the forms; a failure of the service is
/// answered by the error page instead.
fn refusal(t: Lang, error: ApiError) -> Result<FormMessage, PageError> {
    match error.code {
        ErrorCode::Conflict | ErrorCode::Forbidden => Ok(FormMessage::new(
            error.code.status(),
            error.message(t.locale()),
        )),
        _ => Err(error.into()),
    }
}

#[derive(Deserialize)]
struct EnforcementForm {
    mode: String,
    version: i64,
}

#[post("/ui/companies/{company_id}/admin/settings/enforcement")]
async fn save_enforcement(
    state: web::Data<AppState>,
    posted: Posted<EnforcementForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let (page, form) = (posted.page, posted.form);
    let mode = EnforcementMode::parse(&form.mode).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            "Choose what happens when a login is used on two devices.",
            "Choisissez ce qui se passe quand un identifiant sert sur deux appareils.",
        )
    })?;
    let actor = page.actor.clone();
    let outcome =
        seats::set_enforcement(state.gate(), actor, company_id.clone(), mode, form.version).await;
    match outcome {
        Ok(_) => Ok(see_other(&saved_location(&company_id))),
        Err(error) => {
            let message = refusal(page.t, error.into())?;
            render(&state, page, company_id, (None, Some(message), false)).await
        }
    }
}

#[derive(Deserialize)]
struct SeatAuditForm {
    /// A checkbox: present when ticked.
    #[serde(default)]
    count_probable_sharing: Option<String>,
    version: i64,
}

#[post("/ui/companies/{company_id}/admin/settings/seat-audit")]
async fn save_seat_audit(
    state: web::Data<AppState>,
    posted: Posted<SeatAuditForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let (page, form) = (posted.page, posted.form);
    let count = form.count_probable_sharing.is_some();
    let actor = page.actor.clone();
    let outcome = seats::set_seat_audit_settings(
        state.gate(),
        actor,
        company_id.clone(),
        count,
        form.version,
    )
    .await;
    match outcome {
        Ok(_) => Ok(see_other(&saved_location(&company_id))),
        Err(error) => {
            let message = refusal(page.t, error.into())?;
            render(&state, page, company_id, (None, Some(message), false)).await
        }
    }
}

#[post("/ui/companies/{company_id}/admin/settings/locale")]
async fn save_locale(
    state: web::Data<AppState>,
    posted: Posted<LocaleForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let (page, form) = (posted.page, posted.form);
    let t = page.t;
    let change = match parse_locale(t, &form) {
        Ok(change) => change,
        Err(message) => {
            return render(&state, page, company_id, (Some(form), Some(message), false)).await
        }
    };
    let actor = page.actor.clone();
    let outcome = identity::set_locale_settings(
        state.gate(),
        actor,
        company_id.clone(),
        change,
        form.version,
    )
    .await;
    match outcome {
        Ok(_) => Ok(see_other(&saved_location(&company_id))),
        Err(error) => {
            let message = refusal(t, error.into())?;
            render(&state, page, company_id, (Some(form), Some(message), false)).await
        }
    }
}

fn parse_locale(t: Lang, form: &LocaleForm) -> Result<LocaleChange, FormMessage> {
    let locale = Locale::parse(&form.locale)
        .filter(|locale| locale.as_str() == form.locale)
        .ok_or_else(|| {
            FormMessage::new(
                StatusCode::BAD_REQUEST,
                t.t("Choose a language.", "Choisissez une langue."),
            )
        })?;
    let time_zone = TimeZoneName::parse(&form.time_zone).map_err(|_| {
        FormMessage::new(
            StatusCode::BAD_REQUEST,
            t.t(
                "Choose a time zone from the list.",
                "Choisissez un fuseau horaire dans la liste.",
            ),
        )
    })?;
    Ok(LocaleChange { locale, time_zone })
}
