//! A finding in the reader's words, from its structured evidence rather than the English
//! summary the audit stored: its sentence, its proofs, its devices and its people.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::seats::explain;
use crate::seats::records::FindingRow;
use crate::seats::service::finding_pages::People;
use crate::seats::timeline::{DeviceKey, SessionRecord};
use crate::ui::lang::{Lang, When};

/// A login as people call it: its user's display name, else the part of the email before
/// `@` ("ventes"), with the email kept for a title.
pub fn login_name(people: &People, login: &str) -> (String, String) {
    let name = people
        .by_email(login)
        .map(|person| person.display_name.clone())
        .filter(|name| !name.eq_ignore_ascii_case(login))
        .unwrap_or_else(|| login.split('@').next().unwrap_or(login).to_owned());
    (name, login.to_owned())
}

/// A user of the company by display name; the audit itself by its name.
pub fn person_name(t: Lang, people: &People, user_id: &str) -> String {
    if user_id == crate::seats::records::RESOLVED_BY_AUDIT {
        return t.t("the audit", "l'audit").to_owned();
    }
    people.by_id(user_id).map_or_else(
        || t.t("a former user", "un ancien utilisateur").to_owned(),
        |person| person.display_name.clone(),
    )
}

/// "Firefox 128 (Windows)" from a user agent; the agent itself when nothing is recognised.
pub fn browser_words(agent: &str) -> String {
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find_map(|token| {
            let version = agent.split(token).nth(1)?;
            let major = version.split(['.', ' ']).next().unwrap_or_default();
            let name = match *token {
                "Edg/" => "Edge",
                other => other.trim_end_matches('/'),
            };
            Some(format!("{name} {major}"))
        });
    let system = [
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(token, _)| agent.contains(token))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} ({system})"),
        (Some(browser), None) => browser,
        _ => agent.to_owned(),
    }
}

/// A session's device: its id, else its browser at its address.
pub fn session_device(t: Lang, session: &SessionRecord) -> String {
    match session.device_key() {
        DeviceKey::Id(id) => id.to_owned(),
        DeviceKey::Browser {
            user_agent: None,
            ip: None,
        } => t
            .t("an unidentified device", "un appareil non identifié")
            .to_owned(),
        DeviceKey::Browser { user_agent, ip } => browser_at(
            t,
            &user_agent.map(browser_words).unwrap_or_default(),
            ip.unwrap_or_default(),
        ),
    }
}

fn browser_at(t: Lang, browser: &str, ip: &str) -> String {
    let browser = if browser.is_empty() {
        t.t("a browser", "un navigateur")
    } else {
        browser
    };
    if ip.is_empty() {
        browser.to_owned()
    } else {
        format!("{browser} {} {ip}", t.t("at", "à"))
    }
}

/// A device as the audit labelled it in evidence ("device pc-1", `browser "…" at 10.0.0.1`).
pub fn evidence_device(t: Lang, label: &str) -> String {
    if let Some(id) = label.strip_prefix("device ") {
        return id.to_owned();
    }
    if let Some(browser) = label.strip_prefix("browser ") {
        let (agent, ip) = browser.rsplit_once(" at ").unwrap_or((browser, ""));
        let agent = agent.trim_matches('"');
        let ip = if ip == "unknown address" { "" } else { ip };
        let agent = if agent == "unknown agent" {
            String::new()
        } else {
            browser_words(agent)
        };
        return browser_at(t, &agent, ip);
    }
    if label == "an unidentified device" {
        return t.t(label, "un appareil non identifié").to_owned();
    }
    label.to_owned()
}

/// An RFC 3339 instant of the evidence in the company's zone.
pub fn evidence_when(t: Lang, value: &Value) -> Option<When> {
    instant(value).map(|at| t.when(at.naive_utc()))
}

pub fn instant(value: &Value) -> Option<DateTime<Utc>> {
    let text = value.as_str()?;
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

fn people_count(t: Lang, n: u64) -> String {
    t.count(
        usize::try_from(n).unwrap_or(usize::MAX),
        ("person", "people"),
        ("personne", "personnes"),
    )
}

fn number(evidence: &Value, key: &str) -> u64 {
    evidence[key].as_u64().unwrap_or_default()
}

/// The finding in one sentence, in the reader's language.
pub fn summary(t: Lang, row: &FindingRow, people: &People) -> String {
    let evidence: Value = serde_json::from_str(&row.evidence).unwrap_or(Value::Null);
    let name = row
        .login
        .as_deref()
        .map(|login| login_name(people, login).0)
        .unwrap_or_default();
    let headcount = u64::try_from(row.headcount).unwrap_or_default();
    match row.kind.as_str() {
        "shared_login" if !row.is_proven() => {
            let estimate = people_count(t, u64::try_from(row.headcount_estimate()).unwrap_or(0));
            if t.is_french() {
                format!("{name} semble utilisé à tour de rôle par {estimate}.")
            } else {
                format!("{name} seems used in turns by {estimate}.")
            }
        }
        "shared_login" => {
            let count = people_count(t, headcount);
            if t.is_french() {
                format!("Au moins {count} utilisent l'identifiant {name}.")
            } else {
                format!("At least {count} use the login {name}.")
            }
        }
        "impossible_travel" => {
            let trips = t.count(
                usize::try_from(number(&evidence, "trip_count")).unwrap_or(0),
                ("impossible trip", "impossible trips"),
                ("déplacement impossible", "déplacements impossibles"),
            );
            if t.is_french() {
                format!("{trips} entre deux connexions de {name} : deux personnes au moins.")
            } else {
                format!("{trips} between sign-ins of {name}: two people at least.")
            }
        }
        "over_limit" => {
            let (billable, limit, over) = (
                number(&evidence, "billable_total"),
                number(&evidence, "limit"),
                number(&evidence, "over_by"),
            );
            if t.is_french() {
                format!("{billable} utilisateurs facturables pour {limit} sièges au forfait : {over} de trop.")
            } else {
                format!("{billable} billable users for the plan's {limit} seats: {over} too many.")
            }
        }
        "effective_over_limit" => {
            let (people, billable, limit) = (
                number(&evidence, "people"),
                number(&evidence, "billable_total"),
                number(&evidence, "limit"),
            );
            let probable = !row.is_proven();
            match (t.is_french(), probable) {
                (false, false) => format!("At least {people} people work behind {billable} billable logins; the plan allows {limit}."),
                (false, true) => format!("Probably {people} people work behind {billable} billable logins; the plan allows {limit}."),
                (true, false) => format!("Au moins {people} personnes travaillent derrière {billable} identifiants facturables ; le forfait en permet {limit}."),
                (true, true) => format!("Probablement {people} personnes travaillent derrière {billable} identifiants facturables ; le forfait en permet {limit}."),
            }
        }
        _ => dormant_summary(t, &evidence, &name),
    }
}

fn dormant_summary(t: Lang, evidence: &Value, name: &str) -> String {
    match (
        evidence["idle_days"].as_u64(),
        evidence_when(t, &evidence["last_active_at"]),
    ) {
        (Some(days), Some(last)) => {
            let days = t.count(
                usize::try_from(days).unwrap_or(0),
                ("day", "days"),
                ("jour", "jours"),
            );
            if t.is_french() {
                format!("{name} n'a pas servi depuis {days} (dernière utilisation le {last}) : ce siège pourrait être rendu.")
            } else {
                format!("{name} has not been used for {days} (last used {last}): its seat could be given back.")
            }
        }
        _ => {
            if t.is_french() {
                format!("{name} ne s'est jamais connecté : ce siège pourrait être rendu.")
            } else {
                format!("{name} has never signed in: its seat could be given back.")
            }
        }
    }
}

/// A duty group of the evidence ("sales") in words.
fn duty_words(t: Lang, group: &str) -> String {
    match group {
        "sales" => t.t("sales", "ventes"),
        "purchases" => t.t("purchases", "achats"),
        "accounting" => t.t("accounting", "comptabilité"),
        "reports" => t.t("reports", "rapports"),
        "time" => t.t("time tracking", "suivi du temps"),
        other => other,
    }
    .to_owned()
}

/// A window of the evidence: "from 2026-12-03 09:30 to 11:00" with UTC kept apart.
fn window_words(t: Lang, start: &Value, end: &Value) -> String {
    let (Some(start), Some(end)) = (instant(start), instant(end)) else {
        return String::new();
    };
    let (from, to) = (t.when(start.naive_utc()), t.when(end.naive_utc()));
    let same_day = from.local.get(..10) == to.local.get(..10);
    let to = if same_day {
        to.local.get(11..).unwrap_or(&to.local).to_owned()
    } else {
        to.local
    };
    let duration = explain::duration((end - start).num_seconds());
    if t.is_french() {
        format!("du {} au {to} ({duration})", from.local)
    } else {
        format!("from {} to {to} ({duration})", from.local)
    }
}

/// One proof of a shared login as a sentence.
pub fn proof_sentence(t: Lang, proof: &Value) -> String {
    let devices = |values: &[&Value]| -> String {
        let names: Vec<String> = values
            .iter()
            .filter_map(|value| value.as_str())
            .map(|label| evidence_device(t, label))
            .collect();
        t.join(&names)
    };
    match proof["kind"].as_str() {
        Some("concurrent_devices") => {
            let window = &proof["window"];
            let listed: Vec<&Value> = window["devices"].as_array().into_iter().flatten().collect();
            let when = window_words(t, &window["start"], &window["end"]);
            if t.is_french() {
                format!(
                    "{} travaillaient en même temps sur cet identifiant, {when}.",
                    devices(&listed)
                )
            } else {
                format!(
                    "{} worked on this login at the same time, {when}.",
                    devices(&listed)
                )
            }
        }
        Some("impossible_travel") => {
            let pair = &proof["pair"];
            let (from, to) = (&pair["from"]["device"], &pair["to"]["device"]);
            let km = pair["distance_km"].as_f64().unwrap_or_default();
            let hours = pair["hours_between"].as_f64().unwrap_or_default();
            let duration = explain::duration((hours * 3600.0).round() as i64);
            if t.is_french() {
                format!("{} se sont connectés à {km:.0} km l'un de l'autre en {duration} : trop loin pour une seule personne.", devices(&[from, to]))
            } else {
                format!(
                    "{} signed in {km:.0} km apart within {duration}: too far for one person.",
                    devices(&[from, to])
                )
            }
        }
        Some("self_conflict") => {
            let conflict = &proof["conflict"];
            let (first, second) = (&conflict["first"]["device"], &conflict["second"]["device"]);
            let record = conflict["record"].as_str().unwrap_or_default();
            let when = evidence_when(t, &conflict["at"])
                .map(|w| w.local)
                .unwrap_or_default();
            if t.is_french() {
                format!("{} modifiaient le même enregistrement ({record}) en même temps, le {when} : l'un a perdu son enregistrement.", devices(&[first, second]))
            } else {
                format!("{} edited the same record ({record}) at the same time, on {when}: one of them lost the save.", devices(&[first, second]))
            }
        }
        Some("duty_spread") => {
            let overlap = &proof["overlap"];
            let side = |side: &Value| {
                let device = side["session"]["device"]
                    .as_str()
                    .map(|label| evidence_device(t, label))
                    .unwrap_or_default();
                let groups: Vec<String> = side["groups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|group| group.as_str().map(|g| duty_words(t, g)))
                    .collect();
                format!("{device} ({})", t.join(&groups))
            };
            let sides = [side(&overlap["first"]), side(&overlap["second"])];
            let when = window_words(t, &overlap["start"], &overlap["end"]);
            if t.is_french() {
                format!(
                    "{} faisaient des tâches différentes en même temps, {when}.",
                    t.join(&sides)
                )
            } else {
                format!(
                    "{} did different work at the same time, {when}.",
                    t.join(&sides)
                )
            }
        }
        _ => String::new(),
    }
}

/// The state of a finding with who changed it and when: "Acknowledged by Claire Martin".
pub fn state_words(t: Lang, row: &FindingRow, people: &People) -> Option<(String, When)> {
    let by = row.state_changed_by.as_deref()?;
    let at = row.state_changed_at?;
    let who = person_name(t, people, by);
    let state = row.state.as_str();
    let sentence = match (state, t.is_french()) {
        ("acknowledged", false) => format!("Acknowledged by {who}"),
        ("acknowledged", true) => format!("Pris en compte par {who}"),
        ("resolved", false) => format!("Resolved by {who}"),
        ("resolved", true) => format!("Résolu par {who}"),
        (_, false) => format!("Reopened by {who}"),
        (_, true) => format!("Rouvert par {who}"),
    };
    Some((sentence, t.when(at)))
}
