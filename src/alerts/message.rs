//! The words of a mail, in the company's language: what was found, the evidence in plain
//! words (which login, which devices, when they overlapped), what to do, and a link to the
//! finding. Rendered as text and HTML from one set of sections.

use askama::Template;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::mailer::Mail;
use super::outbox::{AlertRow, FindingEvent, FindingSnapshot, Payload};
use crate::i18n::Locale;

/// One titled list of lines.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub lines: Vec<String>,
}

/// What both the text and the HTML part say.
#[derive(Debug, Clone)]
pub struct MailBody {
    pub lang: &'static str,
    pub headline: String,
    pub sections: Vec<Section>,
    pub link_label: String,
    pub link: String,
    pub footer: String,
}

#[derive(Template)]
#[template(path = "mail/alert.txt")]
struct TextPart<'a> {
    body: &'a MailBody,
}

#[derive(Template)]
#[template(path = "mail/alert.html")]
struct HtmlPart<'a> {
    body: &'a MailBody,
}

/// Where links point: the service's public address and the company.
#[derive(Debug, Clone, Copy)]
pub struct MailContext<'a> {
    pub public_url: &'a str,
    pub company_id: &'a str,
    pub company_name: &'a str,
}

/// The mail of one outbox row; `None` when its payload cannot be read.
pub fn render(row: &AlertRow, context: MailContext<'_>) -> Option<Result<Mail, askama::Error>> {
    let locale = row.locale();
    let (subject, body) = match row.payload()? {
        Payload::Finding { event, finding } => finding_mail(event, &finding, locale, context),
        Payload::Digest {
            day,
            open_count,
            findings,
        } => digest_mail(&day, open_count, &findings, locale, context),
    };
    Some(
        TextPart { body: &body }
            .render()
            .and_then(|text| Ok((text, HtmlPart { body: &body }.render()?)))
            .map(|(text, html)| Mail {
                id: row.id.clone(),
                to: row.recipient.clone(),
                subject,
                text,
                html,
            }),
    )
}

/// The subject line a row's mail carries (also shown in the API).
pub fn subject(row: &AlertRow) -> Option<String> {
    let locale = row.locale();
    Some(match row.payload()? {
        Payload::Finding { event, finding } => finding_subject(event, &finding, locale),
        Payload::Digest { open_count, .. } => digest_subject(open_count, locale),
    })
}

fn finding_link(context: MailContext<'_>, finding_id: &str) -> String {
    format!(
        "{}/ui/companies/{}/findings/{finding_id}",
        context.public_url, context.company_id
    )
}

fn finding_subject(event: FindingEvent, finding: &FindingSnapshot, locale: Locale) -> String {
    let prefix = match event {
        FindingEvent::New => "",
        FindingEvent::Escalated => locale.pick("Worse: ", "Aggravé : "),
        FindingEvent::Reopened => locale.pick("Seen again: ", "De nouveau constaté : "),
    };
    format!("[Seatwarden] {prefix}{}", title(finding, locale))
}

/// "Shared login: team@x is used by at least 3 people", by kind.
fn title(finding: &FindingSnapshot, locale: Locale) -> String {
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

fn severity_word(severity: &str, locale: Locale) -> &'static str {
    match severity {
        "high" => locale.pick("high", "élevée"),
        "medium" => locale.pick("medium", "moyenne"),
        _ => locale.pick("low", "faible"),
    }
}

fn finding_mail(
    event: FindingEvent,
    finding: &FindingSnapshot,
    locale: Locale,
    context: MailContext<'_>,
) -> (String, MailBody) {
    let subject = finding_subject(event, finding, locale);
    let headline = match locale {
        Locale::En => format!(
            "Seatwarden's audit of {} found: {}",
            context.company_name,
            title(finding, locale)
        ),
        Locale::Fr => format!(
            "L'audit Seatwarden de {} a constaté : {}",
            context.company_name,
            title(finding, locale)
        ),
    };
    let found = vec![
        match locale {
            Locale::En => format!(
                "Severity {}; first seen {}, last seen {}.",
                severity_word(&finding.severity, locale),
                moment(&finding.first_seen, locale),
                moment(&finding.last_seen, locale)
            ),
            Locale::Fr => format!(
                "Gravité {} ; vu pour la première fois le {}, pour la dernière fois le {}.",
                severity_word(&finding.severity, locale),
                moment(&finding.first_seen, locale),
                moment(&finding.last_seen, locale)
            ),
        },
        summary(finding, locale),
    ];
    let body = MailBody {
        lang: locale.as_str(),
        headline,
        sections: vec![
            Section {
                title: locale
                    .pick("What was found", "Ce qui a été constaté")
                    .into(),
                lines: found,
            },
            Section {
                title: locale.pick("The evidence", "Les preuves").into(),
                lines: evidence_lines(finding, locale),
            },
            Section {
                title: locale.pick("What to do", "Que faire").into(),
                lines: what_to_do(finding, locale),
            },
        ],
        link_label: locale.pick("Open the finding", "Ouvrir le constat").into(),
        link: finding_link(context, &finding.id),
        footer: footer(locale),
    };
    (subject, body)
}

fn footer(locale: Locale) -> String {
    locale
        .pick(
            "You receive this mail because your company's admins named you in Seatwarden's alert \
             settings.",
            "Vous recevez ce message parce que les administrateurs de votre entreprise vous ont \
             désigné dans les réglages d'alerte de Seatwarden.",
        )
        .to_owned()
}

/// The auditor's own sentence in English; in French, the same facts from the evidence's data.
fn summary(finding: &FindingSnapshot, locale: Locale) -> String {
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
fn evidence_lines(finding: &FindingSnapshot, locale: Locale) -> Vec<String> {
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
fn moment(text: &str, locale: Locale) -> String {
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

fn what_to_do(finding: &FindingSnapshot, locale: Locale) -> Vec<String> {
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

fn digest_subject(open_count: usize, locale: Locale) -> String {
    match locale {
        Locale::En => format!("[Seatwarden] Daily digest of open findings: {open_count}"),
        Locale::Fr => format!("[Seatwarden] Résumé du jour des constats ouverts : {open_count}"),
    }
}

fn digest_mail(
    day: &str,
    open_count: usize,
    findings: &[FindingSnapshot],
    locale: Locale,
    context: MailContext<'_>,
) -> (String, MailBody) {
    let headline = match locale {
        Locale::En => format!(
            "{open_count} findings of {} are open on {day}",
            context.company_name
        ),
        Locale::Fr => format!(
            "{open_count} constats de {} sont ouverts au {day}",
            context.company_name
        ),
    };
    let mut lines: Vec<String> = findings
        .iter()
        .map(|finding| {
            format!(
                "[{}] {} ({}): {}",
                severity_word(&finding.severity, locale),
                title(finding, locale),
                finding.state,
                finding_link(context, &finding.id)
            )
        })
        .collect();
    if open_count > findings.len() {
        lines.push(match locale {
            Locale::En => format!("... and {} more.", open_count - findings.len()),
            Locale::Fr => format!("... et {} autres.", open_count - findings.len()),
        });
    }
    let body = MailBody {
        lang: locale.as_str(),
        headline,
        sections: vec![Section {
            title: locale.pick("Open findings", "Constats ouverts").into(),
            lines,
        }],
        link_label: locale
            .pick("Open the findings", "Ouvrir les constats")
            .into(),
        link: format!(
            "{}/ui/companies/{}/findings",
            context.public_url, context.company_id
        ),
        footer: footer(locale),
    };
    (digest_subject(open_count, locale), body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shared_login() -> FindingSnapshot {
        FindingSnapshot {
            id: "f1".into(),
            kind: "shared_login".into(),
            severity: "high".into(),
            state: "open".into(),
            login: Some("ventes@x.test".into()),
            headcount: 3,
            evidence_class: "proven".into(),
            headcount_estimate: 3,
            evidence: json!({
                "summary": "at least 3 people use this login",
                "proofs": [{
                    "people": 3,
                    "explanation": "pc-1, pc-2 and pc-3 were all working on this login from Tue 2026-12-01 09:02 to 11:40 UTC",
                    "kind": "concurrent_devices",
                    "window": {"start": "2026-12-01T09:02:00Z", "end": "2026-12-01T11:40:00Z",
                               "devices": ["device pc-1", "device pc-2", "device pc-3"]}
                }]
            }),
            first_seen: "2026-12-01T09:02:00Z".into(),
            last_seen: "2026-12-01T11:40:00Z".into(),
        }
    }

    const CONTEXT: MailContext<'static> = MailContext {
        public_url: "https://sw.example",
        company_id: "c1",
        company_name: "Bâtiments <Martin>",
    };

    #[test]
    fn a_french_mail_names_the_devices_and_the_overlap_in_french() {
        let (subject, body) = finding_mail(FindingEvent::New, &shared_login(), Locale::Fr, CONTEXT);
        assert_eq!(
            subject,
            "[Seatwarden] Identifiant partagé : ventes@x.test est utilisé par au moins 3 personnes"
        );
        let evidence = &body.sections[1].lines[0];
        assert!(
            evidence.contains("l'appareil pc-1, l'appareil pc-2 et l'appareil pc-3 travaillaient")
                && evidence.contains("du 01/12/2026 09:02 UTC au 01/12/2026 11:40 UTC"),
            "{evidence}"
        );
        assert_eq!(body.link, "https://sw.example/ui/companies/c1/findings/f1");
    }

    #[test]
    fn a_probable_shared_login_says_so_with_its_estimate() {
        let mut finding = shared_login();
        finding.evidence_class = "probable".into();
        finding.headcount = 1;
        finding.headcount_estimate = 2;
        assert_eq!(
            finding_subject(FindingEvent::New, &finding, Locale::En),
            "[Seatwarden] Probable shared login: ventes@x.test seems used by 2 people taking turns"
        );
    }

    #[test]
    fn the_html_part_escapes_what_it_quotes() {
        let (_, body) = finding_mail(FindingEvent::New, &shared_login(), Locale::En, CONTEXT);
        let html = HtmlPart { body: &body }.render().unwrap();
        assert!(html.contains("Bâtiments &#60;Martin&#62;") || html.contains("&lt;Martin&gt;"));
        let text = TextPart { body: &body }.render().unwrap();
        assert!(text.contains("- pc-1, pc-2 and pc-3 were all working on this login"));
        assert!(text.contains("Open the finding: https://sw.example/ui/companies/c1/findings/f1"));
    }
}
