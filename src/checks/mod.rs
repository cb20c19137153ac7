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
    pub const HEALTH: &str = super::Live::Health.id();
    pub const MODELS: &str = super::Live::Models.id();
    pub const KEY_INFO: &str = super::Live::KeyInfo.id();
    pub const CHAT: &str = super::Live::Chat.id();
    pub const STREAM: &str = super::Live::Stream.id();
}

/// One row of the live-check table: how the engine runs a check over HTTP.
pub struct Spec {
    pub check: Live,
    /// The check's id in reports and JSON.
    pub id: &'static str,
    pub title: &'static str,
    /// Sends the key: skipped without one.
    pub needs_key: bool,
    /// Sends a billed request: skipped by `--no-spend`, announced before it is sent.
    pub billed: bool,
    /// Applies to a keyless route of the customer's own backend (`--no-key`).
    pub keyless: bool,
    /// Starts the check.
    pub probe: for<'a> fn(&'a live::Session) -> live::Running<'a>,
}

macro_rules! live_checks {
    ($( $variant:ident = $id:literal, $title:literal, needs_key: $needs_key:literal,
        billed: $billed:literal, keyless: $keyless:literal, probe: $probe:path; )*) => {
        /// The live checks, a closed set, in report order (free ones first). Adding one is a new
        /// module with a `probe` and one row here.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Live { $($variant),* }

        /// Every live check's row, in report order.
        pub const LIVE: &[Spec] = &[$(Spec {
            check: Live::$variant,
            id: $id,
            title: $title,
            needs_key: $needs_key,
            billed: $billed,
            keyless: $keyless,
            probe: $probe,
        }),*];

        impl Live {
            /// Every live check, in report order.
            pub const ALL: &'static [Live] = &[$(Live::$variant),*];

            /// The check's id in reports and JSON.
            pub const fn id(self) -> &'static str {
                match self { $(Live::$variant => $id),* }
            }
        }
    };
}

live_checks! {
    Health = "health", "Gateway health",
        needs_key: false, billed: false, keyless: false, probe: health::probe;
    Models = "models", "Models for this key",
        needs_key: true, billed: false, keyless: true, probe: models::probe;
    KeyInfo = "key_info", "Key info",
        needs_key: true, billed: false, keyless: false, probe: key_info::probe;
    Chat = "chat", "Chat completion (billed)",
        needs_key: true, billed: true, keyless: false, probe: chat::probe;
    Stream = "stream", "Streamed completion (billed)",
        needs_key: true, billed: true, keyless: true, probe: stream::probe;
}

impl Live {
    /// The check's row in the table.
    pub fn spec(self) -> &'static Spec {
        LIVE.iter()
            .find(|s| s.check == self)
            .expect("every live check has a row")
    }
}
