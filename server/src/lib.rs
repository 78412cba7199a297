//! The Porchlight server: configuration, the axum application and the command-line tasks.

#[cfg(feature = "bench")]
pub mod bench;
pub mod caller;
pub mod cli;
pub mod client_ip;
pub mod config;
pub mod deadline;
pub mod demo;
pub mod form_answers;
pub mod middleware;
pub mod page_markup;
pub mod refused_forms;
pub mod site;
pub mod startup;
pub mod telemetry;
pub mod webhooks;
