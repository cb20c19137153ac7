//! Every row of the gateway reference: what LiteLLM 1.106.2 sends, older versions' variants, and the
//! troubleshooting page's own forms.

use super::*;
use crate::catalog::Code;

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn code_of(status: u16, hdrs: &[(&str, &str)], body: &str) -> Code {
    let h = headers(hdrs);
    let r = Response {
        status,
        headers: &h,
        body: body.as_bytes(),
    };
    let findings = classify(&r, "test");
    assert_eq!(findings.len(), 1, "{status} {body}: {findings:?}");
    findings[0].code
}

fn envelope(message: &str, error_type: &str, code: &str) -> String {
    serde_json::json!({"error": {"message": message, "type": error_type, "param": "None", "code": code}}).to_string()
}

#[test]
fn success_has_no_findings() {
    let h = headers(&[("content-type", "application/json")]);
    let r = Response {
        status: 200,
        headers: &h,
        body: br#"{"id":"x","choices":[]}"#,
    };
    assert!(classify(&r, "t").is_empty());
}

#[test]
fn budget_exceeded_at_any_status() {
    let body = envelope(
        "Budget has been exceeded! Key=vk (sk-...dget) Current cost: 1.5, Max budget: 1.0",
        "budget_exceeded",
        "422",
    );
    for status in [400, 422, 429] {
        assert_eq!(
            code_of(status, &[], &body),
            Code::BudgetExhausted,
            "{status}"
        );
    }
    // The page's form.
    assert_eq!(
        code_of(
            429,
            &[],
            r#"{"error":{"type":"budget_exceeded","message":"..."}}"#
        ),
        Code::BudgetExhausted
    );
    let h = headers(&[]);
    let r = Response {
        status: 422,
        headers: &h,
        body: body.as_bytes(),
    };
    assert_eq!(
        classify(&r, "t")[0].detail.as_deref(),
        Some("spent $1.5 of a $1.0 budget (422 `budget_exceeded`)")
    );
}

#[test]
fn key_rate_limits_by_header() {
    let body = envelope(
        "Rate limit exceeded for api_key: 0be4. Limit type: requests. Current limit: 1, Remaining: 0.",
        "throttling_error",
        "429",
    );
    let h = [
        ("retry-after", "60"),
        ("rate_limit_type", "requests"),
        ("reset_at", "2026-11-24 11:16:43 UTC"),
    ];
    assert_eq!(code_of(429, &h, &body), Code::RateRequests);
    assert_eq!(
        code_of(
            429,
            &[("rate_limit_type", "tokens")],
            &body.replace("requests", "tokens")
        ),
        Code::RateTokens
    );
    assert_eq!(
        code_of(
            429,
            &[("rate_limit_type", "max_parallel_requests")],
            &envelope(
                "Max parallel request limit reached",
                "throttling_error",
                "429"
            )
        ),
        Code::RateParallel
    );
    // Without the header, the message names the limit.
    assert_eq!(
        code_of(429, &[], &body.replace("requests", "tokens")),
        Code::RateTokens
    );
}

#[test]
fn provider_rate_limit_is_not_the_keys() {
    let body = envelope(
        "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for requests",
        "throttling_error",
        "429",
    );
    let h = [
        ("llm_provider-retry-after", "7"),
        ("x-ratelimit-remaining-requests", "0"),
    ];
    assert_eq!(code_of(429, &h, &body), Code::RateUpstream);
    assert_eq!(code_of(429, &[], &body), Code::RateUpstream);
}

#[test]
fn the_pages_rate_limit_error_form() {
    assert_eq!(
        code_of(
            429,
            &[],
            r#"{"error":{"type":"rate_limit_error","message":"..."}}"#
        ),
        Code::RateRequests
    );
}

#[test]
fn model_access_denied_at_401_and_403_and_siblings() {
    let msg = "The requested model 'gpt-4o' is not available for this API key, or the model name is invalid.";
    for status in [401, 403] {
        assert_eq!(
            code_of(
                status,
                &[],
                &envelope(msg, "key_model_access_denied", "403")
            ),
            Code::ModelNotAllowed
        );
    }
    for t in [
        "team_model_access_denied",
        "user_model_access_denied",
        "org_model_access_denied",
        "project_model_access_denied",
        "customer_model_access_denied",
    ] {
        assert_eq!(
            code_of(403, &[], &envelope("denied", t, "403")),
            Code::ModelNotAllowed,
            "{t}"
        );
    }
    // The page's form: a bare 403.
    assert_eq!(
        code_of(403, &[], r#"{"error":{"message":"forbidden"}}"#),
        Code::ModelNotAllowed
    );
}

#[test]
fn unknown_model_at_400_and_upstream_404() {
    let body = envelope(
        "/chat/completions: Invalid model name passed in model=gpt-5-nope. Call `/v1/models` to view available models for your key.",
        "invalid_request_error",
        "400",
    );
    assert_eq!(
        code_of(400, &[("x-litellm-call-id", "37c6")], &body),
        Code::ModelUnknown
    );
    let h = headers(&[]);
    let r = Response {
        status: 400,
        headers: &h,
        body: body.as_bytes(),
    };
    assert!(
        classify(&r, "t")[0]
            .detail
            .as_deref()
            .unwrap()
            .contains("`gpt-5-nope`")
    );
    let upstream = envelope(
        "litellm.NotFoundError: OpenAIException - The model `error404` does not exist",
        "invalid_request_error",
        "404",
    );
    assert_eq!(code_of(404, &[], &upstream), Code::ModelUpstreamMissing);
}

#[test]
fn header_format_refusals() {
    assert_eq!(
        code_of(
            401,
            &[],
            &envelope(
                "Authentication Error, No api key passed in.",
                "auth_error",
                "401"
            )
        ),
        Code::AuthNoKeySent
    );
    assert_eq!(
        code_of(
            401,
            &[],
            &envelope(
                "Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.",
                "auth_error",
                "401"
            )
        ),
        Code::AuthMalformed
    );
    assert_eq!(
        code_of(
            401,
            &[],
            &envelope(
                "Authentication Error, LiteLLM Virtual Key expected. Received=x, expected to start with 'sk-'.",
                "auth_error",
                "401"
            )
        ),
        Code::AuthMalformed
    );
}

#[test]
fn deleted_blocked_and_expired_keys() {
    assert_eq!(
        code_of(
            401,
            &[],
            &envelope(
                "Authentication Error, Invalid proxy server token passed. Received API Key = sk-...9999",
                "token_not_found_in_db",
                "401"
            )
        ),
        Code::AuthInvalidKey
    );
    assert_eq!(
        code_of(
            401,
            &[],
            &envelope(
                "Authentication Error, Key is blocked. Update via `/key/unblock` if you're admin.",
                "auth_error",
                "401"
            )
        ),
        Code::AuthBlockedKey
    );
    let expired = envelope(
        "Authentication Error - Expired Key. Key Expiry time 2026-11-23 11:13:39.225004+00:00 and current time 2026-11-24 11:15:41.607351+00:00",
        "expired_key",
        "401",
    );
    assert_eq!(code_of(401, &[], &expired), Code::AuthExpiredKey);
    let h = headers(&[]);
    let r = Response {
        status: 401,
        headers: &h,
        body: expired.as_bytes(),
    };
    assert_eq!(
        classify(&r, "t")[0].detail.as_deref(),
        Some("the key expired at 2026-11-23 11:13:39 UTC (401 `expired_key`)")
    );
}

#[test]
fn gateway_without_its_database() {
    assert_eq!(
        code_of(
            400,
            &[],
            &envelope("No connected db.", "no_db_connection", "400")
        ),
        Code::UpstreamNoDb
    );
}

#[test]
fn upstream_failures() {
    let body = r#"{"error":{"message":"litellm.InternalServerError: InternalServerError: OpenAIException - boom","type":"internal_server_error","param":null,"code":"500"}}"#;
    assert_eq!(code_of(500, &[], body), Code::UpstreamError);
    assert_eq!(
        code_of(
            502,
            &[("content-type", "text/html")],
            "<html><title>502 Bad Gateway</title></html>"
        ),
        Code::UpstreamError
    );
    assert_eq!(
        code_of(503, &[], r#"{"detail":"Service Unavailable"}"#),
        Code::UpstreamError
    );
}

#[test]
fn unrecognised_answers_keep_status_and_excerpt() {
    let h = headers(&[("content-type", "application/json")]);
    let r = Response {
        status: 418,
        headers: &h,
        body: br#"{"teapot":true}"#,
    };
    let f = &classify(&r, "t")[0];
    assert_eq!(f.code, Code::UpstreamBadResponse);
    let ev: Vec<_> = f.evidence.iter().map(|(k, _)| k).collect();
    assert_eq!(ev, ["status", "body"]);
}

#[test]
fn html_and_redirects_and_proxies() {
    assert_eq!(
        code_of(
            200,
            &[("content-type", "text/html")],
            "<!doctype html><title>TensorLoop</title>"
        ),
        Code::NetNotGateway
    );
    assert_eq!(
        code_of(404, &[("content-type", "text/plain")], "Not Found"),
        Code::NetNotGateway
    );
    assert_eq!(
        code_of(301, &[("location", "https://x/")], ""),
        Code::NetRedirect
    );
    assert_eq!(code_of(407, &[], ""), Code::NetProxy);
}

#[test]
fn sse_error_frames_may_have_a_null_type() {
    let frame: serde_json::Value = serde_json::from_str(
        r#"{"message": "litellm.APIConnectionError: APIConnectionError: OpenAIException - fake upstream failed mid-stream", "type": null, "param": null, "code": "500"}"#,
    )
    .unwrap();
    let f = classify_error_object(&frame, &[], "t");
    assert_eq!(f.code, Code::UpstreamError);
}

#[test]
fn status_fallbacks() {
    assert_eq!(
        code_of(401, &[], r#"{"error":{"message":"nope"}}"#),
        Code::AuthInvalidKey
    );
    assert_eq!(
        code_of(
            429,
            &[("retry-after", "60")],
            r#"{"error":{"message":"slow down"}}"#
        ),
        Code::RateRequests
    );
}

#[test]
fn excerpts_are_bounded_and_single_line() {
    assert_eq!(excerpt("a\n b\t c", 10), "a b c");
    assert_eq!(excerpt(&"x".repeat(20), 5), "xxxxx…");
}

fn arbitrary_json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,20}".prop_map(serde_json::Value::from),
        proptest::sample::select(vec![
            "budget_exceeded",
            "throttling_error",
            "auth_error",
            "expired_key",
            "None",
            "429",
            "litellm.RateLimitError",
            "Limit type: "
        ])
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(
                proptest::sample::select(vec![
                    "error", "type", "message", "code", "param", "detail", "x"
                ])
                .prop_map(str::to_owned),
                inner,
                0..5,
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    #[test]
    fn never_panics_on_any_response(
        status in proptest::prelude::any::<u16>(),
        headers in proptest::collection::vec(("\\PC{0,12}", "\\PC{0,20}"), 0..6),
        body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256),
    ) {
        let headers: Vec<(String, String)> = headers;
        let r = Response { status, headers: &headers, body: &body };
        let _ = classify(&r, "t");
    }

    #[test]
    fn never_panics_on_any_json_error(value in arbitrary_json(), status in 100u16..600) {
        let body = serde_json::to_vec(&value).unwrap();
        let r = Response { status, headers: &[], body: &body };
        let _ = classify(&r, "t");
        let _ = classify_error_object(&value, &[], "t");
    }
}

/// Codes `classify_facts` gives for what a client printed.
fn codes_of_paste(text: &str) -> Vec<Code> {
    classify_facts(&facts::read(text), "test")
        .iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn what_clients_print_without_a_traceback() {
    // openai-python's `print(e)`: the status and the gateway's message, nothing else.
    assert_eq!(
        codes_of_paste(
            "Error code: 401 - Authentication Error - Expired Key. Key Expiry time 2026-11-29 03:35:34.597624+00:00 and current time 2026-11-30 03:57:34.123662+00:00"
        ),
        [Code::AuthExpiredKey]
    );
    // A provider failure in a stream, printed bare: LiteLLM's class name is the gateway's word.
    assert_eq!(
        codes_of_paste(
            "litellm.APIConnectionError: APIConnectionError: OpenAIException - fake upstream failed mid-stream"
        ),
        [Code::UpstreamError]
    );
    // The litellm SDK relabels a key's limit; the message still says which limit.
    assert_eq!(
        codes_of_paste(
            "litellm.RateLimitError: RateLimitError: Litellm_proxyException - Rate limit exceeded for api_key: 6e84. Limit type: tokens. Current limit: 10, Remaining: 0."
        ),
        [Code::RateTokens]
    );
    // A log line holding only the gateway's message.
    assert_eq!(
        codes_of_paste(
            "2026-11-30 WARN chat: Max parallel request limit reached for api_key: abc."
        ),
        [Code::RateParallel]
    );
    assert_eq!(
        codes_of_paste(
            "requests.exceptions.ChunkedEncodingError: ('Connection broken: IncompleteRead(0 bytes read, 2 more expected)', IncompleteRead(0 bytes read, 2 more expected))"
        ),
        [Code::StreamCut]
    );
    assert_eq!(
        codes_of_paste("json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"),
        [Code::NetNotGateway]
    );
    // `print(e)` after streamed text printed without a line break.
    assert_eq!(
        codes_of_paste("Hello fromConnection error.\n"),
        [Code::StreamCut]
    );
    assert_eq!(
        codes_of_paste(
            "Hellolitellm.APIConnectionError: APIConnectionError: OpenAIException - fake upstream failed mid-stream\n"
        ),
        [Code::StreamErrorEvent, Code::UpstreamError]
    );
    // A log prefix is no streamed text.
    assert_eq!(
        codes_of_paste("2026-11-30 06:24:32 ERROR chat-worker Connection error.\n"),
        [Code::NetConnect]
    );
    // Nothing the gateway or a runtime would say: no finding (the command turns that into exit 2).
    assert!(codes_of_paste("ValueError: invalid literal for int() with base 10: 'a'").is_empty());
    assert!(codes_of_paste("hello world").is_empty());
}

#[test]
fn a_bare_status_gives_a_family_not_a_cause() {
    assert_eq!(
        codes_of_paste(
            "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://litellm.tensorloop.tech/v1/chat/completions"
        ),
        [Code::AuthRefused]
    );
    assert_eq!(
        codes_of_paste(
            "httpx.HTTPStatusError: Client error '429 Too Many Requests' for url 'https://litellm.tensorloop.tech/v1/chat/completions'"
        ),
        [Code::RateLimited]
    );
    assert_eq!(
        codes_of_paste(
            "requests.exceptions.HTTPError: 404 Client Error: Not Found for url: https://litellm.tensorloop.tech/v1/chat/completions/chat/completions"
        ),
        [Code::UrlEndpointPath, Code::UpstreamBadResponse]
    );
}
