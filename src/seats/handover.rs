//! Hand-over sharing: a login passed from one person to the next at a shift change, each on
//! their own workstation, never two at once. Concurrency cannot see it, so this signal only
//! ever makes a *probable* finding with an *estimate*; the proven lower bound stays untouched.
//!
//! Over the audit's lookback, in UTC days:
//! - Workstations only: a device id whose sessions all carry a desktop browser's user agent
//!   (woothee's `pc` category) of one browser family on one operating system, its version
//!   never going back (updates only go forward). A phone or tablet, a device known only by its
//!   address, or a device id seen with two browsers has no stable fingerprint and is left out,
//!   so a laptop-then-phone switch never counts.
//! - A device's slot of a day runs from its first sign-in to its last activity that day, and
//!   counts when at least `min_slot_minutes` long: a shift, not a glance.
//! - A hand-over: the next slot of another device starts no earlier than the previous slot's
//!   end less the device-switch grace (disjoint), and at most `max_gap_minutes` after it: a
//!   colleague taking over the desk, not a commute.
//! - Regular: for one ordered pair of devices, the switch time (the middle of the gap) falls
//!   within `switch_tolerance_minutes` of one time of day on at least `min_days` days, and the
//!   days with such a hand-over make at least `min_day_share` of the days the login was used.
//!
//! The estimate is one person per workstation of the regular rotation. One person who moves
//! from the desktop to the laptop once in a while does not switch on most days at one hour;
//! one with a desktop at work and a laptop at home has a commute between the two.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use woothee::parser::Parser;

use super::explain;
use super::index::LoginTimeline;
use super::timeline::{DeviceKey, SessionRecord};

const DAY_SECONDS: i64 = 86_400;
const DAY_MINUTES: i64 = 1_440;

/// Tuning of the hand-over signal (`[seat_audit.handover]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandoverLimits {
    /// Days with the same regular hand-over before the signal speaks: two working weeks.
    pub min_days: u32,
    /// Share of the login's days of use that show a regular hand-over.
    pub min_day_share: f64,
    /// A switch within this many minutes of the usual switch time is "at about the same hour"
    /// (wide enough for a daylight-saving change, measured in UTC).
    pub switch_tolerance_minutes: i64,
    /// Longest gap between one workstation's last activity and the next one's sign-in.
    pub max_gap_minutes: i64,
    /// Shortest daily use of a workstation that counts as a slot.
    pub min_slot_minutes: i64,
}

impl Default for HandoverLimits {
    fn default() -> Self {
        HandoverLimits {
            min_days: 10,
            min_day_share: 0.5,
            switch_tolerance_minutes: 60,
            max_gap_minutes: 20,
            min_slot_minutes: 60,
        }
    }
}

impl HandoverLimits {
    /// The first setting out of range, named as in the config file.
    pub fn out_of_range(&self) -> Option<&'static str> {
        let checks = [
            ("seat_audit.handover.min_days", self.min_days >= 2),
            (
                "seat_audit.handover.min_day_share",
                self.min_day_share.is_finite()
                    && self.min_day_share > 0.0
                    && self.min_day_share <= 1.0,
            ),
            (
                "seat_audit.handover.switch_tolerance_minutes",
                (0..=360).contains(&self.switch_tolerance_minutes),
            ),
            (
                "seat_audit.handover.max_gap_minutes",
                (0..=720).contains(&self.max_gap_minutes),
            ),
            (
                "seat_audit.handover.min_slot_minutes",
                (0..DAY_MINUTES).contains(&self.min_slot_minutes),
            ),
        ];
        checks.into_iter().find(|(_, ok)| !ok).map(|(name, _)| name)
    }
}

/// What a workstation shows of itself: browser, its latest version, operating system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    pub browser: String,
    pub version: String,
    pub os: String,
}

/// One workstation of the rotation and its usual slot (UTC).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RotationDevice {
    pub device_id: String,
    pub fingerprint: Fingerprint,
    /// "08:00": the median start and end of its slots on hand-over days.
    pub usual_start: String,
    pub usual_end: String,
    /// Hand-over days it worked on.
    pub days: u32,
}

/// A hand-over from one workstation to the next that recurs at about the same time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegularSwitch {
    pub from_device: String,
    pub to_device: String,
    /// "13:00" UTC: the median switch time.
    pub usual_at: String,
    pub days: u32,
}

/// Probable hand-over sharing of one login.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Handover {
    /// People estimated behind the login: one per workstation of the rotation.
    pub estimate: u32,
    pub devices: Vec<RotationDevice>,
    pub switches: Vec<RegularSwitch>,
    /// Days with a regular hand-over, and days the login was used at all.
    pub handover_days: u32,
    pub active_days: u32,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub first_switch_at: DateTime<Utc>,
    pub last_switch_at: DateTime<Utc>,
}

/// Look for regular hand-overs on one login; `grace_seconds` is the device-switch grace.
pub fn detect(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    limits: &HandoverLimits,
    grace_seconds: i64,
) -> Option<Handover> {
    if timeline.devices.len() < 2 {
        return None;
    }
    let fingerprints = workstations(timeline, sessions);
    if fingerprints.iter().flatten().count() < 2 {
        return None;
    }
    let slots = daily_slots(timeline, &fingerprints, limits.min_slot_minutes * 60);
    let switches = switches(&slots, limits.max_gap_minutes * 60, grace_seconds.max(0));
    let regular: Vec<Cluster> = switches
        .into_iter()
        .map(|(pair, list)| cluster(pair, &list, limits.switch_tolerance_minutes))
        .filter(|cluster| cluster.members.len() >= limits.min_days as usize)
        .collect();
    let days: BTreeSet<i64> = regular
        .iter()
        .flat_map(|cluster| cluster.members.iter().map(|switch| switch.day))
        .collect();
    let active_days = active_days(timeline);
    let enough = days.len() >= limits.min_days as usize
        && days.len() as f64 >= limits.min_day_share * active_days as f64;
    if !enough {
        return None;
    }
    Some(describe(
        timeline,
        &fingerprints,
        &slots,
        &regular,
        &days,
        active_days,
    ))
}

/// A device's browser as parsed: family, version, operating system, all borrowed.
type Agent<'a> = (&'a str, &'a str, &'a str);

/// What the sessions of one device showed so far, in time order.
#[derive(Clone, Copy)]
enum Seen<'a> {
    Nothing,
    Agent(Agent<'a>),
    /// No stable workstation: no device id, no desktop browser, or two browsers on one id.
    Out,
}

/// Fingerprints by device number; `None` for a device that is no stable workstation.
fn workstations(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
) -> Vec<Option<Fingerprint>> {
    let parser = Parser::new();
    let mut parsed: HashMap<&str, Option<Agent<'_>>> = HashMap::new();
    let mut seen: Vec<Seen<'_>> = timeline
        .devices
        .iter()
        .map(|key| match key {
            DeviceKey::Id(_) => Seen::Nothing,
            DeviceKey::Browser { .. } => Seen::Out,
        })
        .collect();
    for span in &timeline.spans {
        let device = span.device as usize;
        let Some(&before) = seen.get(device) else {
            continue;
        };
        if matches!(before, Seen::Out) {
            continue;
        }
        let agent = sessions[span.session]
            .user_agent
            .as_deref()
            .and_then(|text| {
                *parsed
                    .entry(text)
                    .or_insert_with(|| workstation_agent(&parser, text))
            });
        seen[device] = match (agent, before) {
            (Some(now), Seen::Nothing) => Seen::Agent(now),
            (Some(now), Seen::Agent(last)) if now == last => Seen::Agent(now),
            // Updates move the version forward; going back means another browser on this id.
            (Some(now), Seen::Agent(last))
                if (now.0, now.2) == (last.0, last.2)
                    && version_key(now.1) >= version_key(last.1) =>
            {
                Seen::Agent(now)
            }
            _ => Seen::Out,
        };
    }
    seen.into_iter()
        .map(|device| match device {
            Seen::Agent((browser, version, os)) => Some(Fingerprint {
                browser: browser.to_owned(),
                version: version.to_owned(),
                os: os.to_owned(),
            }),
            Seen::Nothing | Seen::Out => None,
        })
        .collect()
}

/// A desktop browser whose family and system are known.
fn workstation_agent<'a>(parser: &Parser, text: &'a str) -> Option<Agent<'a>> {
    let result = parser.parse(text)?;
    let known = |value: &str| !value.is_empty() && value != woothee::woothee::VALUE_UNKNOWN;
    (result.category == "pc" && known(result.name) && known(result.os)).then_some((
        result.name,
        result.version,
        result.os,
    ))
}

/// "120.0.6099.71" compared number by number.
fn version_key(version: &str) -> Vec<u64> {
    version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap_or(u64::MAX))
        .collect()
}

/// One device's use on one day, Unix seconds.
#[derive(Debug, Clone, Copy)]
struct Slot {
    day: i64,
    device: u32,
    start: i64,
    end: i64,
}

/// Workstation slots long enough, sorted by (day, start).
fn daily_slots(
    timeline: &LoginTimeline<'_>,
    fingerprints: &[Option<Fingerprint>],
    min_seconds: i64,
) -> Vec<Slot> {
    let mut by_key: HashMap<(i64, u32), Slot> = HashMap::new();
    for span in &timeline.spans {
        if fingerprints
            .get(span.device as usize)
            .is_none_or(Option::is_none)
        {
            continue;
        }
        let day = span.start.div_euclid(DAY_SECONDS);
        by_key
            .entry((day, span.device))
            .and_modify(|slot| {
                slot.start = slot.start.min(span.start);
                slot.end = slot.end.max(span.end);
            })
            .or_insert(Slot {
                day,
                device: span.device,
                start: span.start,
                end: span.end,
            });
    }
    let mut slots: Vec<Slot> = by_key
        .into_values()
        .filter(|slot| slot.end - slot.start >= min_seconds)
        .collect();
    slots.sort_unstable_by_key(|slot| (slot.day, slot.start, slot.device));
    slots
}

/// One hand-over on one day.
#[derive(Debug, Clone, Copy)]
struct Switch {
    day: i64,
    /// The middle of the gap, Unix seconds.
    at: i64,
}

/// Hand-overs by (from device, to device): each next slot of a day against the slot that
/// ends last before it.
fn switches(slots: &[Slot], max_gap: i64, grace: i64) -> BTreeMap<(u32, u32), Vec<Switch>> {
    let mut found: BTreeMap<(u32, u32), Vec<Switch>> = BTreeMap::new();
    for day in slots.chunk_by(|a, b| a.day == b.day) {
        let mut latest: Option<Slot> = None;
        for slot in day {
            if let Some(previous) = latest {
                let gap = slot.start - previous.end;
                if previous.device != slot.device && gap >= -grace && gap <= max_gap {
                    found
                        .entry((previous.device, slot.device))
                        .or_default()
                        .push(Switch {
                            day: slot.day,
                            at: previous.end + gap / 2,
                        });
                }
            }
            if latest.is_none_or(|previous| slot.end > previous.end) {
                latest = Some(*slot);
            }
        }
    }
    found
}

/// The switches of one pair that fall at about one time of day.
struct Cluster {
    pair: (u32, u32),
    /// Minute of the day (UTC) of the usual switch.
    usual_minute: i64,
    members: Vec<Switch>,
}

fn minute_of_day(at: i64) -> i64 {
    at.rem_euclid(DAY_SECONDS) / 60
}

/// Signed distance from `center` to `minute` around the clock, in [-720, 720).
fn around_the_clock(minute: i64, center: i64) -> i64 {
    (minute - center + DAY_MINUTES / 2).rem_euclid(DAY_MINUTES) - DAY_MINUTES / 2
}

/// The largest set of switches within the tolerance of one of them, and their median time.
fn cluster(pair: (u32, u32), switches: &[Switch], tolerance: i64) -> Cluster {
    let minutes: Vec<i64> = switches.iter().map(|s| minute_of_day(s.at)).collect();
    let near = |center: i64| {
        minutes
            .iter()
            .filter(|&&m| around_the_clock(m, center).abs() <= tolerance)
            .count()
    };
    // Earliest center on ties, so the result never depends on the order of the input.
    let center = minutes
        .iter()
        .copied()
        .max_by_key(|&m| (near(m), std::cmp::Reverse(m)))
        .unwrap_or(0);
    let members: Vec<Switch> = switches
        .iter()
        .zip(&minutes)
        .filter(|(_, &m)| around_the_clock(m, center).abs() <= tolerance)
        .map(|(switch, _)| *switch)
        .collect();
    let offsets: Vec<i64> = members
        .iter()
        .map(|s| around_the_clock(minute_of_day(s.at), center))
        .collect();
    Cluster {
        pair,
        usual_minute: (center + median(offsets)).rem_euclid(DAY_MINUTES),
        members,
    }
}

fn median(mut values: Vec<i64>) -> i64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

/// Days with any session of the login.
fn active_days(timeline: &LoginTimeline<'_>) -> usize {
    let days: BTreeSet<i64> = timeline
        .spans
        .iter()
        .map(|span| span.start.div_euclid(DAY_SECONDS))
        .collect();
    days.len()
}

fn clock(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn describe(
    timeline: &LoginTimeline<'_>,
    fingerprints: &[Option<Fingerprint>],
    slots: &[Slot],
    regular: &[Cluster],
    days: &BTreeSet<i64>,
    active_days: usize,
) -> Handover {
    let in_rotation: BTreeSet<u32> = regular
        .iter()
        .flat_map(|cluster| [cluster.pair.0, cluster.pair.1])
        .collect();
    let device_id = |device: u32| match timeline.devices.get(device as usize) {
        Some(DeviceKey::Id(id)) => (*id).to_owned(),
        _ => timeline.device_label(device),
    };
    let mut devices: Vec<RotationDevice> = in_rotation
        .iter()
        .filter_map(|&device| {
            let own: Vec<&Slot> = slots
                .iter()
                .filter(|slot| slot.device == device && days.contains(&slot.day))
                .collect();
            Some(RotationDevice {
                device_id: device_id(device),
                fingerprint: fingerprints.get(device as usize)?.clone()?,
                usual_start: clock(median(own.iter().map(|s| minute_of_day(s.start)).collect())),
                usual_end: clock(median(own.iter().map(|s| minute_of_day(s.end)).collect())),
                days: own.len() as u32,
            })
        })
        .collect();
    devices.sort_by(|a, b| (&a.usual_start, &a.device_id).cmp(&(&b.usual_start, &b.device_id)));
    let mut ordered: Vec<&Cluster> = regular.iter().collect();
    ordered.sort_by_key(|cluster| (cluster.usual_minute, cluster.pair));
    let switches = ordered
        .iter()
        .map(|cluster| RegularSwitch {
            from_device: device_id(cluster.pair.0),
            to_device: device_id(cluster.pair.1),
            usual_at: clock(cluster.usual_minute),
            days: cluster.members.len() as u32,
        })
        .collect();
    let instants = regular.iter().flat_map(|c| c.members.iter().map(|s| s.at));
    let (first_at, last_at) = (instants.clone().min(), instants.max());
    let day =
        |day: Option<&i64>| explain::instant(day.copied().unwrap_or(0) * DAY_SECONDS).date_naive();
    Handover {
        estimate: devices.len() as u32,
        devices,
        switches,
        handover_days: days.len() as u32,
        active_days: active_days as u32,
        first_day: day(days.first()),
        last_day: day(days.last()),
        first_switch_at: explain::instant(first_at.unwrap_or(0)),
        last_switch_at: explain::instant(last_at.unwrap_or(0)),
    }
}

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

#[cfg(test)]
mod tests {
    use super::super::audit::{audit_company, AuditInput, AuditSettings};
    use super::super::findings::{EvidenceClass, FindingKind};
    use super::super::index::group_by_login;
    use super::super::plans::{SeatPlan, SeatUser};
    use super::super::timeline::GeoPoint;
    use super::*;
    use crate::identity::roles::{Plan, Role};
    use chrono::{TimeDelta, TimeZone};

    const WINDOWS_CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
        (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    const WINDOWS_CHROME_NEWER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) \
        AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36";
    const MAC_FIREFOX: &str =
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0";
    const LINUX_FIREFOX: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0";
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) \
        AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    const LOGIN: &str = "desk@hotel.test";
    const GRACE: i64 = 120;

    /// Minute `minute` of day `day` (day 0 is Monday 2025-03-03), UTC.
    fn at(day: i64, minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 3, 0, 0, 0)
            .single()
            .expect("valid test time")
            + TimeDelta::days(day)
            + TimeDelta::minutes(minute)
    }

    /// One session of `LOGIN`; `device` None means a browser known only by agent and address.
    fn use_of(device: Option<&str>, agent: &str, day: i64, from: i64, to: i64) -> SessionRecord {
        SessionRecord {
            session_id: format!("{}-{day}-{from}", device.unwrap_or("browser")),
            login: LOGIN.into(),
            device: device.map(Into::into),
            ip: Some("192.0.2.10".into()),
            user_agent: Some(agent.into()),
            started_at: at(day, from),
            last_active_at: at(day, to),
            location: None,
            country: None,
        }
    }

    fn detect_in(sessions: &[SessionRecord]) -> Option<Handover> {
        let timelines = group_by_login(sessions);
        detect(&timelines[0], sessions, &HandoverLimits::default(), GRACE)
    }

    /// Weekdays among the first `count` days.
    fn weekdays(count: i64) -> impl Iterator<Item = i64> {
        (0..count).filter(|day| day % 7 < 5)
    }

    fn front_desk(days: i64) -> Vec<SessionRecord> {
        let mut sessions = Vec::new();
        for day in weekdays(days) {
            let jitter = (day * 7) % 11 - 5;
            sessions.push(use_of(
                Some("desk-1"),
                WINDOWS_CHROME,
                day,
                8 * 60,
                13 * 60 - 2 + jitter,
            ));
            sessions.push(use_of(
                Some("desk-2"),
                MAC_FIREFOX,
                day,
                13 * 60 + 3 + jitter,
                18 * 60,
            ));
        }
        sessions
    }

    #[test]
    fn a_front_desk_in_two_shifts_is_probably_two_people() {
        let found = detect_in(&front_desk(21)).expect("a hand-over");
        assert_eq!(found.estimate, 2);
        assert_eq!((found.handover_days, found.active_days), (15, 15));
        assert_eq!(found.switches.len(), 1);
        let switch = &found.switches[0];
        assert_eq!(
            (switch.from_device.as_str(), switch.to_device.as_str()),
            ("desk-1", "desk-2")
        );
        assert_eq!(switch.usual_at, "13:00");
        assert_eq!(found.devices[0].usual_start, "08:00");
        assert_eq!(found.devices[0].fingerprint.browser, "Chrome");
        assert_eq!(found.devices[1].usual_end, "18:00");
        assert_eq!(found.first_day, at(0, 0).date_naive());
        assert_eq!(found.last_day, at(18, 0).date_naive());
        assert!(
            found.explanation().starts_with(
                "probably 2 people share this login in shifts, never at the same time: \
                 device desk-1 (Chrome 120.0.0.0 on Windows 10) usually from 08:00 to 12:58 UTC"
            ),
            "{}",
            found.explanation()
        );
        assert!(found.explanation().ends_with(
            "a hand-over on 15 of the 15 days it was used, from 2025-03-03 to 2025-03-21"
        ));
        assert!(found
            .explanation_fr()
            .contains("il est passé de desk-1 à desk-2 vers 13:00 UTC (15 jours)"));
    }

    #[test]
    fn three_shifts_are_probably_three_people() {
        let mut sessions = Vec::new();
        for day in weekdays(14) {
            sessions.push(use_of(Some("a"), WINDOWS_CHROME, day, 6 * 60, 11 * 60));
            sessions.push(use_of(Some("b"), MAC_FIREFOX, day, 11 * 60 + 5, 16 * 60));
            sessions.push(use_of(Some("c"), LINUX_FIREFOX, day, 16 * 60 + 1, 21 * 60));
        }
        let found = detect_in(&sessions).expect("a hand-over");
        assert_eq!(found.estimate, 3);
        let times: Vec<&str> = found.switches.iter().map(|s| s.usual_at.as_str()).collect();
        assert_eq!(times, vec!["11:02", "16:00"]);
    }

    #[test]
    fn too_few_days_or_too_rare_a_pattern_is_nothing() {
        // Nine days: below the ten the signal needs.
        assert_eq!(detect_in(&front_desk(11)), None);
        // Ten hand-over days among 25 days of use: under half.
        let mut sessions = front_desk(14);
        for day in 20..35 {
            sessions.push(use_of(Some("desk-1"), WINDOWS_CHROME, day, 9 * 60, 17 * 60));
        }
        assert_eq!(detect_in(&sessions), None);
    }

    #[test]
    fn phones_tablets_and_unstable_fingerprints_are_no_workstations() {
        let mut phone = front_desk(21);
        for session in phone
            .iter_mut()
            .filter(|s| s.device.as_deref() == Some("desk-2"))
        {
            session.user_agent = Some(IPHONE.into());
        }
        assert_eq!(detect_in(&phone), None);
        // Two browsers under one device id, in turn: no stable fingerprint.
        let mut mixed = front_desk(21);
        for (i, session) in mixed
            .iter_mut()
            .filter(|s| s.device.as_deref() == Some("desk-2"))
            .enumerate()
        {
            if i % 2 == 0 {
                session.user_agent = Some(WINDOWS_CHROME.into());
            }
        }
        assert_eq!(detect_in(&mixed), None);
        // A browser update moves the version forward: still the same workstation.
        let mut updated = front_desk(21);
        for session in updated.iter_mut().skip(10) {
            if session.device.as_deref() == Some("desk-1") {
                session.user_agent = Some(WINDOWS_CHROME_NEWER.into());
            }
        }
        let found = detect_in(&updated).expect("a hand-over");
        assert_eq!(found.devices[0].fingerprint.version, "121.0.0.0");
        // Going back to the older version is another browser behind the same id.
        updated[20].user_agent = Some(WINDOWS_CHROME.into());
        assert_eq!(detect_in(&updated), None);
    }

    #[test]
    fn limits_out_of_range_are_named() {
        assert_eq!(HandoverLimits::default().out_of_range(), None);
        let bad = HandoverLimits {
            min_day_share: 1.5,
            ..HandoverLimits::default()
        };
        assert_eq!(
            bad.out_of_range(),
            Some("seat_audit.handover.min_day_share")
        );
        let one_day = HandoverLimits {
            min_days: 1,
            ..HandoverLimits::default()
        };
        assert_eq!(one_day.out_of_range(), Some("seat_audit.handover.min_days"));
    }

    fn audit(sessions: Vec<SessionRecord>) -> super::super::audit::AuditOutcome {
        let input = AuditInput {
            plan: SeatPlan::new(Plan::Plus, None),
            users: vec![SeatUser {
                login: LOGIN.into(),
                role: Role::StandardAll,
                active: true,
                external: false,
                created_at: None,
            }],
            sessions,
            duty_actions: Vec::new(),
            self_conflicts: Vec::new(),
            count_probable_sharing: false,
        };
        audit_company(&input, &AuditSettings::default(), at(40, 0))
    }

    fn accused(sessions: Vec<SessionRecord>) -> Vec<FindingKind> {
        audit(sessions)
            .findings
            .iter()
            .map(|finding| finding.kind)
            .filter(|kind| {
                matches!(
                    kind,
                    FindingKind::SharedLogin | FindingKind::ImpossibleTravel
                )
            })
            .collect()
    }

    fn located(mut session: SessionRecord, latitude: f64, longitude: f64) -> SessionRecord {
        session.location = Some(GeoPoint {
            latitude,
            longitude,
        });
        session
    }

    /// Honest people whose days look busy: none of them is accused of anything.
    #[test]
    fn honest_traps_are_never_flagged() {
        let mut laptop_then_phone = Vec::new();
        let mut forgotten_session = Vec::new();
        let mut vpn_hop = Vec::new();
        let mut vpn_hop_without_id = Vec::new();
        let mut work_and_home = Vec::new();
        let mut now_and_then = Vec::new();
        for day in weekdays(28) {
            laptop_then_phone.push(use_of(
                Some("laptop"),
                MAC_FIREFOX,
                day,
                8 * 60,
                12 * 60 + 58,
            ));
            laptop_then_phone.push(use_of(Some("phone"), IPHONE, day, 13 * 60, 17 * 60));
            // Signed in at the office and never signed out: the session ends at its last
            // activity; the same person checks in from home in the evening.
            forgotten_session.push(use_of(
                Some("office"),
                WINDOWS_CHROME,
                day,
                9 * 60,
                17 * 60 + 30,
            ));
            forgotten_session.push(use_of(
                Some("office"),
                WINDOWS_CHROME,
                day,
                17 * 60 + 45,
                17 * 60 + 46,
            ));
            forgotten_session.push(use_of(
                Some("home"),
                MAC_FIREFOX,
                day,
                18 * 60 + 30,
                19 * 60 + 45,
            ));
            // The VPN comes up at 13:00 every day: the address changes, the computer does not.
            let mut morning = use_of(Some("laptop"), MAC_FIREFOX, day, 8 * 60, 12 * 60 + 59);
            let mut afternoon = use_of(Some("laptop"), MAC_FIREFOX, day, 13 * 60, 18 * 60);
            afternoon.ip = Some("198.51.100.7".into());
            vpn_hop.push(morning.clone());
            vpn_hop.push(afternoon.clone());
            morning.device = None;
            afternoon.device = None;
            vpn_hop_without_id.push(morning);
            vpn_hop_without_id.push(afternoon);
            // A desktop at work, a laptop at home after the commute.
            work_and_home.push(use_of(
                Some("desktop"),
                WINDOWS_CHROME,
                day,
                9 * 60,
                17 * 60 + 30,
            ));
            work_and_home.push(use_of(
                Some("laptop"),
                MAC_FIREFOX,
                day,
                18 * 60 + 15,
                21 * 60,
            ));
            // Moves from the desktop to the laptop once in a while, at whatever time.
            if day % 6 == 2 {
                let switch = 10 * 60 + (day * 37) % 300;
                now_and_then.push(use_of(Some("desktop"), WINDOWS_CHROME, day, 9 * 60, switch));
                now_and_then.push(use_of(
                    Some("laptop"),
                    MAC_FIREFOX,
                    day,
                    switch + 5,
                    17 * 60,
                ));
            } else {
                now_and_then.push(use_of(
                    Some("desktop"),
                    WINDOWS_CHROME,
                    day,
                    9 * 60,
                    17 * 60,
                ));
            }
        }
        // A train from Paris to Lyon: 390 km in two hours, on two computers.
        let train_trip = vec![
            located(
                use_of(Some("desktop"), WINDOWS_CHROME, 3, 8 * 60, 10 * 60),
                48.8566,
                2.3522,
            ),
            located(
                use_of(Some("laptop"), MAC_FIREFOX, 3, 12 * 60 + 10, 15 * 60),
                45.7640,
                4.8357,
            ),
        ];
        for (name, trap) in [
            ("laptop then phone", laptop_then_phone),
            ("forgotten session", forgotten_session),
            ("VPN hop", vpn_hop),
            ("VPN hop without device id", vpn_hop_without_id),
            ("desktop at work, laptop at home", work_and_home),
            ("desktop to laptop now and then", now_and_then),
            ("train trip", train_trip),
        ] {
            assert_eq!(accused(trap), vec![], "{name}");
        }
    }

    #[test]
    fn the_audit_reports_hand_over_sharing_as_probable_beside_the_proven_bound() {
        let outcome = audit(front_desk(21));
        let finding = &outcome.findings[0];
        assert_eq!(finding.kind, FindingKind::SharedLogin);
        assert_eq!(finding.evidence_class, EvidenceClass::Probable);
        assert_eq!((finding.headcount, finding.headcount_estimate), (1, 2));
        assert_eq!(finding.evidence["estimate"], 2);
        assert!(finding.evidence["summary_fr"]
            .as_str()
            .is_some_and(|text| text.starts_with("probablement 2 personnes")));
        // Seats and advice keep the proven figures unless the company counts probable sharing.
        assert_eq!(outcome.effective.people, 1);
        assert_eq!(outcome.advice.people_observed, 1);
        let input = AuditInput {
            count_probable_sharing: true,
            ..audit_input_of(front_desk(21))
        };
        let counted = audit_company(&input, &AuditSettings::default(), at(40, 0));
        assert_eq!(counted.effective.people, 2);
        assert_eq!(counted.advice.people_observed, 2);
    }

    fn audit_input_of(sessions: Vec<SessionRecord>) -> AuditInput {
        AuditInput {
            plan: SeatPlan::new(Plan::Plus, None),
            users: vec![SeatUser {
                login: LOGIN.into(),
                role: Role::StandardAll,
                active: true,
                external: false,
                created_at: None,
            }],
            sessions,
            duty_actions: Vec::new(),
            self_conflicts: Vec::new(),
            count_probable_sharing: false,
        }
    }

    const AGENTS: [&str; 3] = [WINDOWS_CHROME, MAC_FIREFOX, LINUX_FIREFOX];

    /// `people` people in turn, each on their own workstation, every day of `days` (some days
    /// off); shift changes near fixed hours, with `gaps` minutes between (negative: overlap).
    fn shifts(
        people: usize,
        days: i64,
        off: &[bool],
        jitter: &[i64],
        gaps: &[i64],
    ) -> Vec<SessionRecord> {
        let length = 14 * 60 / people as i64;
        let mut sessions = Vec::new();
        for day in (0..days).filter(|&d| !off[d as usize % off.len()]) {
            let mut start = 6 * 60;
            for person in 0..people {
                let index = (day as usize * people + person) % jitter.len();
                let end = 6 * 60 + length * (person as i64 + 1) + jitter[index];
                sessions.push(use_of(
                    Some(&format!("desk-{person}")),
                    AGENTS[person],
                    day,
                    start,
                    end,
                ));
                start = end + gaps[index % gaps.len()];
            }
        }
        sessions
    }

    proptest::proptest! {
        #[test]
        fn generated_shift_schedules_are_probable_with_the_right_estimate(
            people in 2usize..=3,
            days in 14i64..40,
            off in proptest::collection::vec(proptest::bool::weighted(0.15), 7),
            jitter in proptest::collection::vec(-20i64..=20, 1..12),
            gaps in proptest::collection::vec(-2i64..=15, 1..12),
        ) {
            let sessions = shifts(people, days, &off, &jitter, &gaps);
            let worked = (0..days).filter(|&d| !off[d as usize % off.len()]).count();
            proptest::prop_assume!(worked >= 10);
            let outcome = audit(sessions);
            let login = &outcome.logins[0];
            proptest::prop_assert!(login.headcount.people <= people as u32);
            let found = login.handover.as_ref();
            proptest::prop_assert_eq!(found.map(|h| h.estimate), Some(people as u32));
            let finding = &outcome.findings[0];
            proptest::prop_assert_eq!(finding.headcount_estimate, people as u32);
            proptest::prop_assert_eq!(finding.evidence_class, EvidenceClass::Probable);
        }

        #[test]
        fn the_proven_bound_never_exceeds_the_people_generated(
            people in 1usize..=3,
            days in 1i64..30,
            off in proptest::collection::vec(proptest::bool::ANY, 7),
            jitter in proptest::collection::vec(-60i64..=60, 1..12),
            gaps in proptest::collection::vec(-90i64..=30, 1..12),
        ) {
            let outcome = audit(shifts(people, days, &off, &jitter, &gaps));
            for login in &outcome.logins {
                proptest::prop_assert!(login.headcount.people <= people as u32);
                proptest::prop_assert!(login.estimate() <= people as u32);
            }
            for finding in &outcome.findings {
                proptest::prop_assert!(finding.headcount <= people as u32);
            }
        }

        #[test]
        fn generated_single_person_days_are_never_flagged(
            days in 10i64..60,
            starts in proptest::collection::vec(7 * 60i64..10 * 60, 60),
            ends in proptest::collection::vec(15 * 60i64..18 * 60, 60),
            evenings in proptest::collection::vec(proptest::option::weighted(0.6, (45i64..180, 30i64..180)), 60),
            moves in proptest::collection::vec(proptest::option::weighted(0.25, (10 * 60i64..16 * 60, 0i64..20)), 60),
            phone in proptest::collection::vec(proptest::option::weighted(0.3, 0i64..6 * 60), 60),
        ) {
            let mut sessions = Vec::new();
            // Every day drawn on its own: a person's days differ.
            for day in 0..days {
                let d = day as usize;
                let (start, end) = (starts[d], ends[d]);
                // At work on the desktop, sometimes moving to the laptop for the rest of the day.
                match moves[d] {
                    Some((switch, gap)) if switch > start && switch + gap < end => {
                        sessions.push(use_of(Some("desktop"), WINDOWS_CHROME, day, start, switch));
                        sessions.push(use_of(Some("laptop"), MAC_FIREFOX, day, switch + gap, end));
                    }
                    _ => sessions.push(use_of(Some("desktop"), WINDOWS_CHROME, day, start, end)),
                }
                // Home in the evening, after the commute.
                if let Some((commute, length)) = evenings[d] {
                    let from = end + commute;
                    sessions.push(use_of(Some("laptop"), MAC_FIREFOX, day, from, (from + length).min(24 * 60 - 1)));
                }
                // A look at the phone before work.
                if let Some(minute) = phone[d] {
                    sessions.push(use_of(Some("phone"), IPHONE, day, minute, minute + 10));
                }
            }
            let outcome = audit(sessions);
            let login = &outcome.logins[0];
            proptest::prop_assert_eq!(&login.handover, &None);
            proptest::prop_assert!(outcome
                .findings
                .iter()
                .all(|finding| finding.kind != FindingKind::SharedLogin));
        }
    }
}
