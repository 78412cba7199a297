//! The demo business's customers, their visits and invoices.

use app::backend::store::{CustomerKind, JobStatus};

/// A customer of the demo business and their visits.
pub(super) struct DemoCustomer {
    pub(super) name: &'static str,
    pub(super) email: &'static str,
    pub(super) phone: &'static str,
    pub(super) address: &'static str,
    pub(super) kind: CustomerKind,
    pub(super) visits: &'static [Visit],
}

/// (description, quantity, unit price in cents)
pub(super) type Line = (&'static str, i64, i64);

/// (days ago, summary, technician, status, invoice lines, share paid in percent)
pub(super) type Visit = (
    i64,
    &'static str,
    &'static str,
    JobStatus,
    &'static [Line],
    i64,
);

/// The demo business's customers.
pub(super) const CUSTOMERS: &[DemoCustomer] = &[
    DemoCustomer {
        name: "Maria Gonzalez",
        email: "maria.gonzalez@example.com",
        phone: "(555) 201-4455",
        address: "14 Orchard Lane, Springfield, IL 62704",
        kind: CustomerKind::Residential,
        visits: &[
            (
                120,
                "Annual furnace tune-up",
                "Dave Miller",
                JobStatus::Completed,
                &[("Furnace tune-up", 1, 129_00)],
                100,
            ),
            (
                9,
                "Replaced water heater anode rod",
                "Priya Shah",
                JobStatus::Completed,
                &[("Anode rod", 1, 64_50), ("Labor (hours)", 2, 95_00)],
                0,
            ),
            (
                -5,
                "Spring AC inspection",
                "Dave Miller",
                JobStatus::Scheduled,
                &[],
                0,
            ),
        ],
    },
    DemoCustomer {
        name: "James O'Connor",
        email: "james.oconnor@example.com",
        phone: "(555) 330-1290",
        address: "8 Birch Street, Springfield, IL 62702",
        kind: CustomerKind::Residential,
        visits: &[(
            40,
            "Cleared kitchen drain clog",
            "Priya Shah",
            JobStatus::Completed,
            &[("Drain cleaning", 1, 189_00)],
            50,
        )],
    },
    DemoCustomer {
        name: "Linh Tran",
        email: "linh.tran@example.com",
        phone: "(555) 448-7712",
        address: "230 Maple Court, Chatham, IL 62629",
        kind: CustomerKind::Residential,
        visits: &[(
            3,
            "Thermostat installation",
            "Dave Miller",
            JobStatus::Cancelled,
            &[],
            0,
        )],
    },
    DemoCustomer {
        name: "Riverside Dental Group",
        email: "office@riversidedental.example",
        phone: "(555) 610-0042",
        address: "500 Riverside Dr, Suite 2, Springfield, IL 62701",
        kind: CustomerKind::Commercial,
        visits: &[
            (
                60,
                "Rooftop unit quarterly maintenance",
                "Carlos Ruiz",
                JobStatus::Completed,
                &[("RTU maintenance", 2, 240_00), ("Filters", 8, 18_75)],
                100,
            ),
            (
                14,
                "Backflow preventer test",
                "Carlos Ruiz",
                JobStatus::Completed,
                &[("Backflow test and certificate", 1, 145_00)],
                0,
            ),
        ],
    },
    DemoCustomer {
        name: "Lakeside Property Management",
        email: "maintenance@lakesidepm.example",
        phone: "(555) 770-3100",
        address: "1200 Lakeshore Blvd, Springfield, IL 62707",
        kind: CustomerKind::Commercial,
        visits: &[(
            21,
            "Boiler inspection, building C",
            "Dave Miller",
            JobStatus::Completed,
            &[("Boiler inspection", 1, 350_00), ("Gasket kit", 1, 42_00)],
            0,
        )],
    },
];
