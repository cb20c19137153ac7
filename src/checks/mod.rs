//! The checks of the troubleshooting tree. Offline rules are pure functions from input text to
//! findings and open no socket; live checks make one request each and classify what came back.

pub mod chat;
pub mod header;
pub mod health;
pub mod key;
pub mod key_info;
pub mod live;
pub mod models;
pub mod network;
pub mod route;
pub mod stream;
pub mod url;

use crate::catalog::Code;
use crate::inputs::{Source, Sourced};
use crate::report::Finding;

/// Where an input came from, as a finding: the winning source shadows others that hold another
/// value, or that are set but empty (which an SDK reading them would take as no value at all).
/// One rule for the key, the base URL and the model; `shown` is the winner as it may be shown.
pub fn conflict<T>(
    code: Code,
    check: &'static str,
    input: &Sourced<T>,
    shown: &str,
    empty: &[Source],
) -> Option<Finding> {
    let mut losers: Vec<String> = input
        .shadowed
        .iter()
        .filter(|s| !s.same_value)
        .map(|s| format!("{} ({})", s.source, s.shown))
        .collect();
    losers.extend(empty.iter().map(|s| format!("{s} (set but empty)")));
    if losers.is_empty() {
        return None;
    }
    Some(
        Finding::new(code, check)
            .detail(format!(
                "using {} ({shown}); it shadows {}",
                input.source,
                losers.join(", ")
            ))
            .evidence("used", format!("{} ({shown})", input.source))
            .evidence("shadowed", losers),
    )
}

/// Check ids, as they appear in reports and JSON.
pub mod ids {
    pub const KEY: &str = "key";
    pub const HEADER: &str = "header";
    pub const URL: &str = "url";
    pub const NETWORK: &str = "network";
    pub const HEALTH: &str = "health";
    pub const MODELS: &str = "models";
    pub const KEY_INFO: &str = "key_info";
    pub const CHAT: &str = "chat";
    pub const STREAM: &str = "stream";
}
