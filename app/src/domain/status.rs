//! Where invoices, jobs and payment attempts stand, and what happened to a card: each with its
//! stored name and the one label people see.

use super::{Cents, StaffId};

/// A status with a fixed stored name per value; it travels between server and browser as that name.
pub trait Named: Sized + Copy + 'static {
    /// Every value.
    const ALL: &'static [Self];
    /// The stored name.
    fn as_str(self) -> &'static str;
    /// The value with this stored name.
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// Serde by stored name: one small string codec instead of derived enum visitors in the wasm.
macro_rules! serde_by_name {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(Named::as_str(*self))
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$t as Named>::parse(&name)
                    .ok_or_else(|| serde::de::Error::custom("unknown status"))
            }
        }
    )*};
}
serde_by_name!(InvoiceStatus, JobStatus, AttemptStatus, CardAction);

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    /// Nothing paid yet.
    Open,
    /// Some paid, some owed.
    PartiallyPaid,
    /// Fully paid.
    Paid,
    /// Cancelled by the office.
    Void,
}

impl Named for InvoiceStatus {
    const ALL: &'static [Self] = &[
        InvoiceStatus::Open,
        InvoiceStatus::PartiallyPaid,
        InvoiceStatus::Paid,
        InvoiceStatus::Void,
    ];

    fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Open => "open",
            InvoiceStatus::PartiallyPaid => "partially_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
        }
    }
}

impl InvoiceStatus {
    /// The status of an invoice with this total, amount paid and void flag.
    pub fn of(total: Cents, paid: Cents, voided: bool) -> Self {
        if voided {
            InvoiceStatus::Void
        } else if paid >= total {
            InvoiceStatus::Paid
        } else if paid > Cents::ZERO {
            InvoiceStatus::PartiallyPaid
        } else {
            InvoiceStatus::Open
        }
    }

    /// What customers and staff read.
    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Open => "Open",
            InvoiceStatus::PartiallyPaid => "Partially paid",
            InvoiceStatus::Paid => "Paid",
            InvoiceStatus::Void => "Void",
        }
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Booked, not done yet.
    Scheduled,
    /// Work done.
    Completed,
    /// Called off.
    Cancelled,
}

/// In the order the office form lists them; the stored name is also the form value.
impl Named for JobStatus {
    const ALL: &'static [Self] = &[
        JobStatus::Scheduled,
        JobStatus::Completed,
        JobStatus::Cancelled,
    ];

    fn as_str(self) -> &'static str {
        match self {
            JobStatus::Scheduled => "scheduled",
            JobStatus::Completed => "completed",
            JobStatus::Cancelled => "cancelled",
        }
    }
}

impl JobStatus {
    /// What customers and staff read.
    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Scheduled => "Scheduled",
            JobStatus::Completed => "Completed",
            JobStatus::Cancelled => "Cancelled",
        }
    }
}

/// Where one try to pay an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    /// Stored; the processor's answer is not recorded yet.
    Pending,
    /// Charged; a payment row exists.
    Approved,
    /// The card was declined.
    Declined,
    /// The card could not be charged at all (e.g. its token is gone).
    Failed,
}

impl Named for AttemptStatus {
    const ALL: &'static [Self] = &[
        AttemptStatus::Pending,
        AttemptStatus::Approved,
        AttemptStatus::Declined,
        AttemptStatus::Failed,
    ];

    fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Pending => "pending",
            AttemptStatus::Approved => "approved",
            AttemptStatus::Declined => "declined",
            AttemptStatus::Failed => "failed",
        }
    }
}

impl AttemptStatus {
    /// What customers and staff read.
    pub fn label(self) -> &'static str {
        match self {
            AttemptStatus::Pending => "In progress",
            AttemptStatus::Approved => "Paid",
            AttemptStatus::Declined => "Declined",
            AttemptStatus::Failed => "Failed",
        }
    }

    /// The label with what happened to a paid amount since: "Paid · $5.00 refunded", "Refunded",
    /// "Paid · Disputed".
    pub fn with_aftermath(self, amount: Cents, refunded: Cents, disputed: bool) -> String {
        let mut label = if self != AttemptStatus::Approved || refunded <= Cents::ZERO {
            self.label().to_owned()
        } else if refunded >= amount {
            "Refunded".to_owned()
        } else {
            format!("{} · {refunded} refunded", self.label())
        };
        if disputed {
            label.push_str(" · Disputed");
        }
        label
    }
}

/// What happened to a saved card, as its history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAction {
    /// Saved for the first time.
    Added,
    /// Made primary.
    SetPrimary,
    /// Expiry, ZIP or nickname changed.
    Updated,
    /// Removed by the customer or the office.
    Deleted,
    /// Charged for an invoice.
    UsedForPayment,
}

impl Named for CardAction {
    const ALL: &'static [Self] = &[
        CardAction::Added,
        CardAction::SetPrimary,
        CardAction::Updated,
        CardAction::Deleted,
        CardAction::UsedForPayment,
    ];

    fn as_str(self) -> &'static str {
        match self {
            CardAction::Added => "added",
            CardAction::SetPrimary => "set_primary",
            CardAction::Updated => "updated",
            CardAction::Deleted => "deleted",
            CardAction::UsedForPayment => "used_for_payment",
        }
    }
}

impl CardAction {
    /// What the history shows.
    pub fn label(self) -> &'static str {
        match self {
            CardAction::Added => "Added",
            CardAction::SetPrimary => "Set as primary",
            CardAction::Updated => "Updated",
            CardAction::Deleted => "Deleted",
            CardAction::UsedForPayment => "Used for payment",
        }
    }
}

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The customer, in the portal.
    Customer,
    /// A member of the office staff.
    Staff(StaffId),
    /// The payment processor or the card network, outside Porchlight (a webhook).
    Processor,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invoice_is_open_then_partly_paid_then_paid_unless_void() {
        let total = Cents::new(10_000);
        assert_eq!(
            InvoiceStatus::of(total, Cents::ZERO, false),
            InvoiceStatus::Open
        );
        assert_eq!(
            InvoiceStatus::of(total, Cents::new(1), false),
            InvoiceStatus::PartiallyPaid
        );
        assert_eq!(InvoiceStatus::of(total, total, false), InvoiceStatus::Paid);
        assert_eq!(
            InvoiceStatus::of(total, Cents::ZERO, true),
            InvoiceStatus::Void
        );
        assert_eq!(InvoiceStatus::PartiallyPaid.label(), "Partially paid");
    }

    #[test]
    fn stored_names_read_back_as_the_same_status_and_unknown_names_are_refused() {
        for &j in JobStatus::ALL {
            assert_eq!(JobStatus::parse(j.as_str()), Some(j));
        }
        for &a in AttemptStatus::ALL {
            assert_eq!(AttemptStatus::parse(a.as_str()), Some(a));
        }
        for &c in CardAction::ALL {
            assert_eq!(CardAction::parse(c.as_str()), Some(c));
        }
        for &i in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::parse(i.as_str()), Some(i));
        }
        assert_eq!(JobStatus::parse("Scheduled"), None);
        assert_eq!(AttemptStatus::parse(""), None);
        assert_eq!(CardAction::parse("removed"), None);
    }

    #[test]
    fn statuses_cross_the_wire_as_their_stored_names() {
        let json = serde_json::to_string(&[CardAction::UsedForPayment]).unwrap_or_default();
        assert_eq!(json, r#"["used_for_payment"]"#);
        let back: Vec<JobStatus> = serde_json::from_str(r#"["cancelled"]"#).unwrap_or_default();
        assert_eq!(back, [JobStatus::Cancelled]);
        assert!(serde_json::from_str::<JobStatus>(r#""done""#).is_err());
    }

    #[test]
    fn a_payment_still_waiting_for_the_processor_is_not_called_declined() {
        assert_eq!(AttemptStatus::Pending.label(), "In progress");
        assert_eq!(AttemptStatus::Failed.label(), "Failed");
    }

    #[test]
    fn a_paid_amount_shows_its_refunds_and_dispute() {
        let paid = AttemptStatus::Approved;
        let (amount, none) = (Cents::new(100_00), Cents::ZERO);
        assert_eq!(paid.with_aftermath(amount, none, false), "Paid");
        assert_eq!(
            paid.with_aftermath(amount, Cents::new(25_00), false),
            "Paid · $25.00 refunded"
        );
        assert_eq!(paid.with_aftermath(amount, amount, false), "Refunded");
        assert_eq!(paid.with_aftermath(amount, none, true), "Paid · Disputed");
        assert_eq!(
            AttemptStatus::Declined.with_aftermath(amount, none, false),
            "Declined"
        );
    }
}
