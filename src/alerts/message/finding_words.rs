//! A finding in the words of a mail: its title, what the auditor saw in plain sentences,
//! and what to do, in English or in French.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::alerts::outbox::FindingSnapshot;
use crate::i18n::Locale;

/// "Shared login: team@x is used by at least 3 people", by kind.
pub(super) fn title(finding: &FindingSnapshot, locale: Locale) -> String {
    let login = finding.login.as_deref().unwrap_or("");
    let people = finding.headcount;
    let estimate = finding.headcount_estimate;
    match (finding.kind.as_str(), locale) {
        ("shared_login", Locale::En) if finding.is_probable() => {
            format!("Probable shared login: {login} seems used by {estimate} people taking turns")
        }
        ("shared_login", Locale::Fr) if finding.is_probable() => format!(
            "Identifiant probablement partagé : {login} semble utilisé à tour de rôle par \
             {estimate} personnes"
        ),
        ("shared_login", Locale::En) => {
            format!("Shared login: {login} is used by at least {people} people")
        }
        ("shared_login", Locale::Fr) => {
            format!("Identifiant partagé : {login} est utilisé par au moins {people} personnes")
        }
        ("impossible_travel", Locale::En) => format!("Impossible travel on {login}"),
        ("impossible_travel", Locale::Fr) => format!("Déplacement impossible sur {login}"),
        ("over_limit", Locale::En) => "More billable users than the plan allows".to_owned(),
        ("over_limit", Locale::Fr) => {
            "Plus d'utilisateurs facturables que le forfait n'en permet".to_owned()
        }
        ("effective_over_limit", Locale::En) => {
            format!("More people than paid seats: at least {people} people")
        }
        ("effective_over_limit", Locale::Fr) => {
            format!("Plus de personnes que de sièges payés : au moins {people} personnes")
        }
        ("dormant_seat", Locale::En) => format!("Unused seat: {login}"),
        ("dormant_seat", Locale::Fr) => format!("Siège inutilisé : {login}"),
        (kind, Locale::En) => format!("Finding {kind}"),
        (kind, Locale::Fr) => format!("Constat {kind}"),
    }
}

pub(super) fn severity_word(severity: &str, locale: Locale) -> &'static str {
    match severity {
        "high" => locale.pick("high", "élevée"),
        "medium" => locale.pick("medium", "moyenne"),
        _ => locale.pick("low", "faible"),
    }
}

/// The auditor's own sentence in English; in French, the same facts from the evidence's data.
pub(super) fn summary(finding: &FindingSnapshot, locale: Locale) -> String {
    let evidence = &finding.evidence;
    let text = |key: &str| evidence[key].as_str().unwrap_or_default().to_owned();
    let number = |key: &str| evidence[key].as_i64().unwrap_or_default();
    match (locale, finding.kind.as_str()) {
        (Locale::En, _) => text("summary"),
        (Locale::Fr, _) if evidence["summary_fr"].is_string() => text("summary_fr"),
        (Locale::Fr, "shared_login") => format!(
            "Au moins {} personnes utilisent l'identifiant {}.",
            finding.headcount,
            finding.login.as_deref().unwrap_or("")
        ),
        (Locale::Fr, "over_limit") => format!(
            "{} utilisateurs facturables pour {} sièges : {} de trop.",
            number("billable_total"),
            number("limit"),
            number("over_by")
        ),
        (Locale::Fr, "effective_over_limit") => format!(
            "Au moins {} personnes travaillent derrière {} identifiants facturables ; le forfait \
             en permet {}.",
            number("people"),
            number("billable_total"),
            number("limit")
        ),
        (Locale::Fr, "dormant_seat") => match evidence["idle_days"].as_i64() {
            Some(days) if !evidence["last_active_at"].is_null() => format!(
                "{} n'a pas servi depuis {days} jours : ce siège pourrait être récupéré.",
                finding.login.as_deref().unwrap_or("")
            ),
            _ => format!(
                "{} ne s'est jamais connecté : ce siège pourrait être récupéré.",
                finding.login.as_deref().unwrap_or("")
            ),
        },
        (Locale::Fr, "impossible_travel") => format!(
            "{} trajet(s) impossible(s) entre deux connexions de {}.",
            number("trip_count"),
            finding.login.as_deref().unwrap_or("")
        ),
        (Locale::Fr, _) => text("summary"),
    }
}

/// One line per proof: which devices worked at once on the login and when, or what else
/// proves more than one person.
pub(super) fn evidence_lines(finding: &FindingSnapshot, locale: Locale) -> Vec<String> {
    let proofs = finding.evidence["proofs"].as_array();
    let lines: Vec<String> = proofs
        .into_iter()
        .flatten()
        .map(|proof| proof_line(proof, finding.login.as_deref().unwrap_or(""), locale))
        .collect();
    if lines.is_empty() {
        vec![summary(finding, locale)]
    } else {
        lines
    }
}

fn proof_line(proof: &Value, login: &str, locale: Locale) -> String {
    let explanation = proof["explanation"].as_str().unwrap_or_default();
    if locale == Locale::En {
        return explanation.to_owned();
    }
    match proof["kind"].as_str() {
        Some("concurrent_devices") => {
            let window = &proof["window"];
            let devices: Vec<String> = window["devices"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|device| device.as_str().map(french_device))
                .collect();
            format!(
                "{} travaillaient en même temps sur {login} du {} au {}",
                french_list(&devices),
                moment(window["start"].as_str().unwrap_or_default(), locale),
                moment(window["end"].as_str().unwrap_or_default(), locale)
            )
        }
        Some("impossible_travel") => {
            format!("connexions trop éloignées pour une seule personne ({explanation})")
        }
        Some("self_conflict") => format!(
            "l'identifiant a écrasé son propre travail : deux appareils modifiaient le même \
             enregistrement ({explanation})"
        ),
        Some("duty_spread") => {
            format!("plusieurs fonctions exercées au même moment ({explanation})")
        }
        _ => explanation.to_owned(),
    }
}

/// The auditor's device labels ("device pc-1", "browser \"…\" at 10.0.0.1") in French.
fn french_device(label: &str) -> String {
    if let Some(id) = label.strip_prefix("device ") {
        return format!("l'appareil {id}");
    }
    if let Some(browser) = label.strip_prefix("browser ") {
        return match browser.rsplit_once(" at ") {
            Some((agent, address)) => format!("le navigateur {agent} à l'adresse {address}"),
            None => format!("le navigateur {browser}"),
        };
    }
    if label == "an unidentified device" {
        return "un appareil non identifié".to_owned();
    }
    label.to_owned()
}

fn french_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

/// An RFC 3339 instant as people read it: "Tue 2026-12-01 09:02 UTC" or "01/12/2026 09:02 UTC".
pub(super) fn moment(text: &str, locale: Locale) -> String {
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => {
            let at = at.with_timezone(&Utc);
            match locale {
                Locale::En => crate::seats::explain::moment(at),
                Locale::Fr => at.format("%d/%m/%Y %H:%M UTC").to_string(),
            }
        }
        Err(_) => text.to_owned(),
    }
}

pub(super) fn what_to_do(finding: &FindingSnapshot, locale: Locale) -> Vec<String> {
    let login = finding.login.as_deref().unwrap_or("");
    let resolve = locale
        .pick(
            "Then resolve the finding with a note saying what was done.",
            "Puis résolvez le constat avec une note qui dit ce qui a été fait.",
        )
        .to_owned();
    let first = match (finding.kind.as_str(), locale) {
        ("shared_login", Locale::En) => vec![
            format!(
                "Give each person behind {login} a login of their own; Seatwarden's seat advice \
                 says which plan fits."
            ),
            "Meanwhile, the enforcement mode `enforce` makes the flagged sessions read-only."
                .to_owned(),
        ],
        ("shared_login", Locale::Fr) => vec![
            format!(
                "Donnez à chaque personne derrière {login} son propre identifiant ; le conseil de \
                 sièges de Seatwarden indique le forfait adapté."
            ),
            "En attendant, le mode d'application `enforce` met les sessions signalées en lecture \
             seule."
                .to_owned(),
        ],
        ("impossible_travel", Locale::En) => vec![format!(
            "Ask who signed in to {login} from each place; if it was not its holder, change the \
             password and revoke the sessions."
        )],
        ("impossible_travel", Locale::Fr) => vec![format!(
            "Demandez qui s'est connecté à {login} depuis chaque lieu ; si ce n'était pas son \
             titulaire, changez le mot de passe et révoquez les sessions."
        )],
        ("dormant_seat", Locale::En) => vec![format!(
            "Disable {login} or give the seat to someone who needs it."
        )],
        ("dormant_seat", Locale::Fr) => vec![format!(
            "Désactivez {login} ou donnez le siège à quelqu'un qui en a besoin."
        )],
        (_, Locale::En) => vec![
            "Move to a plan with enough seats, or remove the users who no longer need a billable \
             seat."
                .to_owned(),
        ],
        (_, Locale::Fr) => vec![
            "Passez à un forfait avec assez de sièges, ou retirez les utilisateurs qui n'ont plus \
             besoin d'un siège facturable."
                .to_owned(),
        ],
    };
    first.into_iter().chain([resolve]).collect()
}
