//! TensorLoop's specifics: where its API lives, the hosts people wrongly use, and the free plan.

/// The canonical base URL of TensorLoop's inference API.
pub const CANONICAL_BASE_URL: &str = "https://litellm.tensorloop.tech/v1";
/// The host that serves the API.
pub const GATEWAY_HOST: &str = "litellm.tensorloop.tech";
/// The marketing site's hosts: never the API, never sent the key.
pub const MARKETING_HOSTS: [&str; 2] = ["tensorloop.tech", "www.tensorloop.tech"];
/// A host people guess that does not exist.
pub const NO_SUCH_HOSTS: [&str; 1] = ["api.tensorloop.tech"];
/// The model tlcheck targets when none is configured, and the only one free keys may call.
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// The free-plan rule: a key that lists only the free model, asked for another, is on the free
/// plan (a refusal is `model.free_plan`, not a missing allowlist entry).
pub fn is_free_plan(listed: &[String], model: &str) -> bool {
    listed.len() == 1 && listed[0] == DEFAULT_MODEL && model != DEFAULT_MODEL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_free_plan_is_a_key_listing_only_the_free_model() {
        let free = vec![DEFAULT_MODEL.to_owned()];
        assert!(is_free_plan(&free, "gpt-4o"));
        assert!(!is_free_plan(&free, DEFAULT_MODEL));
        assert!(!is_free_plan(
            &[DEFAULT_MODEL.into(), "gpt-4o".into()],
            "o3"
        ));
    }
}
