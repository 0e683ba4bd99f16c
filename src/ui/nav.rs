//! The menu of every signed-in page: the company's name, the entries the person may open,
//! the language switch and sign-out.

use super::lang::Lang;
use super::page::Page;
use super::return_path;
use crate::authz::Action;
use crate::policy_admin::own_access::Permissions;

pub struct Nav {
    pub company_id: String,
    pub company_name: String,
    pub csrf: String,
    /// Which entry is shown as current.
    pub current: &'static str,
    may: Permissions,
    /// The page's path and query: the language switch comes back to it.
    back: String,
}

/// One entry: its key, its path under the company, its names, and the actions of which any
/// one opens it.
type Entry = (
    &'static str,
    &'static str,
    (&'static str, &'static str),
    &'static [Action],
);

const ENTRIES: [Entry; 8] = [
    (
        "overview",
        "",
        ("Overview", "Vue d'ensemble"),
        &[Action::ViewSeats],
    ),
    (
        "findings",
        "/findings",
        ("Findings", "Constats"),
        &[Action::ViewFindings],
    ),
    (
        "sessions",
        "/sessions",
        ("Sessions", "Sessions"),
        &[Action::ViewSessions, Action::ViewOwnSessions],
    ),
    (
        "decisions",
        "/decisions",
        ("Decision log", "Journal des décisions"),
        &[Action::ViewDecisions],
    ),
    (
        "advice",
        "/advice",
        ("Seat advice", "Conseil de sièges"),
        &[Action::ViewSeats],
    ),
    (
        "access",
        "/access-review",
        ("Access review", "Revue des accès"),
        &[Action::ViewPolicies],
    ),
    (
        "policies",
        "/policies",
        ("Policies", "Politiques"),
        &[Action::ViewPolicies],
    ),
    (
        "admin",
        "/admin",
        ("Administration", "Administration"),
        &[
            Action::ViewUsers,
            Action::ViewAlertSettings,
            Action::EditSettings,
        ],
    ),
];

/// A menu entry as the template draws it.
pub struct NavEntry {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

impl Nav {
    pub fn new(page: &Page, current: &'static str) -> Self {
        Self {
            company_id: page.actor.company_id.clone(),
            company_name: page.company_name.clone(),
            csrf: page.csrf.clone(),
            current,
            may: page.may.clone(),
            back: page.path.clone(),
        }
    }

    /// The entries the person may open, in the menu's order.
    pub fn entries(&self, t: &Lang) -> Vec<NavEntry> {
        ENTRIES
            .iter()
            .filter(|(_, _, _, opened_by)| opened_by.iter().any(|&a| self.may.allows(a)))
            .map(|&(key, path, (english, french), _)| NavEntry {
                href: format!("/ui/companies/{}{path}", self.company_id),
                label: t.t(english, french),
                current: key == self.current,
            })
            .collect()
    }

    /// Where `/ui` sends the person: the first page of the menu they may open (a
    /// reports-only user may not read the seats of the overview).
    pub fn home(&self) -> String {
        self.entries(&Lang::new(Default::default()))
            .into_iter()
            .next()
            .map_or_else(|| format!("/ui/companies/{}", self.company_id), |e| e.href)
    }

    /// The link that shows this same page in the other language.
    pub fn switch_language(&self, t: &Lang) -> (String, &'static str, &'static str) {
        let (code, name) = if t.is_french() {
            ("en", "English")
        } else {
            ("fr", "Français")
        };
        let back = return_path::as_query_value(&self.back);
        (format!("/ui/language/{code}?back={back}"), code, name)
    }
}
