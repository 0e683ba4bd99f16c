//! The application: what both faces (the API and the pages) act through, built in `startup`.

use std::sync::Arc;

use crate::authz::group_commit::GroupCommit;
use crate::authz::Gate;
use crate::config::Settings;
use crate::identity::login_limits::LoginLimits;
use crate::identity::sessions::SessionTimeouts;
use crate::identity::sign_in::SignInRules;
use crate::paging::CursorKey;

#[derive(Clone)]
pub struct AppState {
    /// What every domain operation acts through: the store, the writer's queue, the policies.
    pub gate: Gate,
    pub settings: Arc<Settings>,
    /// Answers `/v1/authorize`: questions decided and logged in group commits.
    pub decision_point: GroupCommit,
    /// Seals the cursors of lists to the list that gave them.
    pub cursor_key: CursorKey,
}

impl AppState {
    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    pub fn session_timeouts(&self) -> SessionTimeouts {
        SessionTimeouts {
            idle: self.settings.session_idle_timeout,
            lifetime: self.settings.session_lifetime,
        }
    }

    /// Signing in under the configured limits and timeouts; a session opens flagged while
    /// the seat auditor holds an unresolved shared-login finding on its login.
    pub fn sign_in_rules(&self) -> SignInRules {
        SignInRules {
            limits: self.login_limits(),
            timeouts: self.session_timeouts(),
            shared_login: crate::seats::storage::flags::shared_login_unresolved,
        }
    }

    pub fn login_limits(&self) -> LoginLimits {
        LoginLimits {
            per_account_per_hour: self.settings.login_failures_per_account_per_hour,
            per_ip_per_hour: self.settings.login_failures_per_ip_per_hour,
        }
    }
}
