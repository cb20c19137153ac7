//! The checks of the troubleshooting tree. Offline rules live here as pure functions from input
//! text to findings; they open no socket.

pub mod header;
pub mod key;
pub mod url;

/// Check ids, as they appear in reports and JSON.
pub mod ids {
    pub const KEY: &str = "key";
    pub const HEADER: &str = "header";
    pub const URL: &str = "url";
}
