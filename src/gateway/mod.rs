//! What tlcheck knows of the gateway it checks, in one place: the LiteLLM proxy's dialect
//! (headers, request quirks) and TensorLoop's own hosts, plans and defaults. The error dialect
//! (LiteLLM's error types, messages and status codes) is the classifier's (`crate::classify`).
//! A second gateway or a second API is one new module here.

pub mod litellm;
pub mod tensorloop;
