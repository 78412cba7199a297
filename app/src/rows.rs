//! Table rows that the portal and the office both show: invoices and jobs.

use crate::domain::{
    Cents, InvoiceId, JobId, Timestamp,
    status::{InvoiceStatus, JobStatus},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An invoice in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)] // each field is what its name says
pub struct InvoiceRow {
    pub id: InvoiceId,
    /// Human-facing, e.g. INV-01042.
    pub number: String,
    pub issued_on: Timestamp,
    pub due_on: Timestamp,
    pub total: Cents,
    /// Still owed.
    pub balance: Cents,
    pub status: InvoiceStatus,
}

impl InvoiceRow {
    /// Whether the office may void it: not void yet and nothing paid on it.
    pub fn can_void(&self) -> bool {
        self.status != InvoiceStatus::Void && self.balance == self.total
    }
}

#[cfg(feature = "ssr")]
impl From<crate::backend::store::Invoice> for InvoiceRow {
    fn from(i: crate::backend::store::Invoice) -> Self {
        InvoiceRow {
            id: i.id,
            balance: i.balance(),
            status: i.status(),
            number: i.number,
            issued_on: i.issued_on,
            due_on: i.due_on,
            total: i.total,
        }
    }
}

/// A job (a visit) in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)] // each field is what its name says
pub struct JobRow {
    pub id: JobId,
    /// The day it is or was scheduled.
    pub date: Timestamp,
    /// The work done.
    pub summary: String,
    /// Empty when nobody is assigned.
    pub technician: String,
    pub status: JobStatus,
}

#[cfg(feature = "ssr")]
impl From<crate::backend::store::Job> for JobRow {
    fn from(j: crate::backend::store::Job) -> Self {
        JobRow {
            id: j.id,
            date: j.scheduled_on,
            summary: j.summary,
            technician: j.technician,
            status: j.status,
        }
    }
}

/// The issued, due, total, balance and status cells of an invoice's table row.
pub fn invoice_cells(i: &InvoiceRow) -> impl IntoView + use<> {
    view! {
        <td>{i.issued_on.iso_date()}</td>
        <td>{i.due_on.iso_date()}</td>
        <td>{i.total.to_string()}</td>
        <td>{i.balance.to_string()}</td>
        <td>{i.status.label()}</td>
    }
}

/// Jobs as a table, newest first, or `empty` when there are none.
#[component]
pub fn JobTable(
    /// The jobs.
    rows: Vec<JobRow>,
    /// What to say when there are none.
    empty: &'static str,
) -> impl IntoView {
    let row = |j: JobRow| {
        let technician = if j.technician.is_empty() {
            "—".to_owned()
        } else {
            j.technician
        };
        view! {
            <tr><td>{j.date.iso_date()}</td><td>{j.summary}</td><td>{technician}</td><td>{j.status.label()}</td></tr>
        }
    };
    view! { <crate::ui::RowTable columns=&["Date", "Work done", "Technician", "Status"] rows empty row /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(total: i64, balance: i64, status: InvoiceStatus) -> InvoiceRow {
        InvoiceRow {
            id: InvoiceId::new(1),
            number: "INV-01001".into(),
            issued_on: Timestamp::from_unix(0),
            due_on: Timestamp::from_unix(0),
            total: Cents::new(total),
            balance: Cents::new(balance),
            status,
        }
    }

    #[test]
    fn only_an_invoice_with_nothing_paid_and_not_yet_void_can_be_voided() {
        assert!(row(5000, 5000, InvoiceStatus::Open).can_void());
        assert!(!row(5000, 2000, InvoiceStatus::PartiallyPaid).can_void());
        assert!(!row(5000, 0, InvoiceStatus::Paid).can_void());
        assert!(!row(5000, 0, InvoiceStatus::Void).can_void());
    }
}
