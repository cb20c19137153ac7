//! tlcheck: a doctor for TensorLoop API integrations. The library holds everything; the binary
//! only parses arguments and exits with the code `run` returns.

pub mod catalog;
pub mod checks;
pub mod classify;
pub mod cli;
mod commands;
pub mod correlate;
pub mod engine;
pub mod exchange;
pub mod files;
pub mod gateway;
pub mod host;
pub mod inputs;
pub mod monitor;
pub mod net;
pub mod output;
pub mod progress;
pub mod redact;
pub mod render;
pub mod report;
pub mod secret;
pub mod sse;
pub mod terminal;
pub mod time;

pub use commands::run;

use std::fmt;

/// An error in how tlcheck was called (exit 2): bad input that clap could not catch.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The exit code for an error that stopped tlcheck: 2 for usage errors, 1 for everything else.
pub fn exit_code_for_error(err: &anyhow::Error) -> u8 {
    if err.is::<UsageError>() || err.is::<inputs::InputError>() {
        report::exit::USAGE
    } else {
        report::exit::ERROR
    }
}
