//! The Porchlight server: configuration, the axum application and the command-line tasks.

pub mod caller;
pub mod cli;
pub mod client_ip;
pub mod config;
pub mod deadline;
pub mod demo;
pub mod middleware;
pub mod site;
pub mod startup;
pub mod telemetry;
