//! The hand-over's evidence in words, in English and in French.

use super::Handover;
use crate::seats::explain;

/// The words of the evidence in one language; the sentences share their shape.
struct Words {
    probably: &'static str,
    people_in_shifts: &'static str,
    device: &'static str,
    on: &'static str,
    usually_from: &'static str,
    until: &'static str,
    it_passed: &'static str,
    switch_from: &'static str,
    switch_to: &'static str,
    at_about: &'static str,
    days: &'static str,
    handover_on: &'static str,
    of_the: &'static str,
    days_used: &'static str,
    from_day: &'static str,
    to_day: &'static str,
    list: fn(&[String]) -> String,
}

const ENGLISH: Words = Words {
    probably: "probably",
    people_in_shifts: "people share this login in shifts, never at the same time: ",
    device: "device",
    on: "on",
    usually_from: "usually from",
    until: "to",
    it_passed: "; it passed ",
    switch_from: "from",
    switch_to: "to",
    at_about: "at about",
    days: "days",
    handover_on: "; a hand-over on",
    of_the: "of the",
    days_used: "days it was used, from",
    from_day: "",
    to_day: "to",
    list: explain::list,
};

const FRENCH: Words = Words {
    probably: "probablement",
    people_in_shifts: "personnes se partagent cet identifiant par roulement, jamais en même \
                       temps : ",
    device: "l'appareil",
    on: "sous",
    usually_from: "habituellement de",
    until: "à",
    it_passed: " ; il est passé ",
    switch_from: "de",
    switch_to: "à",
    at_about: "vers",
    days: "jours",
    handover_on: " ; une relève sur",
    of_the: "des",
    days_used: "jours d'utilisation,",
    from_day: "du",
    to_day: "au",
    list: liste,
};

impl Handover {
    /// "probably 2 people share this login in shifts, never at the same time: ...".
    pub fn explanation(&self) -> String {
        self.sentence(&ENGLISH)
    }

    /// The same evidence in French.
    pub fn explanation_fr(&self) -> String {
        self.sentence(&FRENCH)
    }

    fn sentence(&self, w: &Words) -> String {
        let devices: Vec<String> = self
            .devices
            .iter()
            .map(|d| {
                format!(
                    "{} {} ({} {} {} {}) {} {} {} {} UTC",
                    w.device,
                    d.device_id,
                    d.fingerprint.browser,
                    d.fingerprint.version,
                    w.on,
                    d.fingerprint.os,
                    w.usually_from,
                    d.usual_start,
                    w.until,
                    d.usual_end
                )
            })
            .collect();
        let switches: Vec<String> = self
            .switches
            .iter()
            .map(|s| {
                format!(
                    "{} {} {} {} {} {} UTC ({} {})",
                    w.switch_from,
                    s.from_device,
                    w.switch_to,
                    s.to_device,
                    w.at_about,
                    s.usual_at,
                    s.days,
                    w.days
                )
            })
            .collect();
        let first_day = format!("{} {}", w.from_day, self.first_day);
        format!(
            "{} {} {}{}{}{}{} {} {} {} {} {} {} {}",
            w.probably,
            self.estimate,
            w.people_in_shifts,
            (w.list)(&devices),
            w.it_passed,
            (w.list)(&switches),
            w.handover_on,
            self.handover_days,
            w.of_the,
            self.active_days,
            w.days_used,
            first_day.trim_start(),
            w.to_day,
            self.last_day
        )
    }
}

/// "a", "a et b", "a, b et c".
fn liste(items: &[String]) -> String {
    match items {
        [init @ .., last] if !init.is_empty() => format!("{} et {last}", init.join(", ")),
        _ => items.join(""),
    }
}
