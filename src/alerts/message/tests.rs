//! Mails in words: French devices and overlaps, probable estimates, escaped HTML.

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
