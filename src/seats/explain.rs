//! Words for evidence. A finding accuses a person; it must say what was seen in plain words
//! ("these two devices were both working on this login from 9:02 to 11:40 on Tuesday"), not
//! only in numbers.

use chrono::{DateTime, Utc};

/// Unix seconds back to an instant. Every value given here came from a valid instant, so the
/// fallback (the epoch) is unreachable in practice and keeps the auditor free of panics.
pub fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// "Tue 2025-03-04 09:02 UTC".
pub fn moment(at: DateTime<Utc>) -> String {
    at.format("%a %Y-%m-%d %H:%M UTC").to_string()
}

/// "from Tue 2025-03-04 09:02 to 11:40 UTC", naming the second day only when it differs.
pub fn window(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    if start.date_naive() == end.date_naive() {
        format!(
            "from {} to {} UTC",
            start.format("%a %Y-%m-%d %H:%M"),
            end.format("%H:%M")
        )
    } else {
        format!("from {} to {}", moment(start), moment(end))
    }
}

/// "2 h 38 min", "45 min", "20 s".
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    match (seconds / 3600, (seconds % 3600) / 60) {
        (0, 0) => format!("{seconds} s"),
        (0, minutes) => format!("{minutes} min"),
        (hours, 0) => format!("{hours} h"),
        (hours, minutes) => format!("{hours} h {minutes} min"),
    }
}

/// "a", "a and b", "a, b and c".
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, day, hour, minute, 0)
            .single()
            .expect("valid test time")
    }

    #[test]
    fn windows_read_naturally() {
        assert_eq!(
            window(at(4, 9, 2), at(4, 11, 40)),
            "from Tue 2025-03-04 09:02 to 11:40 UTC"
        );
        assert_eq!(
            window(at(4, 23, 0), at(5, 1, 0)),
            "from Tue 2025-03-04 23:00 UTC to Wed 2025-03-05 01:00 UTC"
        );
    }

    #[test]
    fn durations_and_lists() {
        assert_eq!(duration(20), "20 s");
        assert_eq!(duration(45 * 60), "45 min");
        assert_eq!(duration(7200), "2 h");
        assert_eq!(duration(9480), "2 h 38 min");
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a".into()]), "a");
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
        assert_eq!(instant(at(4, 9, 2).timestamp()), at(4, 9, 2));
    }
}
