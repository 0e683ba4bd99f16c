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

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::seats::index::LoginTimeline;
use crate::seats::timeline::SessionRecord;

use shifts::{active_days, cluster, daily_slots, describe, switches, Cluster};
use workstations::workstations;

mod shifts;
#[cfg(test)]
pub(in crate::seats) mod tests;
mod words;
mod workstations;

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
