//! What people read comes in French or English: the request's `Accept-Language` first, then
//! the company's setting, then the service default. Codes and field names stay English.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Fr,
}

impl Locale {
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "fr" => Some(Self::Fr),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    /// The best supported language of an `Accept-Language` header, by quality weight.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(Self, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(locale) = pieces.next().and_then(Self::parse) else {
                continue;
            };
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((locale, quality));
            }
        }
        best.map(|(locale, _)| locale)
    }

    /// Picks the English or French text.
    pub fn pick(self, english: &'static str, french: &'static str) -> &'static str {
        match self {
            Self::En => english,
            Self::Fr => french,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_highest_weight() {
        assert_eq!(
            Locale::from_accept_language("en;q=0.5, fr-FR;q=0.9"),
            Some(Locale::Fr)
        );
        assert_eq!(Locale::from_accept_language("de, en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("de"), None);
        assert_eq!(Locale::from_accept_language("fr;q=0"), None);
    }
}
