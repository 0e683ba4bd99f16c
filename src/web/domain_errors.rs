//! How each domain error reads over HTTP.

use super::error::{ApiError, ErrorCode};
use crate::alerts::AlertsError;
use crate::authz::{AuthzError, Denial};
use crate::books::{BooksError, Conflict};
use crate::identity::IdentityError;
use crate::paging::PagingError;
use crate::policy_admin::PolicyAdminError;
use crate::seats::SeatsError;
use crate::store::StoreError;

impl From<Denial> for ApiError {
    fn from(denial: Denial) -> Self {
        // Another company's resource answers exactly like a missing one.
        if denial.other_tenant {
            return ApiError::not_found();
        }
        let policies = denial.policy_ids();
        let (english, french) = if policies.is_empty() {
            (
                "No policy permits this action.".to_owned(),
                "Aucune politique n'autorise cette action.".to_owned(),
            )
        } else {
            (
                format!("Forbidden by policy {}.", policies.join(", ")),
                format!("Interdit par la politique {}.", policies.join(", ")),
            )
        };
        ApiError::new(ErrorCode::Forbidden, english, french)
            .with("decision_id", &denial.decision.id)
            .with("action", &denial.decision.action)
            .with("forbidding_policies", policies)
            .with(
                "reason",
                if policies.is_empty() {
                    "no_permit"
                } else {
                    "forbidden_by_policy"
                },
            )
    }
}

impl From<PagingError> for ApiError {
    fn from(error: PagingError) -> Self {
        match error {
            PagingError::InvalidCursor => ApiError::new(
                ErrorCode::InvalidCursor,
                "This cursor does not come from this list: pass back the next_cursor of the \
                 previous page unchanged, or none for the first page.",
                "Ce curseur ne vient pas de cette liste : renvoyez tel quel le next_cursor de \
                 la page précédente, ou aucun pour la première page.",
            )
            .with("field", "cursor"),
            PagingError::InvalidLimit { .. } => {
                ApiError::invalid_field("limit", &error.to_string())
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            error if error.is_unavailable() => {
                tracing::error!(%error, "database unavailable");
                ApiError::new(
                    ErrorCode::ServiceUnavailable,
                    "The database is unavailable; retry shortly.",
                    "La base de données est indisponible ; réessayez dans un instant.",
                )
                .retry_after(1)
            }
            other => ApiError::internal(&other),
        }
    }
}

impl From<IdentityError> for ApiError {
    fn from(error: IdentityError) -> Self {
        use IdentityError as E;
        match error {
            E::Invalid { field, problem } => ApiError::invalid_field(field, problem),
            E::EmailTaken => ApiError::new(
                ErrorCode::EmailTaken,
                "This email is already used by another user.",
                "Cette adresse e-mail est déjà utilisée par un autre utilisateur.",
            ),
            E::SeatLimitReached { limit, billable } => ApiError::new(
                ErrorCode::SeatLimitReached,
                format!("All {limit} billable seats of the plan are taken ({billable} in use)."),
                format!(
                    "Les {limit} sièges facturables du forfait sont tous pris ({billable} utilisés)."
                ),
            )
            .with("limit", limit)
            .with("billable", billable),
            E::RoleNotInPlan { plan, role } => ApiError::new(
                ErrorCode::RoleNotInPlan,
                format!("The `{plan}` plan does not include {role} users."),
                format!("Le forfait `{plan}` n'inclut pas d'utilisateurs {role}."),
            ),
            E::PrimaryAdminRequired => ApiError::new(
                ErrorCode::PrimaryAdminRequired,
                "The company keeps exactly one primary admin; transfer the role instead.",
                "L'entreprise garde exactement un administrateur principal ; transférez ce rôle.",
            ),
            E::InvalidCredentials => ApiError::new(
                ErrorCode::InvalidCredentials,
                "Wrong email or password.",
                "Adresse e-mail ou mot de passe incorrect.",
            ),
            E::RateLimited { retry_after_secs } => ApiError::new(
                    ErrorCode::RateLimited,
                    format!("Too many failed sign-ins; retry in {retry_after_secs} seconds."),
                    format!(
                        "Trop d'échecs de connexion ; réessayez dans {retry_after_secs} secondes."
                    ),
                )
            .with("retry_after_secs", retry_after_secs)
            .retry_after(retry_after_secs),
            E::Unauthenticated => ApiError::unauthenticated(),
            E::SessionEnded { reason } => session_ended(&reason),
            E::ConcurrentSession { active_sessions } => ApiError::new(
                ErrorCode::ConcurrentSession,
                "This login is already in use on another device, and the company allows one \
                 device at a time: sign out there first, or ask an admin for a login of your own.",
                "Cet identifiant est déjà utilisé sur un autre appareil et l'entreprise n'autorise \
                 qu'un appareil à la fois : déconnectez-vous d'abord de l'autre appareil, ou \
                 demandez à un administrateur un identifiant personnel.",
            )
            .with("active_sessions", active_sessions),
            E::NotFound => ApiError::not_found(),
            E::Conflict { expected, current } => ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "Someone changed this user since version {expected}; here is the current one."
                ),
                format!(
                    "Cet utilisateur a été modifié depuis la version {expected} ; voici la version actuelle."
                ),
            )
            .with("current", current),
            E::SettingsConflict { expected, current } => settings_conflict(expected, current),
            E::Denied(denial) => denial.into(),
            E::Store(error) => error.into(),
        }
    }
}

/// 401 with the reason the session ended, so its holder knows why they were signed out.
fn session_ended(reason: &str) -> ApiError {
    let (english, french) = if reason
        == crate::identity::end_reasons::EndReason::Superseded.as_str()
    {
        (
            "This session was ended because the same login signed in on another device.",
            "Cette session a été fermée car le même identifiant s'est connecté sur un autre appareil.",
        )
    } else {
        (
            "This session has ended; sign in again.",
            "Cette session est terminée ; reconnectez-vous.",
        )
    };
    ApiError::new(ErrorCode::Unauthenticated, english, french).with("reason", reason)
}

impl From<AuthzError> for ApiError {
    fn from(error: AuthzError) -> Self {
        match error {
            AuthzError::Invalid { field, problem } => ApiError::invalid_field(&field, &problem),
            AuthzError::NotFound => ApiError::not_found(),
            AuthzError::Unauthenticated => ApiError::unauthenticated(),
            AuthzError::Denied(denial) => denial.into(),
            AuthzError::RateLimited => ApiError::new(
                ErrorCode::RateLimited,
                "Too many authorization requests for this company; slow down.",
                "Trop de demandes d'autorisation pour cette entreprise ; ralentissez.",
            )
            .retry_after(1),
            AuthzError::Store(error) => error.into(),
            error @ (AuthzError::GroupCommit(_) | AuthzError::GroupCommitStopped) => {
                tracing::error!(%error, "decision log unavailable");
                ApiError::new(
                    ErrorCode::ServiceUnavailable,
                    "The decision could not be logged, so it is not given; retry shortly.",
                    "La décision n'a pas pu être journalisée, elle n'est donc pas donnée ; réessayez.",
                )
                .retry_after(1)
            }
        }
    }
}

/// 409 with the company's current settings, for a change made on an older version.
fn settings_conflict(expected: i64, current: impl serde::Serialize) -> ApiError {
    ApiError::new(
        ErrorCode::Conflict,
        format!(
            "Someone changed the company settings since version {expected}; here are the current ones."
        ),
        format!(
            "Les réglages de l'entreprise ont été modifiés depuis la version {expected} ; voici les réglages actuels."
        ),
    )
    .with("current", current)
}

impl From<SeatsError> for ApiError {
    fn from(error: SeatsError) -> Self {
        match error {
            SeatsError::Invalid { field, problem } => ApiError::invalid_field(field, &problem),
            SeatsError::NotFound => ApiError::not_found(),
            SeatsError::Conflict { expected, current } => ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "Someone changed this finding since version {expected}; here is the current one."
                ),
                format!(
                    "Ce constat a été modifié depuis la version {expected} ; voici la version actuelle."
                ),
            )
            .with("current", current),
            SeatsError::SettingsConflict { expected, current } => {
                settings_conflict(expected, current)
            }
            SeatsError::SeatAuditSettingsConflict { expected, current } => {
                settings_conflict(expected, current)
            }
            SeatsError::Denied(denial) => denial.into(),
            SeatsError::Identity(error) => error.into(),
            SeatsError::Store(error) => error.into(),
        }
    }
}

impl From<Conflict> for ApiError {
    fn from(conflict: Conflict) -> Self {
        let (record, expected) = (conflict.record_type, conflict.expected_version);
        ApiError::new(
            ErrorCode::Conflict,
            format!(
                "Someone changed this {record} since version {expected}, so your change was not \
                 saved; here is the current one."
            ),
            format!(
                "Cet enregistrement ({record}) a été modifié depuis la version {expected} : votre \
                 modification n'a pas été enregistrée ; voici la version actuelle."
            ),
        )
        .with("expected_version", expected)
        .with("changed_by", &conflict.changed_by)
        .with("changed_at", crate::clock::rfc3339(conflict.changed_at))
        .with("current", conflict.current)
    }
}

impl From<BooksError> for ApiError {
    fn from(error: BooksError) -> Self {
        use BooksError as E;
        match error {
            E::Invalid { field, problem } => ApiError::invalid_field(&field, &problem),
            E::NotFound => ApiError::not_found(),
            E::InvalidState {
                record,
                state,
                problem,
            } => ApiError::new(
                ErrorCode::InvalidState,
                format!("This {record} is {state}: {problem}."),
                format!("Action impossible sur cet enregistrement ({record}, état {state}) : {problem}."),
            )
            .with("state", state),
            E::ExceedsOpenAmount {
                record,
                open_cents,
                asked_cents,
            } => ApiError::new(
                ErrorCode::ExceedsOpenAmount,
                format!(
                    "This credit note ({asked_cents} cents) is more than the {open_cents} cents \
                     still open on the {record}; credit at most what is open."
                ),
                format!(
                    "Cet avoir ({asked_cents} centimes) dépasse les {open_cents} centimes restant \
                     dus sur la facture ; l'avoir ne peut pas dépasser ce qui reste dû."
                ),
            )
            .with("open_cents", open_cents)
            .with("asked_cents", asked_cents),
            E::IdempotencyKeyReused => ApiError::new(
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used with another request; use a new key.",
                "Cette clé Idempotency-Key a déjà servi pour une autre requête ; utilisez-en une nouvelle.",
            ),
            E::IdempotencyKeyInFlight => ApiError::new(
                ErrorCode::Conflict,
                "A request with this Idempotency-Key was being processed; retry to get its answer.",
                "Une requête avec cette clé Idempotency-Key était en cours ; réessayez pour obtenir sa réponse.",
            ),
            E::AccountExists(number) => ApiError::new(
                ErrorCode::AlreadyExists,
                format!("Account {number} already exists."),
                format!("Le compte {number} existe déjà."),
            ),
            E::Denied(denial) => denial.into(),
            error @ E::Ledger(_) => ApiError::internal(&error),
            E::Store(error) => error.into(),
        }
    }
}

impl From<AlertsError> for ApiError {
    fn from(error: AlertsError) -> Self {
        match error {
            AlertsError::Invalid { field, problem } => ApiError::invalid_field(field, &problem),
            AlertsError::NotFound => ApiError::not_found(),
            AlertsError::Conflict { expected, current } => ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "Someone changed the alert settings since version {expected}; here are the current ones."
                ),
                format!(
                    "Les réglages d'alerte ont été modifiés depuis la version {expected} ; voici les réglages actuels."
                ),
            )
            .with("current", current),
            AlertsError::Denied(denial) => denial.into(),
            AlertsError::Store(error) => error.into(),
            error @ (AlertsError::Mailer(_) | AlertsError::Scheduler(_)) => {
                ApiError::internal(&error)
            }
        }
    }
}

impl From<PolicyAdminError> for ApiError {
    fn from(error: PolicyAdminError) -> Self {
        use PolicyAdminError as E;
        match error {
            E::Invalid { field, problem } => ApiError::invalid_field(&field, &problem),
            E::NotFound => ApiError::not_found(),
            E::Denied(denial) => denial.into(),
            E::StaleVersion { expected, current } => ApiError::new(
                ErrorCode::Conflict,
                format!("The policies changed since version {expected}: version {current} is active."),
                format!(
                    "Les politiques ont changé depuis la version {expected} : la version {current} est active."
                ),
            )
            .with("current_version", current),
            E::InvalidPolicies(diagnostics) => {
                let first = diagnostics.first().map(ToString::to_string).unwrap_or_default();
                ApiError::new(
                    ErrorCode::InvalidPolicy,
                    format!("The policies are invalid: {first}"),
                    format!("Les politiques sont invalides : {first}"),
                )
                .with("diagnostics", diagnostics)
            }
            E::TestsFailed(cases) => {
                let names: Vec<String> = cases
                    .iter()
                    .map(|case| format!("{}: {}", case.file, case.name))
                    .collect();
                ApiError::new(
                    ErrorCode::InvalidPolicy,
                    format!("Policy tests fail on these policies: {}.", names.join("; ")),
                    format!(
                        "Des tests de politiques échouent sur ces politiques : {}.",
                        names.join(" ; ")
                    ),
                )
                .with("failed_tests", cases)
            }
            E::InvalidTests(problem) => ApiError::invalid_field("tests", &problem),
            E::Store(error) => error.into(),
        }
    }
}
