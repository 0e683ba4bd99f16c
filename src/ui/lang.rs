//! Words of the pages in the reader's language, and instants as people read them: in the
//! company's time zone, with UTC at hand.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::i18n::Locale;

/// The page's language and time zone, for templates: `{{ t.t("Findings", "Constats") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Lang {
    locale: Locale,
    zone: Tz,
}

impl Lang {
    /// A page of no company (sign-in, errors before one is known): times in UTC.
    pub fn new(locale: Locale) -> Self {
        Self::in_zone(locale, chrono_tz::UTC)
    }

    pub fn in_zone(locale: Locale, zone: Tz) -> Self {
        Self { locale, zone }
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    pub fn t<'a>(&self, english: &'a str, french: &'a str) -> &'a str {
        match self.locale {
            Locale::En => english,
            Locale::Fr => french,
        }
    }

    pub fn code(&self) -> &'static str {
        self.locale.as_str()
    }

    pub fn is_french(&self) -> bool {
        self.locale == Locale::Fr
    }

    /// An instant in the company's zone; `When::utc` keeps it in UTC for a title.
    pub fn when(&self, instant: NaiveDateTime) -> When {
        let local = instant.and_utc().with_timezone(&self.zone);
        When {
            local: local.format("%Y-%m-%d %H:%M").to_string(),
            utc: when(instant),
        }
    }

    /// A day as people of the language write it: "3 Dec 2026", "3 déc. 2026".
    pub fn day(&self, day: NaiveDate) -> String {
        use chrono::Datelike;
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        const FR: [&str; 12] = [
            "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
            "nov.", "déc.",
        ];
        let months = if self.is_french() { FR } else { EN };
        let month = months[day.month0() as usize];
        format!("{} {month} {}", day.day(), day.year())
    }

    /// "a, b and c" / "a, b et c".
    pub fn join(&self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => {
                format!("{} {} {last}", init.join(", "), self.t("and", "et"))
            }
        }
    }

    /// "1 person", "3 people": `count(3, ("person", "people"), ("personne", "personnes"))`.
    pub fn count(&self, n: usize, english: (&str, &str), french: (&str, &str)) -> String {
        let (one, many) = if self.is_french() { french } else { english };
        // French puts 0 and 1 in the singular, English only 1.
        let singular = n == 1 || (n == 0 && self.is_french());
        format!("{n} {}", if singular { one } else { many })
    }
}

/// An instant shown in the company's zone, its UTC form for a title on hover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    pub local: String,
    pub utc: String,
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.local)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn times_read_in_the_company_zone_with_utc_kept() {
        let paris = Lang::in_zone(Locale::Fr, chrono_tz::Europe::Paris);
        let winter = paris.when(at("2026-12-03 09:02"));
        assert_eq!(winter.to_string(), "2026-12-03 10:02");
        assert_eq!(winter.utc, "2026-12-03 09:02 UTC");
        assert_eq!(paris.when(at("2026-07-01 23:30")).local, "2026-07-02 01:30");
    }

    #[test]
    fn lists_days_and_counts_read_in_each_language() {
        let english = Lang::new(Locale::En);
        let french = Lang::new(Locale::Fr);
        let names = ["Ana".to_owned(), "Bo".to_owned(), "Cy".to_owned()];
        assert_eq!(english.join(&names), "Ana, Bo and Cy");
        assert_eq!(french.join(&names[1..]), "Bo et Cy");
        let day = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap();
        assert_eq!(english.day(day), "3 Aug 2026");
        assert_eq!(french.day(day), "3 août 2026");
        let people = (("person", "people"), ("personne", "personnes"));
        assert_eq!(english.count(0, people.0, people.1), "0 people");
        assert_eq!(french.count(0, people.0, people.1), "0 personne");
        assert_eq!(english.count(3, people.0, people.1), "3 people");
    }
}
