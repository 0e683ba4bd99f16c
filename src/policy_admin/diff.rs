//! Two policy texts compared policy by policy, by `@id`: a reordered file or a reworded
//! comment is no change; a policy whose meaning changed shows both texts.

use std::collections::BTreeMap;
use std::str::FromStr;

use cedar_policy::PolicySet;
use serde::Serialize;

use crate::authz::policy_files::TemplateLink;
use crate::authz::policy_limits;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PolicyText {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChangedPolicy {
    pub id: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct PolicyDiff {
    pub added: Vec<PolicyText>,
    pub removed: Vec<PolicyText>,
    pub changed: Vec<ChangedPolicy>,
    pub unchanged: usize,
    pub links_added: Vec<TemplateLink>,
    pub links_removed: Vec<TemplateLink>,
}

impl PolicyDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.links_added.is_empty()
            && self.links_removed.is_empty()
    }
}

/// A text that does not parse: the diff names which side and why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{side}: {message}")]
pub struct DiffError {
    pub side: String,
    pub message: String,
}

/// One policy or template as the diff compares it.
struct Entry {
    text: String,
    /// Cedar's JSON form, free of layout and comments.
    meaning: serde_json::Value,
}

/// Compares `before` and `after`, each given as (file name, text) pairs.
pub fn diff(
    before: &[(String, String)],
    after: &[(String, String)],
) -> Result<PolicyDiff, DiffError> {
    let before = entries("before", before)?;
    let after = entries("after", after)?;
    let mut result = PolicyDiff::default();
    for (id, old) in &before {
        match after.get(id) {
            None => result.removed.push(PolicyText {
                id: id.clone(),
                text: old.text.clone(),
            }),
            Some(new) if new.meaning != old.meaning => result.changed.push(ChangedPolicy {
                id: id.clone(),
                before: old.text.clone(),
                after: new.text.clone(),
            }),
            Some(_) => result.unchanged += 1,
        }
    }
    for (id, new) in &after {
        if !before.contains_key(id) {
            result.added.push(PolicyText {
                id: id.clone(),
                text: new.text.clone(),
            });
        }
    }
    Ok(result)
}

/// As [`diff`], with the template links of each side.
pub fn diff_with_links(
    before: (&[(String, String)], &[TemplateLink]),
    after: (&[(String, String)], &[TemplateLink]),
) -> Result<PolicyDiff, DiffError> {
    let mut result = diff(before.0, after.0)?;
    result.links_added = after
        .1
        .iter()
        .filter(|link| !before.1.contains(link))
        .cloned()
        .collect();
    result.links_removed = before
        .1
        .iter()
        .filter(|link| !after.1.contains(link))
        .cloned()
        .collect();
    Ok(result)
}

fn entries(side: &str, sources: &[(String, String)]) -> Result<BTreeMap<String, Entry>, DiffError> {
    let error = |file: &str, message: String| DiffError {
        side: format!("{side} ({file})"),
        message,
    };
    let mut found = BTreeMap::new();
    for (file, text) in sources {
        policy_limits::screen(text).map_err(|refused| error(file, refused.to_string()))?;
        let set = PolicySet::from_str(text).map_err(|e| error(file, e.to_string()))?;
        let policies = set.policies().map(|p| {
            let id = p
                .annotation("id")
                .map_or_else(|| p.id().to_string(), str::to_owned);
            (id, p.to_string(), p.to_json().map_err(|e| e.to_string()))
        });
        let templates = set.templates().map(|t| {
            let id = t
                .annotation("id")
                .map_or_else(|| t.id().to_string(), str::to_owned);
            (id, t.to_string(), t.to_json().map_err(|e| e.to_string()))
        });
        for (id, text, meaning) in policies.chain(templates) {
            let meaning = meaning.map_err(|e| error(file, e))?;
            found.insert(id, Entry { text, meaning });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Vec<(String, String)> {
        vec![("p.cedar".to_owned(), text.to_owned())]
    }

    #[test]
    fn policies_are_matched_by_id_whatever_their_order_and_layout() {
        let before = one("// a\n@id(\"a\")\npermit (principal, action, resource);\n@id(\"b\")\nforbid (principal, action, resource);\n@id(\"c\")\npermit (principal, action, resource);");
        let after = one("@id(\"b\") forbid (principal, action, resource) when { true };\n// moved, reworded\n@id(\"a\")\npermit (\n  principal, action, resource\n);\n@id(\"d\")\npermit (principal, action, resource);");
        let diff = diff(&before, &after).unwrap();
        assert_eq!(diff.unchanged, 1);
        assert_eq!(diff.changed.len(), 1);
        assert_eq!(diff.changed[0].id, "b");
        assert!(diff.changed[0].after.contains("when { true }"));
        assert_eq!(diff.removed[0].id, "c");
        assert_eq!(diff.added[0].id, "d");
        assert!(!diff.is_empty());
    }

    #[test]
    fn a_text_that_does_not_parse_names_its_side() {
        let error = diff(&one("permit ("), &one("")).unwrap_err();
        assert!(error.side.starts_with("before"), "{error}");
    }
}
