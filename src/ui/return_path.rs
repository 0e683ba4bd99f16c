//! Pages that send the person elsewhere and back (sign-in, the language switch) carry the page
//! to return to in the address. Only a path of these pages is followed: never another site
//! (`//evil.example`, `https://…`, `/\evil.example`), never the API.

/// `back` when it is a path of the pages, else None.
pub fn same_site(back: &str) -> Option<&str> {
    let page = back == "/ui" || back.starts_with("/ui/") || back.starts_with("/ui?");
    let plain = back.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    (page && plain).then_some(back)
}

/// `path` written as one query value.
pub fn as_query_value(path: &str) -> String {
    serde_urlencoded::to_string([("", path)])
        .map(|pair| pair.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_the_pages_are_followed() {
        for followed in ["/ui", "/ui/companies/c/findings/f?day=2026-12-01"] {
            assert_eq!(same_site(followed), Some(followed));
        }
        for refused in [
            "//evil.example/ui/",
            "https://evil.example/ui/",
            "/\\evil.example",
            "/ui/\\\\evil",
            "/v1/companies",
            "/uix",
            "",
            "/ui/a b",
            "javascript:alert(1)",
        ] {
            assert_eq!(same_site(refused), None, "{refused}");
        }
    }

    #[test]
    fn a_path_travels_as_one_query_value() {
        assert_eq!(as_query_value("/ui/a?b=1&c=2"), "%2Fui%2Fa%3Fb%3D1%26c%3D2");
    }
}
