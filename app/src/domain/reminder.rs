//! Expiry reminders: which one a saved card is due at a given moment. A card works through the
//! last day (UTC) of its expiry month; the first reminder is due 30 days before that end, the
//! second once the card has expired (for a month; cards that expired long before get none).

use super::{Timestamp, card::Expiry};

/// Days before a card stops working when the first reminder is due.
pub const DAYS_BEFORE: i64 = 30;
/// Days after a card stopped working during which the "expired" reminder still goes out.
pub const DAYS_AFTER: i64 = 31;

const DAY: i64 = 86_400;

/// The two reminders a card can get for one expiry date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExpiryReminder {
    /// The card stops working within [`DAYS_BEFORE`] days.
    Soon,
    /// The card has stopped working.
    Expired,
}

impl ExpiryReminder {
    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            ExpiryReminder::Soon => "expires_soon",
            ExpiryReminder::Expired => "expired",
        }
    }
}

/// The first moment a card with this expiry no longer works: midnight UTC after its month.
pub fn end_of(expiry: Expiry) -> Timestamp {
    let (year, month) = if expiry.month >= 12 {
        (i64::from(expiry.year) + 1, 1)
    } else {
        (i64::from(expiry.year), expiry.month + 1)
    };
    Timestamp::from_date(year, month, 1)
}

/// The reminder due at `now` for a card with `expiry`, if any.
pub fn due(expiry: Expiry, now: Timestamp) -> Option<ExpiryReminder> {
    let end = end_of(expiry);
    if now >= end {
        (now < end.plus_seconds(DAYS_AFTER * DAY)).then_some(ExpiryReminder::Expired)
    } else if now >= end.plus_seconds(-DAYS_BEFORE * DAY) {
        Some(ExpiryReminder::Soon)
    } else {
        None
    }
}

/// The months (as `year * 12 + month`) whose cards may be due at `now`: from those that expired
/// up to [`DAYS_AFTER`] days ago to those that expire next month.
pub fn month_window(now: Timestamp) -> (i64, i64) {
    let index = |t: Timestamp| {
        let (year, month, _) = t.date();
        year * 12 + i64::from(month)
    };
    (
        index(now.plus_seconds(-(DAYS_AFTER + 1) * DAY)),
        index(now.plus_seconds((DAYS_BEFORE + 1) * DAY)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i64, month: u32, day: u32) -> Timestamp {
        Timestamp::from_date(year, month, day)
    }

    const MARCH_2027: Expiry = Expiry {
        year: 2027,
        month: 3,
    };

    #[test]
    fn a_card_is_good_through_the_last_day_of_its_month() {
        assert_eq!(end_of(MARCH_2027), at(2027, 4, 1));
        assert_eq!(
            end_of(Expiry {
                year: 2027,
                month: 12
            }),
            at(2028, 1, 1)
        );
    }

    #[test]
    fn the_first_reminder_is_due_30_days_before_the_end_and_the_second_once_expired() {
        assert_eq!(due(MARCH_2027, at(2027, 3, 1)), None);
        assert_eq!(due(MARCH_2027, at(2027, 3, 2)), Some(ExpiryReminder::Soon));
        assert_eq!(
            due(MARCH_2027, at(2027, 4, 1).plus_seconds(-1)),
            Some(ExpiryReminder::Soon)
        );
        assert_eq!(
            due(MARCH_2027, at(2027, 4, 1)),
            Some(ExpiryReminder::Expired)
        );
        assert_eq!(
            due(MARCH_2027, at(2027, 5, 1)),
            Some(ExpiryReminder::Expired)
        );
        assert_eq!(due(MARCH_2027, at(2027, 5, 2)), None);
        assert_eq!(due(MARCH_2027, at(2026, 12, 25)), None);
    }

    #[test]
    fn every_due_card_falls_in_the_month_window() {
        for (year, month) in [(2026, 11), (2026, 12), (2027, 1), (2027, 2)] {
            for day in [1, 15, 28] {
                let now = at(year, month, day);
                let (from, to) = month_window(now);
                for expiry_index in (from - 3)..=(to + 3) {
                    let expiry = Expiry {
                        year: i32::try_from((expiry_index - 1).div_euclid(12)).expect("year"),
                        month: u32::try_from((expiry_index - 1).rem_euclid(12) + 1).expect("month"),
                    };
                    if due(expiry, now).is_some() {
                        assert!((from..=to).contains(&expiry_index), "{expiry:?} at {now:?}");
                    }
                }
            }
        }
    }
}
