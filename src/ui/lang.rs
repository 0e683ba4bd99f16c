//! Words of the pages in the reader's language, and instants as people read them.

use chrono::NaiveDateTime;

use crate::i18n::Locale;

/// The page's language, for templates: `{{ t.t("Findings", "Constats") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Locale);

impl Lang {
    pub fn t<'a>(&self, english: &'a str, french: &'a str) -> &'a str {
        match self.0 {
            Locale::En => english,
            Locale::Fr => french,
        }
    }

    pub fn code(&self) -> &'static str {
        self.0.as_str()
    }

    pub fn is_french(&self) -> bool {
        self.0 == Locale::Fr
    }
}

/// "2026-12-03 09:02 UTC".
pub fn when(instant: NaiveDateTime) -> String {
    instant.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Money of the seat catalog, "USD 33.00".
pub fn money(currency: &str, cents: Option<i64>) -> String {
    match cents {
        Some(cents) => format!("{currency} {}.{:02}", cents / 100, (cents % 100).abs()),
        None => "—".to_owned(),
    }
}

impl Lang {
    pub fn severity(&self, code: &str) -> &'static str {
        match code {
            "high" => self.t("high", "élevée"),
            "medium" => self.t("medium", "moyenne"),
            _ => self.t("low", "faible"),
        }
    }

    pub fn finding_state(&self, code: &str) -> &'static str {
        match code {
            "open" => self.t("open", "ouvert"),
            "acknowledged" => self.t("acknowledged", "pris en compte"),
            _ => self.t("resolved", "résolu"),
        }
    }

    pub fn finding_kind(&self, code: &str) -> &'static str {
        match code {
            "shared_login" => self.t("Shared login", "Identifiant partagé"),
            "over_limit" => self.t("Over the plan's seats", "Au-delà des sièges du forfait"),
            "effective_over_limit" => {
                self.t("More people than seats", "Plus de personnes que de sièges")
            }
            "impossible_travel" => self.t("Impossible travel", "Déplacement impossible"),
            _ => self.t("Dormant seat", "Siège inutilisé"),
        }
    }
}
