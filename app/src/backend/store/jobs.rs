//! Jobs: the service history shown to customers.

use super::{Store, StoreError, staff::decode_error};
use crate::domain::{
    CustomerId, JobId, Timestamp,
    status::{JobStatus, Named as _},
};
use sqlx::Row;

/// A job to create.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Whose job.
    pub customer_id: CustomerId,
    /// The day it is (or was) done.
    pub scheduled_on: Timestamp,
    /// What was done.
    pub summary: String,
    /// Who did it.
    pub technician: String,
    /// Where it stands.
    pub status: JobStatus,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Links the job to its invoices.
    pub id: JobId,
    /// Whose job.
    pub customer_id: CustomerId,
    /// The day.
    pub scheduled_on: Timestamp,
    /// What was done.
    pub summary: String,
    /// Who did it.
    pub technician: String,
    /// Where it stands.
    pub status: JobStatus,
}

impl Store {
    /// Creates a job.
    pub async fn insert_job(&self, new: &NewJob, now: Timestamp) -> Result<JobId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO jobs (customer_id, scheduled_on, summary, technician, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.customer_id.get())
        .bind(new.scheduled_on.unix())
        .bind(new.summary.as_str())
        .bind(new.technician.as_str())
        .bind(new.status.as_str())
        .bind(now.unix())
        .fetch_one(self.pool())
        .await?;
        Ok(JobId::new(row.try_get("id")?))
    }

    /// A customer's jobs, newest first.
    pub async fn jobs_for_customer(&self, customer: CustomerId) -> Result<Vec<Job>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, customer_id, scheduled_on, summary, technician, status FROM jobs \
             WHERE customer_id = $1 ORDER BY scheduled_on DESC, id DESC",
        )
        .bind(customer.get())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get("status")?;
                Ok(Job {
                    id: JobId::new(row.try_get("id")?),
                    customer_id: CustomerId::new(row.try_get("customer_id")?),
                    scheduled_on: Timestamp::from_unix(row.try_get("scheduled_on")?),
                    summary: row.try_get("summary")?,
                    technician: row.try_get("technician")?,
                    status: JobStatus::parse(&status)
                        .ok_or_else(|| decode_error("jobs.status", &status))?,
                })
            })
            .collect()
    }
}
