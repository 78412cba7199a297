//! Office staff roles.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// What a staff member may do in the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StaffRole {
    /// Everything, including settings and staff management.
    Admin,
    /// Customers, jobs, invoices, payment methods and history; no settings, no staff.
    Accountant,
}

impl StaffRole {
    /// The lower-case name stored in the database and accepted on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Admin => "admin",
            StaffRole::Accountant => "accountant",
        }
    }
}

impl fmt::Display for StaffRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not a known role name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The role must be \"admin\" or \"accountant\".")]
pub struct UnknownRole;

impl FromStr for StaffRole {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(StaffRole::Admin),
            "accountant" => Ok(StaffRole::Accountant),
            _ => Err(UnknownRole),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [StaffRole::Admin, StaffRole::Accountant] {
            assert_eq!(role.as_str().parse::<StaffRole>(), Ok(role));
        }
        assert_eq!("ADMIN".parse::<StaffRole>(), Ok(StaffRole::Admin));
        assert_eq!("owner".parse::<StaffRole>(), Err(UnknownRole));
    }
}
