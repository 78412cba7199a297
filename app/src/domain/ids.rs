//! Typed ids, so a customer id can never be passed where an invoice id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a database row id.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The database row id.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies a customer record.
    CustomerId
);
id_type!(
    /// Identifies a member of the office staff.
    StaffId
);
id_type!(
    /// Identifies a job (a visit or piece of work) for a customer.
    JobId
);
id_type!(
    /// Identifies an invoice.
    InvoiceId
);
id_type!(
    /// Identifies a saved payment method (a card on file).
    PaymentMethodId
);
id_type!(
    /// Identifies a recorded (approved) online payment.
    PaymentId
);

/// This installation's id (32 lowercase hex digits, made once per database): it prefixes the keys
/// Porchlight sends to a payment processor, so installs sharing an account never collide.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InstallId(String);

impl InstallId {
    /// Accepts exactly 32 lowercase hex digits.
    pub fn parse(input: &str) -> Option<Self> {
        (input.len() == 32
            && input
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(input.to_owned()))
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InstallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
