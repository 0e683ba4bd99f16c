//! Geometry of the pictures the server draws as SVG: seats against the plan limit, and a
//! login's sessions on one day, one lane per device, with the moments several devices
//! worked at once highlighted. Pure functions; the templates only place the shapes.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Timelike, Utc};

/// Width of both pictures, in SVG units.
pub const WIDTH: f64 = 760.0;
const LABEL_WIDTH: f64 = 190.0;
const PLOT_WIDTH: f64 = WIDTH - LABEL_WIDTH - 20.0;
const ROW_HEIGHT: f64 = 34.0;
const TOP: f64 = 28.0;

/// One horizontal bar: a count drawn within the limit, and beyond it in the alarm colour.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatRow {
    pub label: String,
    pub value: u32,
    pub y: f64,
    pub within_width: f64,
    pub over_x: f64,
    pub over_width: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeatChart {
    pub height: f64,
    pub label_width: f64,
    pub limit: u32,
    pub limit_x: f64,
    pub rows: Vec<SeatRow>,
}

/// Bars of `(label, count)` against `limit`, on one scale.
pub fn seat_chart(limit: u32, rows: &[(String, u32)]) -> SeatChart {
    let largest = rows
        .iter()
        .map(|(_, value)| *value)
        .fold(limit, u32::max)
        .max(1);
    let scale = PLOT_WIDTH / f64::from(largest);
    let limit_x = LABEL_WIDTH + f64::from(limit) * scale;
    let rows = rows
        .iter()
        .enumerate()
        .map(|(index, (label, value))| {
            let within = (*value).min(limit);
            let over = value.saturating_sub(limit);
            SeatRow {
                label: label.clone(),
                value: *value,
                y: TOP + index as f64 * ROW_HEIGHT,
                within_width: f64::from(within) * scale,
                over_x: limit_x,
                over_width: f64::from(over) * scale,
            }
        })
        .collect::<Vec<_>>();
    SeatChart {
        height: TOP + rows.len() as f64 * ROW_HEIGHT + 10.0,
        label_width: LABEL_WIDTH,
        limit,
        limit_x,
        rows,
    }
}

/// A session drawn on the timeline: its device's label and when it was in use.
#[derive(Debug, Clone)]
pub struct Span {
    pub device: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub width: f64,
    /// "09:02–11:40", shown as the bar's tooltip.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub device: String,
    pub y: f64,
    pub bars: Vec<Bar>,
}

/// A moment where `devices` devices worked on the login together.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlap {
    pub x: f64,
    pub width: f64,
    pub devices: usize,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub height: f64,
    pub label_width: f64,
    pub plot_right: f64,
    pub lanes: Vec<Lane>,
    pub overlaps: Vec<Overlap>,
    pub ticks: Vec<Tick>,
}

impl Timeline {
    pub fn lanes_bottom(&self) -> f64 {
        self.height - 24.0
    }
}

/// Each device's time in use, by device label.
type DeviceSpans<'a> = BTreeMap<&'a str, Vec<(DateTime<Utc>, DateTime<Utc>)>>;

/// The sessions within `[from, to)`: one lane per device (first started first), bars clipped to
/// the window, and overlaps wherever two devices or more were in use at once. The window is
/// widened to whole hours around the sessions; `clock` writes an instant as the reader's
/// "09:30" (in the company's time zone).
pub fn timeline(
    spans: &[Span],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    clock: impl Fn(DateTime<Utc>) -> String,
) -> Timeline {
    let (from, to) = hour_window(spans, from, to);
    let seconds = (to - from).num_seconds().max(1) as f64;
    let x_of = |at: DateTime<Utc>| {
        let clipped = at.clamp(from, to);
        LABEL_WIDTH + (clipped - from).num_seconds() as f64 / seconds * PLOT_WIDTH
    };
    let mut by_device: DeviceSpans<'_> = BTreeMap::new();
    for span in spans.iter().filter(|s| s.end > from && s.start < to) {
        by_device.entry(span.device.as_str()).or_default().push((
            span.start.max(from),
            span.end.min(to).max(span.start.max(from)),
        ));
    }
    // Lanes in the order the devices started, so a trip reads from top to bottom.
    let mut order: Vec<_> = by_device.iter().collect();
    order.sort_by_key(|(device, spans)| (spans.iter().map(|(start, _)| *start).min(), **device));
    let lanes: Vec<Lane> = order
        .into_iter()
        .enumerate()
        .map(|(index, (device, spans))| Lane {
            device: (*device).to_owned(),
            y: TOP + index as f64 * ROW_HEIGHT,
            bars: spans
                .iter()
                .map(|(start, end)| Bar {
                    x: x_of(*start),
                    width: (x_of(*end) - x_of(*start)).max(2.0),
                    title: format!("{}–{}", clock(*start), clock(*end)),
                })
                .collect(),
        })
        .collect();
    let overlaps = overlaps(&by_device)
        .into_iter()
        .map(|(start, end, devices)| Overlap {
            x: x_of(start),
            width: (x_of(end) - x_of(start)).max(1.0),
            devices,
            title: format!("{}–{}", clock(start), clock(end)),
        })
        .collect();
    let ticks = (0..)
        .map(|hour| from + TimeDelta::hours(hour))
        .take_while(|at| *at <= to)
        .map(|at| Tick {
            x: x_of(at),
            label: clock(at),
        })
        .collect();
    Timeline {
        height: TOP + lanes.len().max(1) as f64 * ROW_HEIGHT + 24.0,
        label_width: LABEL_WIDTH,
        plot_right: LABEL_WIDTH + PLOT_WIDTH,
        lanes,
        overlaps,
        ticks,
    }
}

/// The sessions' extent rounded out to whole hours, within `[from, to)`; the whole window
/// when there is nothing to show.
fn hour_window(
    spans: &[Span],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let inside = spans.iter().filter(|s| s.end > from && s.start < to);
    let start = inside.clone().map(|s| s.start.max(from)).min();
    let end = inside.map(|s| s.end.min(to)).max();
    let (Some(start), Some(end)) = (start, end) else {
        return (from, to);
    };
    let floor = |at: DateTime<Utc>| {
        at.with_minute(0)
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(at)
    };
    let start = floor(start).max(from);
    let end_floor = floor(end);
    let end = if end_floor == end {
        end
    } else {
        end_floor + TimeDelta::hours(1)
    };
    (start, end.min(to).max(start + TimeDelta::hours(1)))
}

/// Periods where two devices or more are in use together, with the most devices seen in
/// each period.
fn overlaps(by_device: &DeviceSpans<'_>) -> Vec<(DateTime<Utc>, DateTime<Utc>, usize)> {
    // +1 at a device's start, -1 at its end, with each device's own sessions merged first
    // so that one device never counts twice.
    let mut edges: Vec<(DateTime<Utc>, i32)> = Vec::new();
    for spans in by_device.values() {
        for (start, end) in merged(spans) {
            edges.push((start, 1));
            edges.push((end, -1));
        }
    }
    // Ends before starts at the same instant: touching sessions do not overlap.
    edges.sort();
    let mut found = Vec::new();
    let mut active = 0_i32;
    let mut open: Option<(DateTime<Utc>, usize)> = None;
    for (at, change) in edges {
        active += change;
        match (&mut open, active >= 2) {
            (None, true) => open = Some((at, active as usize)),
            (Some((_, peak)), true) => *peak = (*peak).max(active as usize),
            (Some((start, peak)), false) => {
                if at > *start {
                    found.push((*start, at, *peak));
                }
                open = None;
            }
            (None, false) => {}
        }
    }
    found
}

fn merged(spans: &[(DateTime<Utc>, DateTime<Utc>)]) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut sorted = spans.to_vec();
    sorted.sort();
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for (start, end) in sorted {
        match out.last_mut() {
            Some((_, last_end)) if start <= *last_end => *last_end = (*last_end).max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, hour, minute, 0).unwrap()
    }

    fn span(device: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Span {
        Span {
            device: device.into(),
            start,
            end,
        }
    }

    fn utc(at: DateTime<Utc>) -> String {
        at.format("%H:%M").to_string()
    }

    fn day() -> (DateTime<Utc>, DateTime<Utc>) {
        (at(0, 0), at(0, 0) + TimeDelta::days(1))
    }

    #[test]
    fn two_devices_at_work_together_are_one_highlighted_overlap() {
        let (from, to) = day();
        let chart = timeline(
            &[
                span("pc-2", at(9, 30), at(12, 0)),
                span("pc-1", at(8, 30), at(11, 0)),
            ],
            from,
            to,
            utc,
        );
        let devices: Vec<&str> = chart.lanes.iter().map(|l| l.device.as_str()).collect();
        assert_eq!(devices, ["pc-1", "pc-2"]);
        assert_eq!(chart.overlaps.len(), 1);
        let overlap = &chart.overlaps[0];
        assert_eq!(overlap.title, "09:30–11:00");
        assert_eq!(overlap.devices, 2);
        // The window is 08:00 to 12:00: the overlap covers 1.5 of its 4 hours.
        let expected_width = PLOT_WIDTH * 1.5 / 4.0;
        assert!((overlap.width - expected_width).abs() < 0.01, "{overlap:?}");
        assert_eq!(chart.ticks.first().map(|t| t.label.as_str()), Some("08:00"));
        assert_eq!(chart.ticks.last().map(|t| t.label.as_str()), Some("12:00"));
    }

    #[test]
    fn one_device_alone_or_in_turns_overlaps_nothing() {
        let (from, to) = day();
        let alone = timeline(
            &[
                span("pc-1", at(8, 0), at(10, 0)),
                span("pc-1", at(9, 0), at(11, 0)),
            ],
            from,
            to,
            utc,
        );
        assert!(alone.overlaps.is_empty());
        assert_eq!(alone.lanes.len(), 1);
        let turns = timeline(
            &[
                span("pc-1", at(8, 0), at(10, 0)),
                span("pc-2", at(10, 0), at(11, 0)),
            ],
            from,
            to,
            utc,
        );
        assert!(turns.overlaps.is_empty());
    }

    #[test]
    fn three_devices_report_their_peak() {
        let (from, to) = day();
        let chart = timeline(
            &[
                span("a", at(8, 30), at(12, 0)),
                span("b", at(8, 37), at(12, 0)),
                span("c", at(8, 44), at(12, 0)),
            ],
            from,
            to,
            utc,
        );
        assert_eq!(chart.overlaps.len(), 1);
        assert_eq!(chart.overlaps[0].devices, 3);
        assert_eq!(chart.overlaps[0].title, "08:37–12:00");
    }

    #[test]
    fn seats_beyond_the_limit_are_drawn_past_its_mark() {
        let chart = seat_chart(5, &[("billable".into(), 5), ("people".into(), 9)]);
        let (billable, people) = (&chart.rows[0], &chart.rows[1]);
        assert_eq!(billable.over_width, 0.0);
        assert!((billable.within_width - PLOT_WIDTH * 5.0 / 9.0).abs() < 0.01);
        assert!((people.over_width - PLOT_WIDTH * 4.0 / 9.0).abs() < 0.01);
        assert!((chart.limit_x - people.over_x).abs() < f64::EPSILON);
    }
}
