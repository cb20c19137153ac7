//! LiteLLM's dialect beyond its errors: the headers it sends and reads, and the request quirk a
//! reasoning model needs.

/// The gateway's id for a call, which it also adopts from the request (`x-litellm-call-id` is
/// read in `common_processing_pre_call_logic`), so both sides share one id.
pub const CALL_ID: &str = "x-litellm-call-id";
/// The call's cost in USD (`4.95e-06`).
pub const RESPONSE_COST: &str = "x-litellm-response-cost";
/// The gateway's version.
pub const VERSION: &str = "x-litellm-version";
/// Every header the gateway itself adds starts so (a page from a proxy has none).
pub const HEADER_PREFIX: &str = "x-litellm-";

/// The output-token cap a chat request names first.
pub const TOKEN_CAP: &str = "max_tokens";
/// The cap a reasoning model asks for instead (it refuses `max_tokens` with a 400 naming it).
pub const REASONING_TOKEN_CAP: &str = "max_completion_tokens";

/// Whether a refusal's message asks for [`REASONING_TOKEN_CAP`]: ask again with it.
pub fn asks_for_reasoning_cap(message: &str) -> bool {
    message.contains(REASONING_TOKEN_CAP)
}

/// What a check says when it asked again with [`REASONING_TOKEN_CAP`].
pub const RETRIED_WITH_REASONING_CAP: &str =
    "with max_completion_tokens (the model rejects max_tokens)";
