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
