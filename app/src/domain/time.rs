//! Points in time as Unix seconds, stored the same way on every database backend.

use serde::{Deserialize, Serialize};

/// Seconds since 1970-01-01 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Wraps Unix seconds.
    pub const fn from_unix(secs: i64) -> Self {
        Self(secs)
    }

    /// Unix seconds.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// This moment moved by a number of seconds (negative goes back).
    pub const fn plus_seconds(self, secs: i64) -> Self {
        Self(self.0 + secs)
    }

    /// The calendar date (UTC) as (year, month 1–12, day 1–31).
    pub fn date(self) -> (i64, u32, u32) {
        civil_from_days(self.0.div_euclid(86_400))
    }

    /// The midnight (UTC) that starts a calendar date.
    pub fn from_date(year: i64, month: u32, day: u32) -> Self {
        Self(days_from_civil(year, month, day) * 86_400)
    }

    /// Parses a YYYY-MM-DD date (as `<input type="date">` sends it) into its midnight UTC.
    pub fn parse_date(input: &str) -> Result<Self, &'static str> {
        const MESSAGE: &str = "Enter a date like 2026-03-31.";
        let mut parts = input.trim().splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(MESSAGE);
        };
        let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>())
        else {
            return Err(MESSAGE);
        };
        if !(2000..=2100).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return Err(MESSAGE);
        }
        let ts = Self::from_date(year, month, day);
        // Reject days past the month's end (2026-02-30 would roll over).
        if ts.date() != (year, month, day) {
            return Err(MESSAGE);
        }
        Ok(ts)
    }

    /// The (year, month) this moment falls in (UTC), as card expiry checks take it.
    pub fn year_month(self) -> (i32, u32) {
        let (y, m, _) = self.date();
        (i32::try_from(y).unwrap_or(i32::MAX), m)
    }

    /// The moment as "YYYY-MM-DD HH:MM UTC".
    pub fn date_time(self) -> String {
        let secs = self.0.rem_euclid(86_400);
        format!(
            "{} {:02}:{:02} UTC",
            self.iso_date(),
            secs / 3600,
            (secs % 3600) / 60
        )
    }

    /// The date as YYYY-MM-DD (UTC).
    pub fn iso_date(self) -> String {
        let (y, m, d) = self.date();
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date for a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn moments_show_as_date_and_minute_in_utc_and_give_their_month() {
        let ts = Timestamp::from_date(2026, 11, 27).plus_seconds(8 * 3600 + 3 * 60 + 59);
        assert_eq!(ts.date_time(), "2026-11-27 08:03 UTC");
        assert_eq!(ts.year_month(), (2026, 11));
        assert_eq!(
            Timestamp::from_date(2027, 1, 1)
                .plus_seconds(-1)
                .year_month(),
            (2026, 12)
        );
    }

    #[test]
    fn known_dates_convert_both_ways() {
        assert_eq!(Timestamp::from_unix(0).iso_date(), "1970-01-01");
        assert_eq!(Timestamp::from_date(2024, 2, 29).unix(), 1_709_164_800);
        assert_eq!(
            Timestamp::from_unix(1_709_164_800 + 86_399).iso_date(),
            "2024-02-29"
        );
    }

    #[test]
    fn dates_from_forms_are_checked() {
        assert_eq!(
            Timestamp::parse_date("2024-02-29").map(Timestamp::iso_date),
            Ok("2024-02-29".into())
        );
        assert!(Timestamp::parse_date("2026-02-29").is_err());
        assert!(Timestamp::parse_date("2026-13-01").is_err());
        assert!(Timestamp::parse_date("tomorrow").is_err());
        assert!(Timestamp::parse_date("").is_err());
    }

    proptest! {
        #[test]
        fn a_date_survives_the_round_trip(days in -100_000i64..100_000) {
            let ts = Timestamp::from_unix(days * 86_400);
            let (y, m, d) = ts.date();
            prop_assert_eq!(Timestamp::from_date(y, m, d), ts);
        }
    }
}
