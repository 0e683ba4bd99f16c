//! A workstation's daily slot, the switches from one slot to the next, the switches that
//! come back at about one time of day, and the hand-over they describe.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Fingerprint, Handover, RegularSwitch, RotationDevice, DAY_MINUTES, DAY_SECONDS};
use crate::seats::explain;
use crate::seats::index::LoginTimeline;
use crate::seats::timeline::DeviceKey;

/// One device's use on one day, Unix seconds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    pub(super) day: i64,
    pub(super) device: u32,
    pub(super) start: i64,
    pub(super) end: i64,
}

/// Workstation slots long enough, sorted by (day, start).
pub(super) fn daily_slots(
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
pub(super) struct Switch {
    pub(super) day: i64,
    /// The middle of the gap, Unix seconds.
    pub(super) at: i64,
}

/// Hand-overs by (from device, to device): each next slot of a day against the slot that
/// ends last before it.
pub(super) fn switches(
    slots: &[Slot],
    max_gap: i64,
    grace: i64,
) -> BTreeMap<(u32, u32), Vec<Switch>> {
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
pub(super) struct Cluster {
    pub(super) pair: (u32, u32),
    /// Minute of the day (UTC) of the usual switch.
    pub(super) usual_minute: i64,
    pub(super) members: Vec<Switch>,
}

pub(super) fn minute_of_day(at: i64) -> i64 {
    at.rem_euclid(DAY_SECONDS) / 60
}

/// Signed distance from `center` to `minute` around the clock, in [-720, 720).
fn around_the_clock(minute: i64, center: i64) -> i64 {
    (minute - center + DAY_MINUTES / 2).rem_euclid(DAY_MINUTES) - DAY_MINUTES / 2
}

/// The largest set of switches within the tolerance of one of them, and their median time.
pub(super) fn cluster(pair: (u32, u32), switches: &[Switch], tolerance: i64) -> Cluster {
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

pub(super) fn median(mut values: Vec<i64>) -> i64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

/// Days with any session of the login.
pub(super) fn active_days(timeline: &LoginTimeline<'_>) -> usize {
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

pub(super) fn describe(
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
