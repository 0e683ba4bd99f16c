//! Days as the company lives them: from a midnight of its time zone to the next (23 or 25
//! hours when the clocks change). The pages count a login's shared days and draw a day's
//! sessions in these days, so that a sign-in at 00:30 in Paris falls on that day, not on the
//! day before as it would in UTC.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// The company's time zone, cutting time into its days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompanyDays(pub Tz);

impl CompanyDays {
    /// Days of UTC, for callers with no company zone at hand.
    pub const UTC: Self = Self(chrono_tz::UTC);

    /// The company's day `at` falls on.
    pub fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// When `day` begins: its midnight, or the first local time after it where a clock change
    /// skipped midnight.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_time(NaiveTime::MIN);
        (0..=3)
            .find_map(|hours| {
                self.0
                    .from_local_datetime(&(midnight + TimeDelta::hours(hours)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc))
    }

    /// `[start, end)` of `day`.
    pub fn window(&self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.start_of(day), self.start_of(day + TimeDelta::days(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).expect("a date")
    }

    #[test]
    fn half_past_midnight_in_paris_is_the_next_day_of_utc() {
        let paris = CompanyDays(chrono_tz::Europe::Paris);
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 23, 30, 0).unwrap();
        assert_eq!(paris.day_of(at), date(12, 2));
        assert_eq!(CompanyDays::UTC.day_of(at), date(12, 1));
        let (start, end) = paris.window(date(12, 2));
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 1, 23, 0, 0).unwrap());
        assert_eq!(end - start, TimeDelta::hours(24));
    }

    #[test]
    fn days_of_a_clock_change_last_23_and_25_hours() {
        let paris = CompanyDays(chrono_tz::Europe::Paris);
        let (start, end) = paris.window(date(3, 29));
        assert_eq!(end - start, TimeDelta::hours(23));
        let (start, end) = paris.window(date(10, 25));
        assert_eq!(end - start, TimeDelta::hours(25));
    }

    #[test]
    fn a_skipped_midnight_begins_the_day_at_the_first_local_time() {
        // Chile moved its clocks from midnight to 01:00 on 6 September 2026.
        let santiago = CompanyDays(chrono_tz::America::Santiago);
        let midnight = date(9, 6).and_time(NaiveTime::MIN);
        assert!(santiago
            .0
            .from_local_datetime(&midnight)
            .earliest()
            .is_none());
        let start = santiago.start_of(date(9, 6));
        assert_eq!(santiago.day_of(start), date(9, 6));
        assert_eq!(santiago.day_of(start - TimeDelta::seconds(1)), date(9, 5));
    }
}
