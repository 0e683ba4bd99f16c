//! Input fields parsed into types that cannot hold an invalid value.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Trimmed, lower-cased, one `@` with text on both sides, at most 254 characters.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let email = text.trim().to_lowercase();
        if email.is_empty() || email.len() > 254 {
            return Err("must be an email address of at most 254 characters");
        }
        match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !email.chars().any(char::is_whitespace) =>
            {
                Ok(Self(email))
            }
            _ => Err("must be an email address"),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed; only its argon2id hash is ever stored.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

impl Password {
    pub const MIN_CHARS: usize = 10;
    /// Bounds the hashing work an attacker can ask for.
    pub const MAX_BYTES: usize = 1024;

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        if text.chars().count() < Self::MIN_CHARS {
            return Err("must have at least 10 characters");
        }
        if text.len() > Self::MAX_BYTES {
            return Err("must have at most 1024 bytes");
        }
        Ok(Self(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A name people read: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let name = text.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err("must have 1 to 200 characters");
        }
        if name.chars().any(char::is_control) {
            return Err("must not contain control characters");
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A time zone of the IANA database ("Europe/Paris"), or empty for the company language's
/// default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let name = text.trim();
        if name.is_empty() || name.parse::<chrono_tz::Tz>().is_ok() {
            Ok(Self(name.to_owned()))
        } else {
            Err("must be a time zone of the IANA database, such as Europe/Paris, or empty")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A client-chosen device identifier, kept for the seat auditor.
pub fn parse_device_id(text: &str) -> Result<String, &'static str> {
    let id = text.trim();
    if id.is_empty() || id.len() > 128 || id.chars().any(char::is_control) {
        return Err("must have 1 to 128 printable characters");
    }
    Ok(id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            Email::parse(" Ana@Example.FR ").unwrap().as_str(),
            "ana@example.fr"
        );
        assert!(Email::parse("ana").is_err());
        assert!(Email::parse("a@b@c").is_err());
        assert!(Email::parse("a b@c.fr").is_err());
        assert!(Email::parse("@c.fr").is_err());
    }

    #[test]
    fn time_zones_are_iana_names_or_empty() {
        assert_eq!(
            TimeZoneName::parse(" Europe/Paris ").unwrap().as_str(),
            "Europe/Paris"
        );
        assert_eq!(TimeZoneName::parse("").unwrap().as_str(), "");
        assert!(TimeZoneName::parse("Europe/Lutece").is_err());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough pass").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("long enough pass").unwrap()),
            "Password(..)"
        );
    }
}
