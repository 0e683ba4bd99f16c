//! The signed-in person of a page, as every page and the error pages see them (the session
//! cookie makes it: `session`).

use super::lang::Lang;
use crate::authz::Actor;
use crate::policy_admin::own_access::Permissions;

/// A signed-in person looking at a page.
#[derive(Clone)]
pub struct Page {
    pub actor: Actor,
    /// The token this session's forms carry.
    pub csrf: String,
    /// In the person's language and their company's time zone.
    pub t: Lang,
    pub company_name: String,
    /// What the person may do in their company: the menus and buttons they are shown.
    pub may: Permissions,
    /// The page's own path and query, for links that come back to it.
    pub path: String,
}
