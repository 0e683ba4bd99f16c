//! What free text people type may hold. Control characters are refused with 400, not stored:
//! PostgreSQL cannot store NUL in text at all (the write would fail as a server error), and
//! the others (escape, backspace, bell...) only serve to rewrite what a terminal or a CSV
//! reader shows. Line breaks and tabs stay: a description or a note may have several lines.

/// Whether `text` holds a control character other than a line break or a tab.
pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(is_refused_control)
}

/// A control character other than a line break or a tab.
pub fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// The refusal's wording, for the field's error message.
pub const CONTROL_CHARACTERS: &str = "must not contain control characters";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_escape_and_bell_are_control_characters_but_line_breaks_are_not() {
        for text in ["a\0b", "\u{1b}[2J", "ding\u{7}", "\u{9b}"] {
            assert!(has_control_characters(text), "{text:?}");
        }
        for text in ["Dupont & fils", "two\nlines\r\n", "a\tb", "Élodie 🧾"] {
            assert!(!has_control_characters(text), "{text:?}");
        }
    }
}
