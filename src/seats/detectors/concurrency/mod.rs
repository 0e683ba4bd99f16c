//! Concurrent use: the greatest number of distinct devices working on one login at the same
//! moment, with the window that proves it.
//!
//! Sessions of one device are merged first (two tabs on one laptop are one person). A person
//! closing the laptop and opening the phone overlaps for a moment, so overlaps no longer than
//! the device-switch grace are ignored. Delaying every device's start by the grace does exactly
//! that: the common window of any set of intervals is [max start, min end], and
//! max(start + grace) = max(start) + grace, so every overlap, of any number of devices, shrinks
//! by exactly the grace. A plain sweep over the delayed intervals then counts only overlaps
//! longer than the grace. Sort plus sweep: O(n log n).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::seats::explain;
use crate::seats::index::{LoginTimeline, SessionRef};
use crate::seats::timeline::SessionRecord;

/// Concurrent use of one login.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concurrency {
    /// Most distinct devices in use together beyond the grace; 1 for a login used from one
    /// device at a time, 0 without sessions.
    pub max_devices: u32,
    /// The longest window where `max_devices` devices were all working (when 2 or more).
    pub peak: Option<SharedWindow>,
    /// How many separate periods had two or more devices working together.
    pub shared_periods: u32,
    /// Start of the first such period.
    pub first_shared_at: Option<DateTime<Utc>>,
    /// End of the last such period.
    pub last_shared_at: Option<DateTime<Utc>>,
}

/// Devices all working on one login during one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub duration_seconds: i64,
    pub devices: Vec<String>,
    pub sessions: Vec<SessionRef>,
}

/// Use of one device: its sessions merged.
#[derive(Debug, Clone, Copy)]
struct DeviceSpan {
    start: i64,
    end: i64,
    device: u32,
}

/// Measure concurrent use of one login; `grace_seconds` below zero counts as zero.
pub fn measure(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    grace_seconds: i64,
) -> Concurrency {
    let grace = grace_seconds.max(0);
    let devices = device_spans(timeline);
    let sweep = sweep(&devices, grace);
    let in_use = u32::from(!timeline.spans.is_empty());
    let peak = match sweep.peak {
        Some((at, _)) if sweep.max >= 2 => {
            Some(shared_window(timeline, sessions, &devices, grace, at))
        }
        _ => None,
    };
    Concurrency {
        max_devices: sweep.max.max(in_use),
        peak,
        shared_periods: sweep.periods,
        // The sweep works on delayed starts; the real overlap began one grace earlier.
        first_shared_at: sweep
            .first_shared
            .map(|at| explain::instant(at.saturating_sub(grace))),
        last_shared_at: sweep.last_shared.map(explain::instant),
    }
}

/// Sessions merged per device: overlapping or touching sessions of one device are one use.
fn device_spans(timeline: &LoginTimeline<'_>) -> Vec<DeviceSpan> {
    let mut sorted: Vec<DeviceSpan> = timeline
        .spans
        .iter()
        .map(|span| DeviceSpan {
            start: span.start,
            end: span.end,
            device: span.device,
        })
        .collect();
    sorted.sort_unstable_by_key(|span| (span.device, span.start));
    let mut merged: Vec<DeviceSpan> = Vec::with_capacity(sorted.len());
    for span in sorted {
        match merged.last_mut() {
            Some(last) if last.device == span.device && span.start <= last.end => {
                last.end = last.end.max(span.end);
            }
            _ => merged.push(span),
        }
    }
    merged
}

/// Result of the sweep, in delayed-start seconds.
#[derive(Debug, Default)]
struct Sweep {
    max: u32,
    /// Longest stretch at `max` (earliest on ties).
    peak: Option<(i64, i64)>,
    first_shared: Option<i64>,
    last_shared: Option<i64>,
    periods: u32,
}

impl Sweep {
    /// Account for the count changing from `before` to `after` at `at`, holding until `next`.
    fn record(&mut self, at: i64, before: u32, after: u32, next: Option<i64>) {
        if before < 2 && after >= 2 {
            self.periods += 1;
            self.first_shared.get_or_insert(at);
        }
        if before >= 2 && after < 2 {
            self.last_shared = Some(at);
        }
        let Some(next) = next else { return };
        if after == 0 {
            return;
        }
        let longer = self.peak.is_none_or(|(start, end)| next - at > end - start);
        if after > self.max || (after == self.max && longer) {
            self.max = after;
            self.peak = Some((at, next));
        }
    }
}

fn sweep(devices: &[DeviceSpan], grace: i64) -> Sweep {
    let mut events: Vec<(i64, i32)> = Vec::with_capacity(devices.len() * 2);
    for span in devices {
        let start = span.start.saturating_add(grace);
        // A device used no longer than the grace can never overlap beyond it.
        if start < span.end {
            events.push((start, 1));
            events.push((span.end, -1));
        }
    }
    // Ends sort before starts at the same second: intervals are half-open, so back-to-back
    // sessions do not overlap.
    events.sort_unstable();
    let mut result = Sweep::default();
    let mut count: u32 = 0;
    let mut i = 0;
    while let Some(&(at, _)) = events.get(i) {
        let before = count;
        while let Some(&(time, delta)) = events.get(i) {
            if time != at {
                break;
            }
            count = count.saturating_add_signed(delta);
            i += 1;
        }
        result.record(at, before, count, events.get(i).map(|event| event.0));
    }
    result
}

/// The devices working at delayed time `at`, and their real common window.
fn shared_window(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    devices: &[DeviceSpan],
    grace: i64,
    at: i64,
) -> SharedWindow {
    let members: Vec<&DeviceSpan> = devices
        .iter()
        .filter(|span| span.start.saturating_add(grace) <= at && at < span.end)
        .collect();
    let start = members.iter().map(|span| span.start).max().unwrap_or(at);
    let end = members.iter().map(|span| span.end).min().unwrap_or(at);
    let is_member = |device: u32| members.iter().any(|span| span.device == device);
    let involved = timeline
        .spans
        .iter()
        .filter(|span| is_member(span.device) && span.start < end && start < span.end)
        .filter_map(|span| timeline.session_ref(sessions, span))
        .collect();
    SharedWindow {
        start: explain::instant(start),
        end: explain::instant(end),
        duration_seconds: end - start,
        devices: members
            .iter()
            .map(|span| timeline.device_label(span.device))
            .collect(),
        sessions: involved,
    }
}

impl SharedWindow {
    /// "device a and device b were all working on this login from ... (2 h 38 min)".
    pub fn explanation(&self) -> String {
        let together = if self.devices.len() == 2 {
            "both"
        } else {
            "all"
        };
        format!(
            "{} were {together} working on this login {} ({})",
            explain::list(&self.devices),
            explain::window(self.start, self.end),
            explain::duration(self.duration_seconds)
        )
    }
}

#[cfg(test)]
pub(in crate::seats) mod tests;
