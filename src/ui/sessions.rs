//! Sessions: who is signed into Seatwarden, on which device, each with a button that revokes
//! it; and the team logins of the other app that the seat auditor found shared, each with the
//! devices its sessions came from. Devices are named as people know them ("Firefox on
//! Windows"), never by a whole user-agent string.

use std::collections::BTreeMap;

use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::error::PageError;
use super::labels;
use super::lang::{Lang, When};
use super::session::{Page, Posted};
use super::{html, see_other, Nav};
use crate::app::AppState;
use crate::authz::Action;
use crate::identity::operations;
use crate::seats::days::CompanyDays;
use crate::seats::findings::FindingKind;
use crate::seats::operations as seats;
use crate::seats::storage::findings::FindingFilter;
use crate::seats::timeline::SessionRecord;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(revoke);
}

/// "Firefox on Windows" / "Firefox sous Windows", from a user-agent string.
pub fn device_name(t: Lang, user_agent: Option<&str>) -> Option<String> {
    let agent = user_agent
        .map(str::trim)
        .filter(|agent| !agent.is_empty())?;
    let parsed = woothee::parser::Parser::new().parse(agent)?;
    let known = |value: &str| value != woothee::woothee::VALUE_UNKNOWN && !value.is_empty();
    match (known(parsed.name), known(parsed.os)) {
        (true, true) => Some(format!(
            "{} {} {}",
            parsed.name,
            t.t("on", "sous"),
            parsed.os
        )),
        (true, false) => Some(parsed.name.to_owned()),
        (false, true) => Some(parsed.os.to_owned()),
        (false, false) => None,
    }
}

struct SessionLine {
    id: String,
    started: When,
    last_seen: When,
    /// The browser and system, as people name them.
    device: String,
    /// The device id the client gave at sign-in, if any.
    device_id: String,
    address: String,
    flagged: bool,
    current: bool,
}

struct UserSessions {
    name: String,
    email: String,
    role: String,
    sessions: Vec<SessionLine>,
}

/// A device a shared login was used from, on the day its finding shows.
struct DeviceLine {
    label: String,
    browser: String,
    sessions: usize,
    last_active: When,
}

/// A team login of the other app found shared, with its devices.
struct SharedLogin {
    login: String,
    finding_id: String,
    /// "3 people".
    people: String,
    last_seen: When,
    day: String,
    devices: Vec<DeviceLine>,
}

#[derive(Template)]
#[template(path = "ui/sessions.html")]
struct SessionsPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    users: Vec<UserSessions>,
    shared: Vec<SharedLogin>,
}

#[get("/ui/companies/{company_id}/sessions")]
async fn list(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let t = page.t;
    let (people, open) =
        operations::open_sessions_by_user(state.gate(), page.actor.clone(), company_id.clone())
            .await?;
    let current = page.actor.session_id.clone().unwrap_or_default();
    let unknown = t.t("unknown browser", "navigateur inconnu");
    let users = people
        .into_iter()
        .filter_map(|user| {
            let lines: Vec<SessionLine> = open
                .iter()
                .filter(|session| session.user_id == user.id)
                .map(|session| SessionLine {
                    id: session.id.clone(),
                    started: t.when(session.created_at),
                    last_seen: t.when(session.last_seen_at),
                    device: device_name(t, session.user_agent.as_deref())
                        .unwrap_or_else(|| unknown.to_owned()),
                    device_id: session.device_id.clone().unwrap_or_default(),
                    address: session.ip.clone().unwrap_or_default(),
                    flagged: session.flagged,
                    current: session.id == current,
                })
                .collect();
            (!lines.is_empty()).then(|| UserSessions {
                name: user.display_name,
                email: user.email,
                role: labels::role_named(t, &user.role),
                sessions: lines,
            })
        })
        .collect();
    let shared = if page.may.allows(Action::ViewFindings) {
        shared_logins(&state, &page, &company_id).await?
    } else {
        Vec::new()
    };
    html(&SessionsPage {
        nav: Nav::new(&page, "sessions"),
        company_id,
        users,
        shared,
        t,
    })
}

/// The shared-login findings' logins, each with the devices of its sessions on the last day
/// the sharing was seen.
async fn shared_logins(
    state: &AppState,
    page: &Page,
    company_id: &str,
) -> Result<Vec<SharedLogin>, PageError> {
    let t = page.t;
    let config = state.settings.audit_config();
    let filter = FindingFilter {
        kind: Some(FindingKind::SharedLogin),
        ..FindingFilter::default()
    };
    let listed = seats::all_findings(
        state.gate(),
        page.actor.clone(),
        company_id.to_owned(),
        filter,
        config.clone(),
    )
    .await?;
    let mut shared = Vec::new();
    for finding in listed.findings.iter().filter(|f| f.login.is_some()) {
        let read = seats::finding_page(
            state.gate(),
            page.actor.clone(),
            company_id.to_owned(),
            finding.id.clone(),
            Some(CompanyDays(t.zone()).day_of(finding.last_seen.and_utc())),
            config.clone(),
        )
        .await?;
        shared.push(SharedLogin {
            login: finding.login.clone().unwrap_or_default(),
            finding_id: finding.id.clone(),
            people: t.count(
                usize::try_from(finding.headcount).unwrap_or_default(),
                ("person", "people"),
                ("personne", "personnes"),
            ),
            last_seen: t.when(finding.last_seen),
            day: t.day(read.found.day),
            devices: devices(t, &read.found.sessions),
        });
    }
    Ok(shared)
}

/// Sessions grouped by device, the most recently active first.
fn devices(t: Lang, sessions: &[SessionRecord]) -> Vec<DeviceLine> {
    let mut by_device: BTreeMap<String, (Option<&str>, usize, NaiveDateTime)> = BTreeMap::new();
    for session in sessions {
        let label = session
            .device
            .clone()
            .filter(|id| !id.trim().is_empty())
            .or_else(|| session.ip.clone())
            .unwrap_or_default();
        let last = session.last_active_at.naive_utc();
        let entry = by_device
            .entry(label)
            .or_insert((session.user_agent.as_deref(), 0, last));
        entry.1 += 1;
        entry.2 = entry.2.max(last);
    }
    let mut lines: Vec<(NaiveDateTime, DeviceLine)> = by_device
        .into_iter()
        .map(|(label, (agent, count, last))| {
            let browser = device_name(t, agent)
                .unwrap_or_else(|| t.t("unknown browser", "navigateur inconnu").to_owned());
            let line = DeviceLine {
                label,
                browser,
                sessions: count,
                last_active: t.when(last),
            };
            (last, line)
        })
        .collect();
    lines.sort_by_key(|(last, _)| std::cmp::Reverse(*last));
    lines.into_iter().map(|(_, line)| line).collect()
}

#[derive(Deserialize)]
struct RevokeForm {}

#[post("/ui/companies/{company_id}/sessions/{session_id}/revoke")]
async fn revoke(
    state: web::Data<AppState>,
    posted: Posted<RevokeForm>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (company_id, session_id) = path.into_inner();
    let location = format!("/ui/companies/{company_id}/sessions");
    let actor = posted.page.actor.clone();
    operations::revoke_session(state.gate(), actor, company_id, session_id).await?;
    Ok(see_other(&location))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn devices_are_named_by_browser_and_system_never_by_the_whole_agent() {
        let english = Lang::new(Locale::En);
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                      (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
        assert_eq!(
            device_name(english, Some(chrome)).as_deref(),
            Some("Chrome on Windows 10")
        );
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(
            device_name(Lang::new(Locale::Fr), Some(firefox)).as_deref(),
            Some("Firefox sous Linux")
        );
        assert_eq!(device_name(english, Some("")), None);
        assert_eq!(device_name(english, None), None);
    }
}
