//! Duty spread: one login acting in several duty groups (sales, purchases, accounting) from
//! sessions on distinct devices that were in use at the same time.
//!
//! One person doing sales in the morning and purchases in the afternoon is no evidence; two
//! devices doing sales and purchases at the same moment are. Overlaps no longer than the
//! device-switch grace are ignored, exactly as for concurrent use (starts delayed by the
//! grace, see `concurrency`). A sweep with counters answers "is some other device, acting in
//! another duty group, in use right now?" in O(1), so the whole signal is O(n log n).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};

use crate::seats::explain;
use crate::seats::index::{LoginTimeline, SessionRef};
use crate::seats::timeline::SessionRecord;

/// Most overlaps kept as evidence per login; more add nothing to the proof.
const MAX_OVERLAPS: usize = 5;

/// What kind of work an action is. Sales, purchases and accounting are the duties kept apart;
/// reports and timesheets only tell the seat advisor which role a person needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyGroup {
    Sales,
    Purchases,
    Accounting,
    Reports,
    Time,
}

impl DutyGroup {
    pub const ALL: [DutyGroup; 5] = [
        DutyGroup::Sales,
        DutyGroup::Purchases,
        DutyGroup::Accounting,
        DutyGroup::Reports,
        DutyGroup::Time,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DutyGroup::Sales => "sales",
            DutyGroup::Purchases => "purchases",
            DutyGroup::Accounting => "accounting",
            DutyGroup::Reports => "reports",
            DutyGroup::Time => "time",
        }
    }

    pub fn is_duty(self) -> bool {
        matches!(
            self,
            DutyGroup::Sales | DutyGroup::Purchases | DutyGroup::Accounting
        )
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of duty groups (serialized as a list of names).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DutySet(u8);

impl DutySet {
    pub fn with(self, group: DutyGroup) -> DutySet {
        DutySet(self.0 | group.bit())
    }

    pub fn contains(self, group: DutyGroup) -> bool {
        self.0 & group.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn iter(self) -> impl Iterator<Item = DutyGroup> {
        DutyGroup::ALL
            .into_iter()
            .filter(move |g| self.contains(*g))
    }

    pub fn union(self, other: DutySet) -> DutySet {
        DutySet(self.0 | other.0)
    }

    /// Only sales, purchases and accounting.
    pub fn duties(self) -> DutySet {
        self.iter().filter(|g| g.is_duty()).collect()
    }

    /// The group when the set holds exactly one.
    pub fn single(self) -> Option<DutyGroup> {
        let mut groups = self.iter();
        match (groups.next(), groups.next()) {
            (Some(group), None) => Some(group),
            _ => None,
        }
    }
}

impl FromIterator<DutyGroup> for DutySet {
    fn from_iter<I: IntoIterator<Item = DutyGroup>>(groups: I) -> Self {
        groups.into_iter().fold(DutySet::default(), DutySet::with)
    }
}

impl Serialize for DutySet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// One action of the accounting core (or another app), classified by duty group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyAction {
    pub login: String,
    pub session_id: String,
    pub at: DateTime<Utc>,
    pub group: DutyGroup,
}

/// A session and the duties it acted in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DutySession {
    pub session: SessionRef,
    pub groups: DutySet,
}

/// Two devices acting in different duty groups at the same time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DutyOverlap {
    pub first: DutySession,
    pub second: DutySession,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub duration_seconds: i64,
}

impl DutyOverlap {
    pub fn explanation(&self) -> String {
        let doing = |side: &DutySession| {
            let names: Vec<String> = side.groups.iter().map(|g| g.as_str().to_string()).collect();
            format!("{} (doing {})", side.session.device, explain::list(&names))
        };
        format!(
            "{} and {} were working on this login at the same time, {}",
            doing(&self.first),
            doing(&self.second),
            explain::window(self.start, self.end)
        )
    }
}

/// Duty spread of one login.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DutySpread {
    /// Every group this login acted in (what its work needs).
    pub groups: DutySet,
    /// Evidence, at most a handful.
    pub overlaps: Vec<DutyOverlap>,
    /// Sessions that began while another device was acting in another duty group.
    pub overlapping_sessions: u32,
}

/// A session that acted in at least one duty, as the sweep sees it.
struct Entry {
    start: i64,
    end: i64,
    device: u32,
    duties: DutySet,
    span: usize,
}

/// Duty spread of one login from its actions (actions of other logins must not be given).
pub fn duty_spread(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    actions: &[&DutyAction],
    grace_seconds: i64,
) -> DutySpread {
    let groups: DutySet = actions.iter().map(|action| action.group).collect();
    let mut spread = DutySpread {
        groups,
        ..DutySpread::default()
    };
    if groups.duties().len() < 2 {
        return spread;
    }
    let entries = entries(timeline, sessions, actions, grace_seconds.max(0));
    let mut events: Vec<(i64, bool, usize)> = Vec::with_capacity(entries.len() * 2);
    for (index, entry) in entries.iter().enumerate() {
        events.push((entry.start, true, index));
        events.push((entry.end, false, index));
    }
    // Ends (false) before starts at the same second: half-open intervals.
    events.sort_unstable();
    let mut active = ActiveSet::new(entries.len(), timeline.devices.len());
    for (_, is_start, index) in events {
        let entry = &entries[index];
        if !is_start {
            active.remove(index, entry);
            continue;
        }
        if active.has_partner(entry) {
            spread.overlapping_sessions += 1;
            if spread.overlaps.len() < MAX_OVERLAPS {
                let partner = active.partner(&entries, entry);
                let overlap = partner.and_then(|p| overlap(timeline, sessions, p, entry));
                spread.overlaps.extend(overlap);
            }
        }
        active.add(index, entry);
    }
    spread
}

/// Sessions with duty actions, starts delayed by the grace; spans that cannot outlast the
/// grace are dropped.
fn entries(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    actions: &[&DutyAction],
    grace: i64,
) -> Vec<Entry> {
    let by_id: HashMap<&str, usize> = timeline
        .spans
        .iter()
        .enumerate()
        .filter_map(|(index, span)| Some((sessions.get(span.session)?.session_id.as_str(), index)))
        .collect();
    let mut duties = vec![DutySet::default(); timeline.spans.len()];
    for action in actions.iter().filter(|a| a.group.is_duty()) {
        // An action naming an unknown session proves nothing about devices.
        if let Some(&index) = by_id.get(action.session_id.as_str()) {
            duties[index] = duties[index].with(action.group);
        }
    }
    timeline
        .spans
        .iter()
        .zip(duties)
        .enumerate()
        .filter(|(_, (span, set))| !set.is_empty() && span.start.saturating_add(grace) < span.end)
        .map(|(index, (span, set))| Entry {
            start: span.start.saturating_add(grace),
            end: span.end,
            device: span.device,
            duties: set,
            span: index,
        })
        .collect()
}

/// Sessions in use at the sweep's current moment, with counters by device and by single duty.
struct ActiveSet {
    list: Vec<usize>,
    position: Vec<usize>,
    by_device: Vec<u32>,
    /// Active entries whose duties are exactly one group, by group.
    single: [u32; 3],
    /// The same, per device (device * 3 + group).
    device_single: Vec<u32>,
}

impl ActiveSet {
    fn new(entries: usize, devices: usize) -> ActiveSet {
        ActiveSet {
            list: Vec::new(),
            position: vec![0; entries],
            by_device: vec![0; devices],
            single: [0; 3],
            device_single: vec![0; devices * 3],
        }
    }

    fn add(&mut self, index: usize, entry: &Entry) {
        self.position[index] = self.list.len();
        self.list.push(index);
        self.count(entry, 1);
    }

    fn remove(&mut self, index: usize, entry: &Entry) {
        let at = self.position[index];
        self.list.swap_remove(at);
        if let Some(&moved) = self.list.get(at) {
            self.position[moved] = at;
        }
        self.count(entry, -1);
    }

    fn count(&mut self, entry: &Entry, delta: i32) {
        let device = entry.device as usize;
        self.by_device[device] = self.by_device[device].saturating_add_signed(delta);
        if let Some(group) = entry.duties.single() {
            let g = group as usize;
            self.single[g] = self.single[g].saturating_add_signed(delta);
            let slot = &mut self.device_single[device * 3 + g];
            *slot = slot.saturating_add_signed(delta);
        }
    }

    /// Two sessions prove duty spread unless they share a device or both did the one same
    /// duty; count the active sessions that escape both.
    fn has_partner(&self, entry: &Entry) -> bool {
        let device = entry.device as usize;
        let other_devices = self.list.len() as u32 - self.by_device[device];
        match entry.duties.single() {
            Some(group) => {
                let g = group as usize;
                let same_duty_elsewhere = self.single[g] - self.device_single[device * 3 + g];
                other_devices > same_duty_elsewhere
            }
            None => other_devices > 0,
        }
    }

    fn partner<'e>(&self, entries: &'e [Entry], entry: &Entry) -> Option<&'e Entry> {
        let same_single = |other: &Entry| {
            other.duties.single().is_some() && other.duties.single() == entry.duties.single()
        };
        self.list
            .iter()
            .map(|&index| &entries[index])
            .find(|other| other.device != entry.device && !same_single(other))
    }
}

fn overlap(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    first: &Entry,
    second: &Entry,
) -> Option<DutyOverlap> {
    let side = |entry: &Entry| -> Option<(DutySession, i64)> {
        let span = timeline.spans.get(entry.span)?;
        let session = timeline.session_ref(sessions, span)?;
        Some((
            DutySession {
                session,
                groups: entry.duties,
            },
            span.start,
        ))
    };
    let ((first_side, first_start), (second_side, second_start)) = (side(first)?, side(second)?);
    let (start, end) = (first_start.max(second_start), first.end.min(second.end));
    Some(DutyOverlap {
        first: first_side,
        second: second_side,
        start: explain::instant(start),
        end: explain::instant(end),
        duration_seconds: end - start,
    })
}

#[cfg(test)]
mod tests;
