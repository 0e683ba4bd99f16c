//! The words of a mail, in the company's language: what was found, the evidence in plain
//! words (which login, which devices, when they overlapped), what to do, and a link to the
//! finding. Rendered as text and HTML from one set of sections.

use askama::Template;

use super::mailer::Mail;
use super::outbox::{AlertRow, FindingEvent, FindingSnapshot, Payload};
use crate::i18n::Locale;
use finding_words::{evidence_lines, moment, severity_word, summary, title, what_to_do};

mod finding_words;

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
mod tests;
