//! Active sessions per user, each with a button that revokes it.

use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::error::PageError;
use super::lang::{when, Lang};
use super::session::{Page, Posted};
use super::{html, see_other, Nav};
use crate::app::AppState;
use crate::identity::operations;

struct SessionLine {
    id: String,
    started: String,
    last_seen: String,
    device: String,
    address: String,
    agent: String,
    flagged: bool,
    current: bool,
}

struct UserSessions {
    name: String,
    email: String,
    role: String,
    sessions: Vec<SessionLine>,
}


pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(revoke);
}

#[derive(Template)]
#[template(path = "ui/sessions.html")]
struct SessionsPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    users: Vec<UserSessions>,
}

#[get("/ui/companies/{company_id}/sessions")]
async fn list(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let (people, open) =
        operations::open_sessions_by_user(state.gate(), page.actor.clone(), company_id.clone())
            .await?;
    let current = page.actor.session_id.clone().unwrap_or_default();
    let users = people
        .into_iter()
        .filter_map(|user| {
            let lines: Vec<SessionLine> = open
                .iter()
                .filter(|session| session.user_id == user.id)
                .map(|session| SessionLine {
                    id: session.id.clone(),
                    started: when(session.created_at),
                    last_seen: when(session.last_seen_at),
                    device: session.device_id.clone().unwrap_or_default(),
                    address: session.ip.clone().unwrap_or_default(),
                    agent: session.user_agent.clone().unwrap_or_default(),
                    flagged: session.flagged,
                    current: session.id == current,
                })
                .collect();
            (!lines.is_empty()).then_some(UserSessions {
                name: user.display_name,
                email: user.email,
                role: user.role,
                sessions: lines,
            })
        })
        .collect();
    html(&SessionsPage {
        nav: Nav::new(&page, "sessions"),
        t: page.t,
        company_id,
        users,
    })
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
