//! Users and invitations: the company's people with their role and state, the seats they
//! take against the plan, and the forms that invite, change a role, disable and enable, each
//! through the identity operation its /v1 users route calls.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{page_with_status, FormMessage};
use crate::app::AppState;
use crate::authz::Action;
use crate::identity::fields::{DisplayName, Email};
use crate::identity::models::{status, UserRow};
use crate::identity::users::{NewUser, UserChanges};
use crate::identity::{operations, IdentityError, Role};
use crate::seats;
use crate::ui::error::PageError;
use crate::ui::labels;
use crate::ui::lang::{Lang, When};
use crate::ui::session::{Page, Posted};
use crate::ui::{see_other, Nav};
use crate::web::error::{ApiError, ErrorCode};

/// A user as a row of the page.
struct UserLine {
    id: String,
    name: String,
    email: String,
    role: Role,
    role_label: String,
    state: &'static str,
    state_label: &'static str,
    version: i64,
    added: When,
    /// The primary admin's role and state change only by a transfer, which is not here.
    primary: bool,
}

/// The plan's billable seats and how many are used.
struct SeatCounter {
    used: u32,
    limit: u32,
    over: bool,
}

/// What was typed in the invitation form, kept when it is refused.
#[derive(Default, Deserialize)]
struct InviteForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// An invitation just made: shown once, its token is never readable again.
struct Invited {
    name: String,
    token: String,
}

#[derive(Template)]
#[template(path = "ui/admin_users.html")]
struct UsersPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    users: Vec<UserLine>,
    seats: Option<SeatCounter>,
    roles: Vec<(Role, &'static str)>,
    invite: InviteForm,
    invited: Option<Invited>,
    message: Option<FormMessage>,
    may_add: bool,
    may_update: bool,
    may_disable: bool,
    may_enable: bool,
}

impl UsersPage {
    fn role_selected(&self, role: &Role) -> bool {
        self.invite.role == role.as_str()
    }
}

/// The page as it stands, with what an invitation left: a token, or a message on the form.
async fn render(
    state: &AppState,
    page: Page,
    company_id: String,
    (typed, invited, message): (InviteForm, Option<Invited>, Option<FormMessage>),
) -> Result<HttpResponse, PageError> {
    let rows = operations::all_users(state.gate(), page.actor.clone(), company_id.clone()).await?;
    let seats = if page.may.allows(Action::ViewSeats) {
        let view =
            seats::operations::seats(state.gate(), page.actor.clone(), company_id.clone()).await?;
        Some(SeatCounter {
            used: view.billable_total,
            limit: view.limit,
            over: view.over_limit,
        })
    } else {
        None
    };
    let t = page.t;
    let status = message.as_ref().map_or(StatusCode::OK, |m| m.status);
    page_with_status(
        status,
        &UsersPage {
            nav: Nav::new(&page, "admin"),
            users: rows.iter().map(|row| user_line(t, row)).collect(),
            seats,
            roles: Role::ALL
                .into_iter()
                .filter(|role| *role != Role::PrimaryAdmin)
                .map(|role| (role, labels::role(t, role)))
                .collect(),
            invite: typed,
            invited,
            message,
            may_add: page.may.allows(Action::AddUser),
            may_update: page.may.allows(Action::UpdateUser),
            may_disable: page.may.allows(Action::DisableUser),
            may_enable: page.may.allows(Action::EnableUser),
            company_id,
            t,
        },
    )
}

fn user_line(t: Lang, row: &UserRow) -> UserLine {
    let role = Role::parse(&row.role).unwrap_or(Role::StandardAll);
    let (state, state_label) = match row.status.as_str() {
        status::ACTIVE => ("active", t.t("active", "actif")),
        status::INVITED => ("invited", t.t("invited", "invité")),
        status::DISABLED => ("disabled", t.t("disabled", "désactivé")),
        _ => (
            "external",
            t.t(
                "login of another app",
                "identifiant d'une autre application",
            ),
        ),
    };
    UserLine {
        id: row.id.clone(),
        name: row.display_name.clone(),
        email: row.email.clone(),
        role,
        role_label: labels::role_named(t, &row.role),
        state,
        state_label,
        version: row.version,
        added: t.when(row.created_at),
        primary: role == Role::PrimaryAdmin,
    }
}

#[get("/ui/companies/{company_id}/admin/users")]
async fn list(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    render(&state, page, path.into_inner(), Default::default()).await
}

#[post("/ui/companies/{company_id}/admin/users")]
async fn invite(
    state: web::Data<AppState>,
    posted: Posted<InviteForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let (page, form) = (posted.page, posted.form);
    let t = page.t;
    let parsed = parse_invitation(t, &form);
    let outcome = match parsed {
        Ok(new_user) => {
            let actor = page.actor.clone();
            operations::add_user(state.gate(), actor, company_id.clone(), new_user, None)
                .await
                .map_err(|error| user_error(t, error))
        }
        Err(message) => Err(Ok(message)),
    };
    match outcome {
        Ok((user, token)) => {
            let invited = token.map(|token| Invited {
                name: user.display_name,
                token,
            });
            render(
                &state,
                page,
                company_id,
                (InviteForm::default(), invited, None),
            )
            .await
        }
        Err(Ok(message)) => render(&state, page, company_id, (form, None, Some(message))).await,
        Err(Err(refusal)) => Err(refusal),
    }
}

/// The invitation's fields, or a message naming the one to correct.
fn parse_invitation(t: Lang, form: &InviteForm) -> Result<NewUser, FormMessage> {
    let invalid = |english: &str, french: &str| {
        FormMessage::new(StatusCode::BAD_REQUEST, t.t(english, french))
    };
    let display_name = DisplayName::parse(&form.display_name).map_err(|_| {
        invalid(
            "Give the person's name (1 to 200 characters).",
            "Indiquez le nom de la personne (1 à 200 caractères).",
        )
    })?;
    let email = Email::parse(&form.email).map_err(|_| {
        invalid(
            "This email address is not valid.",
            "Cette adresse e-mail n'est pas valide.",
        )
    })?;
    let role = Role::parse(&form.role)
        .filter(|role| *role != Role::PrimaryAdmin)
        .ok_or_else(|| invalid("Choose a role.", "Choisissez un rôle."))?;
    Ok(NewUser {
        email,
        display_name,
        role,
        password_hash: None,
    })
}

/// A refused user change in the reader's words, for the form; a failure of the service is
/// answered by the error page instead.
fn user_error(t: Lang, error: IdentityError) -> Result<FormMessage, PageError> {
    match error {
        IdentityError::RoleNotInPlan { role, .. } => {
            let role = labels::role_named(t, role);
            let text = if t.is_french() {
                format!("Le forfait de l'entreprise n'inclut pas le rôle « {role} ».")
            } else {
                format!("The company's plan does not include the role “{role}”.")
            };
            Ok(FormMessage::new(StatusCode::CONFLICT, &text))
        }
        IdentityError::Store(_)
        | IdentityError::NotFound
        | IdentityError::Unauthenticated
        | IdentityError::SessionEnded { .. } => Err(error.into()),
        other => {
            let api = ApiError::from(other);
            Ok(FormMessage::new(api.code.status(), api.message(t.locale())))
        }
    }
}

#[derive(Deserialize)]
struct RoleForm {
    role: String,
    version: i64,
}

#[post("/ui/companies/{company_id}/admin/users/{user_id}/role")]
async fn change_role(
    state: web::Data<AppState>,
    posted: Posted<RoleForm>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (company_id, user_id) = path.into_inner();
    let (page, form) = (posted.page, posted.form);
    let t = page.t;
    let role = Role::parse(&form.role).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            "Choose a role.",
            "Choisissez un rôle.",
        )
    })?;
    let changes = UserChanges {
        expected_version: form.version,
        role: Some(role),
        display_name: None,
    };
    let ids = (company_id.clone(), user_id);
    let outcome = operations::update_user(state.gate(), page.actor.clone(), ids, changes).await;
    after_change(&state, page, company_id, outcome.map(drop), t).await
}

#[derive(Deserialize)]
struct StateForm {}

#[post("/ui/companies/{company_id}/admin/users/{user_id}/disable")]
async fn disable(
    state: web::Data<AppState>,
    posted: Posted<StateForm>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (company_id, user_id) = path.into_inner();
    let page = posted.page;
    let t = page.t;
    let outcome = operations::disable_user(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        user_id,
    )
    .await;
    after_change(&state, page, company_id, outcome.map(drop), t).await
}

#[post("/ui/companies/{company_id}/admin/users/{user_id}/enable")]
async fn enable(
    state: web::Data<AppState>,
    posted: Posted<StateForm>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (company_id, user_id) = path.into_inner();
    let page = posted.page;
    let t = page.t;
    let outcome = operations::enable_user(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        user_id,
    )
    .await;
    after_change(&state, page, company_id, outcome.map(drop), t).await
}

/// Back to the list once a change is made; a refused one is said above the list.
async fn after_change(
    state: &AppState,
    page: Page,
    company_id: String,
    outcome: Result<(), IdentityError>,
    t: Lang,
) -> Result<HttpResponse, PageError> {
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/ui/companies/{company_id}/admin/users"
        ))),
        Err(error) => {
            let message = user_error(t, error)?;
            render(
                state,
                page,
                company_id,
                (InviteForm::default(), None, Some(message)),
            )
            .await
        }
    }
}
