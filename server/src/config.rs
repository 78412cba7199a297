//! Configuration: every setting is a command-line option or its environment variable (clap
//! reads both); a bad value stops start-up with one line naming the variable.

mod args;
mod gateway;
mod secret;
#[cfg(test)]
mod tests;
mod values;

pub use args::{ConfigArgs, ignore_empty_variables};
pub use gateway::{GATEWAY_VAR, GatewayConfig};
pub use secret::SecretSource;
pub use values::{Config, ConfigError};
