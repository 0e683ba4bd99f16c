//! One record of the decision log: who asked what about which record, what the decision was
//! decided on (its inputs, in words), the policies that decided it, and its place in the
//! hash chain.

use actix_web::{get, web, HttpResponse};
use askama::Template;
use serde_json::Value;

use super::words;
use crate::app::AppState;
use crate::authz::decision_inputs::DecisionInputs;
use crate::authz::decision_names::{Names, Person};
use crate::authz::operations;
use crate::ui::error::PageError;
use crate::ui::labels;
use crate::ui::lang::{Lang, When};
use crate::ui::session::Page;
use crate::ui::{html, Nav};

/// One input of the decision: what it is, and its value in words, or as code when it is an
/// identifier or text the log kept as given.
struct Input {
    label: &'static str,
    value: String,
    code: bool,
}

/// A policy that decided, with its text when it can still be read.
struct DecidingPolicy {
    id: String,
    text: Option<String>,
}

#[derive(Template)]
#[template(path = "ui/decisions_record.html")]
struct RecordPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    seq: i64,
    at: When,
    user: Option<Person>,
    action: String,
    resource: String,
    allowed: bool,
    policies: Vec<DecidingPolicy>,
    inputs: Vec<Input>,
    errors: Vec<String>,
    client_ip: Option<String>,
    policy_version: String,
    prev_hash: String,
    hash: String,
}

#[get("/ui/companies/{company_id}/decisions/{decision_id}")]
pub(super) async fn show_record(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (company_id, decision_id) = path.into_inner();
    let detail = operations::decision_detail(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        decision_id,
    )
    .await?;
    let t = page.t;
    let record = detail.record;
    let names = &detail.names;
    html(&RecordPage {
        nav: Nav::new(&page, "decisions"),
        t,
        company_id,
        seq: record.seq,
        at: t.when(record.decided_at),
        user: record
            .user_id
            .as_deref()
            .and_then(|id| names.person(id))
            .cloned(),
        action: labels::action_named(t, &record.action),
        resource: words::resource(t, &record.resource_type, &record.resource_id, names),
        allowed: record.decision == "allow",
        policies: detail
            .policies
            .into_iter()
            .map(|(id, text)| DecidingPolicy { id, text })
            .collect(),
        inputs: inputs(t, record.inputs.as_deref(), names),
        errors: record
            .errors
            .split('\n')
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
        client_ip: record.client_ip,
        policy_version: record.policy_version,
        prev_hash: record.prev_hash,
        hash: record.hash,
    })
}

fn yes_no(t: Lang, value: bool) -> String {
    if value {
        t.t("yes", "oui")
    } else {
        t.t("no", "non")
    }
    .to_owned()
}

/// The decision's inputs in words; a policy change's record says which version it made.
fn inputs(t: Lang, stored: Option<&str>, names: &Names) -> Vec<Input> {
    let Some(stored) = stored else {
        return Vec::new();
    };
    let word = |label, value: String| Input {
        label,
        value,
        code: false,
    };
    let code = |label, value: String| Input {
        label,
        value,
        code: true,
    };
    let person = |id: &str| {
        names.person(id).map_or_else(
            || t.t("someone else", "quelqu'un d'autre").to_owned(),
            |p| p.name.clone(),
        )
    };
    if let Ok(value) = serde_json::from_str::<Value>(stored) {
        if let Some(change) = value.get("policy_change") {
            let number = |key: &str| change.get(key).and_then(Value::as_i64).unwrap_or_default();
            let text = |key: &str| {
                change
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            return vec![
                word(
                    t.t("Version made", "Version créée"),
                    number("version").to_string(),
                ),
                word(
                    t.t("Previous version", "Version précédente"),
                    number("previous_version").to_string(),
                ),
                word(t.t("Why", "Pourquoi"), text("comment")),
                code(
                    t.t("Hash of the policies", "Empreinte des politiques"),
                    text("hash"),
                ),
            ];
        }
    }
    let Ok(inputs) = serde_json::from_str::<DecisionInputs>(stored) else {
        return vec![code(
            t.t("As recorded", "Tel qu'enregistré"),
            stored.to_owned(),
        )];
    };
    let mut shown = vec![
        word(t.t("Role", "Rôle"), labels::role_named(t, &inputs.role)),
        word(
            t.t("Account active", "Compte actif"),
            yes_no(t, inputs.active),
        ),
        word(
            t.t(
                "Session flagged as shared",
                "Session signalée comme partagée",
            ),
            yes_no(t, inputs.session_flagged),
        ),
        word(
            t.t("Segregation of duties", "Séparation des tâches"),
            yes_no(t, inputs.sod_enabled),
        ),
    ];
    match words::enforcement_mode(t, &inputs.enforcement_mode) {
        Some(mode) => shown.push(word(
            t.t("Seat enforcement", "Contrôle des sièges"),
            mode.to_owned(),
        )),
        None => shown.push(code(
            t.t("Seat enforcement", "Contrôle des sièges"),
            inputs.enforcement_mode.clone(),
        )),
    }
    if let Some(day) = inputs.closing_date {
        shown.push(word(
            t.t("Books closed up to", "Exercice clos jusqu'au"),
            t.day(day),
        ));
    }
    if inputs.resource_company_id.is_some() {
        shown.push(word(
            t.t("The record belongs to", "L'enregistrement appartient à"),
            t.t("another company", "une autre entreprise").to_owned(),
        ));
    }
    let people = [
        (t.t("Created by", "Créé par"), &inputs.created_by),
        (t.t("Posted by", "Passé par"), &inputs.posted_by),
        (
            t.t("Bill entered by", "Facture d'achat saisie par"),
            &inputs.bill_created_by,
        ),
        (t.t("Owner", "Propriétaire"), &inputs.owner),
    ];
    for (label, id) in people {
        if let Some(id) = id {
            shown.push(word(label, person(id)));
        }
    }
    if let Some(role) = &inputs.owner_role {
        shown.push(word(
            t.t("Owner's role", "Rôle du propriétaire"),
            labels::role_named(t, role),
        ));
    }
    if let Some(day) = inputs.date {
        shown.push(word(
            t.t("Record date", "Date de l'enregistrement"),
            t.day(day),
        ));
    }
    if let Some(cents) = inputs.amount_cents {
        let amount = format!("{}.{:02}", cents / 100, (cents % 100).abs());
        shown.push(word(t.t("Amount", "Montant"), amount));
    }
    // A user's label is their role; a report's, which report.
    if let Some(label) = &inputs.label {
        match crate::roles::Role::parse(label) {
            Some(role) => shown.push(word(
                t.t("Their role", "Son rôle"),
                labels::role(t, role).to_owned(),
            )),
            None => shown.push(code(t.t("Label", "Libellé"), label.clone())),
        }
    }
    if let Some(active) = inputs.resource_active {
        shown.push(word(
            t.t("Record active", "Enregistrement actif"),
            yes_no(t, active),
        ));
    }
    if inputs.override_closing_date {
        shown.push(word(
            t.t(
                "Asked to write into closed books",
                "Écriture demandée dans un exercice clos",
            ),
            yes_no(t, true),
        ));
    }
    if let Some(role) = &inputs.requested_role {
        shown.push(word(
            t.t("Role asked for", "Rôle demandé"),
            labels::role_named(t, role),
        ));
    }
    shown
}
