//! Template links: a template of the company's text granted to one user (and one resource).

use serde::Serialize;

/// File name used in diagnostics about template links that no template text can place.
pub const LINKS_FILE: &str = "links";

/// A template linked for one user (its `?principal`) and, when it has the slot, one
/// resource: the policy `id` it becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TemplateLink {
    pub id: String,
    pub template: String,
    /// A user id of the company.
    pub principal: Option<String>,
    pub resource: Option<LinkedResource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkedResource {
    /// An entity type of the schema, without the namespace (`Bill`, `Invoice`...).
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

impl TemplateLink {
    pub(super) fn principal_uid(&self) -> Option<serde_json::Value> {
        let id = self.principal.as_ref()?;
        Some(serde_json::json!({"type": format!("{NAMESPACE}::User"), "id": id}))
    }

    pub(super) fn resource_uid(&self) -> Option<serde_json::Value> {
        let resource = self.resource.as_ref()?;
        Some(
            serde_json::json!({"type": format!("{NAMESPACE}::{}", resource.kind), "id": resource.id}),
        )
    }
}

/// The namespace of the schema's entity types.
pub(super) const NAMESPACE: &str = "Seatwarden";
