//! The classifier: a pure function from what the gateway sent (status, headers, body) to findings.
//! It reads `error.type` first, then the message and headers, and the status code last, because
//! real LiteLLM versions disagree with the troubleshooting page on status codes.

pub mod facts;
pub mod paste;

use crate::catalog::Code;
use crate::report::Finding;
use serde_json::Value;

pub use crate::exchange::Response;

/// The `{"error": {...}}` envelope (or FastAPI's `{"detail": ...}`), as far as it is present.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorInfo {
    pub error_type: Option<String>,
    pub message: Option<String>,
    pub code: Option<String>,
    pub param: Option<String>,
}

impl ErrorInfo {
    /// Read the envelope from a body; `None` when the body carries no error.
    pub fn from_body(body: &[u8]) -> Option<ErrorInfo> {
        let json: Value = serde_json::from_slice(body).ok()?;
        match (json.get("error"), json.get("detail")) {
            (Some(err), _) => Some(ErrorInfo::from_value(err)),
            (None, Some(Value::String(detail))) => Some(ErrorInfo {
                message: Some(detail.clone()),
                ..Default::default()
            }),
            (None, Some(detail @ Value::Object(_))) => Some(ErrorInfo::from_value(detail)),
            _ => None,
        }
    }

    /// Read the object under `error` (also used for SSE error frames, whose `type` may be null).
    pub fn from_value(err: &Value) -> ErrorInfo {
        let text = |k: &str| match err.get(k) {
            Some(Value::String(s)) if s != "None" => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        match err {
            Value::String(s) => ErrorInfo {
                message: Some(s.clone()),
                ..Default::default()
            },
            _ => ErrorInfo {
                error_type: text("type"),
                message: text("message"),
                code: text("code"),
                param: text("param"),
            },
        }
    }

    /// The status the envelope's `code` names (LiteLLM sends it as a string: `"401"`).
    pub fn status_from_code(&self) -> Option<u16> {
        self.code
            .as_deref()?
            .parse()
            .ok()
            .filter(|s| (100..600).contains(s))
    }
}

/// Classify a response. Success (2xx without an error envelope, and not an HTML page) gives no
/// findings.
pub fn classify(r: &Response, check: &'static str) -> Vec<Finding> {
    let info = ErrorInfo::from_body(r.body);
    if let Some(page) = crate::net::hop::page(r.status, r.headers, info.is_some()) {
        return vec![hop_page(r, page, check)];
    }
    if (200..300).contains(&r.status) && info.is_none() {
        if r.is_html() {
            return vec![not_gateway(r, check)];
        }
        return Vec::new();
    }
    vec![diagnose(r, info.as_ref(), check)]
}

/// Classify an error object found without a response around it (an SSE error frame), with the
/// status its `code` names.
pub fn classify_error_object(
    err: &Value,
    headers: &[(String, String)],
    check: &'static str,
) -> Finding {
    let info = ErrorInfo::from_value(err);
    let status = info.status_from_code().unwrap_or(0);
    let r = Response {
        status,
        headers,
        body: b"",
    };
    diagnose(&r, Some(&info), check)
}

/// Classify what a client printed (see [`facts::read`]). Empty when the facts show no error.
pub fn classify_facts(f: &facts::Facts, check: &'static str) -> Vec<Finding> {
    use facts::NetFailure;
    let mut findings = base_url_findings(f, check);
    let headers = &f.headers;
    let status = f.status.unwrap_or(0);
    let knows = |info: &ErrorInfo| {
        let bare = Response {
            status: 0,
            headers,
            body: b"",
        };
        decide(&bare, Some(info)).0 != Code::UpstreamBadResponse
    };
    let mut error = f.error.clone();
    if error.message.is_none() {
        // A log line may hold nothing but the gateway's message.
        let last = ErrorInfo {
            message: f.last_line.clone(),
            ..error.clone()
        };
        if knows(&last) {
            error = last;
        }
    }
    let has_fields = error.message.is_some() || error.error_type.is_some();
    if let Some(crash) = &f.key_not_sent {
        findings.push(
            Finding::new(Code::KeyMissing, check)
                .detail("the client found no API key and sent no request")
                .evidence("error", excerpt(crash, 300)),
        );
        return findings;
    }
    // Without a status, a message alone counts only when it is one the gateway writes.
    let known_message = status == 0
        && has_fields
        && f.network.is_none()
        && f.not_api_crash.is_none()
        && knows(&error);
    let http_error = status >= 300 || known_message;
    if let Some(body) = f.body.as_deref().filter(|_| status != 0) {
        let r = Response {
            status,
            headers,
            body: body.as_bytes(),
        };
        findings.extend(classify(&r, check));
    } else if status == 404 && f.url.is_none() && !has_fields {
        // openai-python and openai-node print a bare 404 for FastAPI's `{"detail":"Not Found"}`
        // (its `detail` is not an `error.message`); a provider's 404 would carry a message.
        if findings.is_empty() {
            findings.push(
                Finding::new(Code::UrlEndpointPath, check)
                    .detail(format!(
                        "{}; the paste does not show the URL",
                        no_such_path()
                    ))
                    .evidence("status", 404),
            );
        }
    } else if http_error && !(f.in_stream && status < 300) {
        let r = Response {
            status,
            headers,
            body: b"",
        };
        let mut finding = diagnose(&r, has_fields.then_some(&error), check);
        // A 4xx whose body the client dropped is no evidence of what answered.
        if !has_fields && finding.code == Code::NetNotGateway {
            finding.code = Code::UpstreamBadResponse;
        }
        if !has_fields && !matches!(finding.code, Code::AuthRefused | Code::RateLimited) {
            finding = finding.detail(format!(
                "the client kept only the status {status}; the gateway's message, which names the \
                 cause, is not in the paste (`tlcheck doctor` with that key, or printing the \
                 response body, shows it)"
            ));
        }
        findings.push(finding);
    } else if f.in_stream && known_message {
        let why = error.message.as_deref().unwrap_or("");
        findings.push(
            Finding::new(Code::StreamErrorEvent, check)
                .detail("the stream carried an error frame and the client raised it")
                .evidence("message", excerpt(why, 300)),
        );
        let r = Response {
            status: error.status_from_code().unwrap_or(0),
            headers,
            body: b"",
        };
        findings.push(diagnose(&r, Some(&error), check));
    } else if let Some((kind, line)) = &f.network {
        let (code, why) = match kind {
            NetFailure::Dns => (Code::NetDns, "the host name did not resolve"),
            NetFailure::Refused => (Code::NetConnect, "nothing accepted the connection"),
            NetFailure::Tls => (Code::NetTls, "the TLS handshake failed"),
            NetFailure::Timeout => (Code::NetTimeout, "the client gave up waiting"),
            NetFailure::Proxy => (Code::NetProxy, "the proxy refused or failed"),
            NetFailure::Cut => (
                Code::StreamCut,
                "the connection broke before the body was complete",
            ),
            // A connection that fails while a started stream is read is a cut stream.
            NetFailure::Unknown if f.in_stream => (
                Code::StreamCut,
                "the connection failed while the stream was being read; the paste does not say \
                 why (a proxy's time limit, the network)",
            ),
            NetFailure::Unknown => (
                Code::NetConnect,
                "the client reports a connection error but the paste does not say why (DNS, \
                 refused, TLS or proxy); `tlcheck doctor` from the same machine finds which",
            ),
        };
        findings.push(
            Finding::new(code, check)
                .detail(why)
                .evidence("error", excerpt(line, 300)),
        );
    } else if let Some(crash) = &f.not_api_crash {
        findings.push(
            Finding::new(Code::NetNotGateway, check)
                .detail(
                    "the customer's code failed reading the answer: the SDK got something that is \
                     not the API's JSON (typically an HTML page from a wrong base URL)",
                )
                .evidence("error", excerpt(crash, 300)),
        );
    }
    first_of_each_code(&mut findings);
    findings
}

/// The first finding of each code: the base-URL rules and the response can name the same cause.
pub fn first_of_each_code(findings: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    findings.retain(|f| {
        let new = !seen.contains(&f.code);
        seen.push(f.code);
        new
    });
}

/// The base-URL rules on the base URL a printed request URL implies (the URL minus its endpoint),
/// keeping what fails or warns: a DNS failure on a host that does not exist, a base URL that
/// already ends in `/chat/completions`, the marketing site.
pub fn base_url_findings(f: &facts::Facts, check: &'static str) -> Vec<Finding> {
    // Only the host's and the path's rules are kept below, so a host alone may stand in for a URL.
    let from_host = f.host.as_ref().map(|(h, p)| format!("https://{h}{p}"));
    let Some(url) = f.url.as_deref().or(from_host.as_deref()) else {
        return Vec::new();
    };
    let base = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/');
    let Some(base) = base
        .strip_suffix("/chat/completions")
        .or_else(|| (!base.contains("/v1")).then_some(base))
    else {
        return Vec::new();
    };
    crate::checks::url::check(base)
        .findings
        .into_iter()
        .filter(|x| {
            matches!(
                x.code,
                Code::UrlNoSuchHost
                    | Code::UrlMarketingSite
                    | Code::UrlEndpointPath
                    | Code::UrlDashboardApi
            )
        })
        .map(|mut x| {
            x.check = check;
            match (&f.url, &f.host) {
                (Some(u), _) => x.evidence("url", u.as_str()),
                (None, Some((h, _))) => x.evidence("host", h.as_str()),
                (None, None) => x,
            }
        })
        .collect()
}

fn diagnose(r: &Response, info: Option<&ErrorInfo>, check: &'static str) -> Finding {
    let (code, detail) = decide(r, info);
    let mut f = Finding::new(code, check).detail(detail);
    if r.status != 0 {
        f = f.evidence("status", r.status);
    }
    if let Some(info) = info {
        if let Some(t) = &info.error_type {
            f = f.evidence("error_type", t.as_str());
        }
        if let Some(m) = &info.message {
            f = f.evidence("message", excerpt(m, 300));
        }
        if let Some(p) = &info.param {
            f = f.evidence("param", p.as_str());
        }
    } else if !r.body.is_empty() {
        f = f.evidence("body", excerpt(&String::from_utf8_lossy(r.body), 300));
    }
    for (header, name) in [
        ("retry-after", "retry_after"),
        ("rate_limit_type", "rate_limit_type"),
        ("reset_at", "reset_at"),
        ("llm_provider-retry-after", "provider_retry_after"),
        ("location", "location"),
        (crate::gateway::litellm::CALL_ID, "call_id"),
    ] {
        if let Some(v) = r.header(header) {
            f = f.evidence(name, v);
        }
    }
    f
}

/// The code and a one-line account of why.
fn decide(r: &Response, info: Option<&ErrorInfo>) -> (Code, String) {
    let status = r.status;
    if (300..400).contains(&status) {
        let to = r.header("location").unwrap_or("(no Location header)");
        return (Code::NetRedirect, format!("{status} redirect to {to}"));
    }
    if status == 407 {
        return (
            Code::NetProxy,
            "407: the proxy wants credentials".to_owned(),
        );
    }
    let t = info.and_then(|i| i.error_type.as_deref()).unwrap_or("");
    let msg = info.and_then(|i| i.message.as_deref()).unwrap_or("");
    let at = |what: &str| match (status, t) {
        (0, _) => what.to_owned(),
        (_, "") => format!("{what} ({status})"),
        _ => format!("{what} ({status} `{t}`)"),
    };

    // 1. The error type.
    match t {
        "budget_exceeded" => return (Code::BudgetExhausted, at(&budget_detail(msg))),
        t if t.ends_with("model_access_denied") => {
            return (
                Code::ModelNotAllowed,
                at("the model is not in this key's allowlist"),
            );
        }
        "token_not_found_in_db" => {
            return (Code::AuthInvalidKey, at("the gateway has no such key"));
        }
        "expired_key" => return (Code::AuthExpiredKey, at(&expiry_detail(msg))),
        "no_db_connection" => {
            return (
                Code::UpstreamNoDb,
                at("the gateway has no database connection"),
            );
        }
        "throttling_error" | "rate_limit_error" => {
            let (code, why) = rate_kind(r, msg);
            return (code, at(&why));
        }
        _ => {}
    }

    // 2. The message (and headers), for types shared by several causes.
    let m = msg.to_ascii_lowercase();
    let by_message = [
        ("budget has been exceeded", Code::BudgetExhausted),
        ("expired key", Code::AuthExpiredKey),
        ("key is blocked", Code::AuthBlockedKey),
        ("no api key passed in", Code::AuthNoKeySent),
        ("malformed api key", Code::AuthMalformed),
        ("virtual key expected", Code::AuthMalformed),
        ("invalid proxy server token", Code::AuthInvalidKey),
        ("invalid model name passed in", Code::ModelUnknown),
        ("litellm.notfounderror", Code::ModelUpstreamMissing),
        ("litellm.ratelimiterror", Code::RateUpstream),
        ("no connected db", Code::UpstreamNoDb),
        ("not available for this api key", Code::ModelNotAllowed),
        ("not allowed to access model", Code::ModelNotAllowed),
        ("litellm.apiconnectionerror", Code::UpstreamError),
        ("litellm.internalservererror", Code::UpstreamError),
        ("litellm.serviceunavailableerror", Code::UpstreamError),
        ("litellm.badgatewayerror", Code::UpstreamError),
        ("litellm.timeout", Code::UpstreamError),
    ];
    // The key's own limiter names its kind in the message; the headers are often gone.
    if m.contains("limit type:") || m.contains("max parallel request limit") {
        let (code, why) = rate_kind(r, msg);
        return (code, at(&why));
    }
    if let Some((_, code)) = by_message.iter().find(|(needle, _)| m.contains(needle)) {
        let why = match code {
            Code::BudgetExhausted => budget_detail(msg),
            Code::AuthExpiredKey => expiry_detail(msg),
            Code::AuthBlockedKey => "the key is blocked".to_owned(),
            Code::AuthNoKeySent => "the gateway saw no key".to_owned(),
            Code::AuthMalformed => "the gateway could not read a key from the header".to_owned(),
            Code::AuthInvalidKey => "the gateway has no such key".to_owned(),
            Code::ModelUnknown => model_detail(msg),
            Code::ModelUpstreamMissing => "the provider answered 404 for this model".to_owned(),
            Code::RateUpstream => "the provider rate limited the gateway".to_owned(),
            Code::UpstreamNoDb => "the gateway has no database connection".to_owned(),
            Code::UpstreamError => "the model provider failed behind the gateway".to_owned(),
            _ => "the model is not in this key's allowlist".to_owned(),
        };
        return (*code, at(&why));
    }
    match t {
        "auth_error" | "authentication_error" => {
            return (Code::AuthInvalidKey, at("the gateway refused the key"));
        }
        "not_found_error" => {
            return (
                Code::ModelUpstreamMissing,
                at("the provider has no such model"),
            );
        }
        "internal_server_error"
        | "api_connection_error"
        | "service_unavailable_error"
        | "timeout"
        | "api_error" => {
            return (
                Code::UpstreamError,
                at("the gateway or its provider failed"),
            );
        }
        _ => {}
    }

    // 3. What the body is, then the status code.
    if r.is_html() {
        if status >= 500 {
            return (
                Code::UpstreamError,
                format!(
                    "{status} with an HTML error page ({}): something in front of the gateway failed",
                    html_title(r)
                ),
            );
        }
        let nf = not_gateway_detail(r);
        return (Code::NetNotGateway, nf);
    }
    match status {
        // LiteLLM answers a path it does not serve with FastAPI's own 404; its real 404s (a
        // provider's missing model) carry a LiteLLM message.
        404 if t.is_empty() && msg == "Not Found" => (Code::UrlEndpointPath, no_such_path()),
        401 if msg.is_empty() && t.is_empty() => (
            Code::AuthRefused,
            "401 without the gateway's message: a missing, malformed, unknown, blocked or expired \
             key all look like this; `tlcheck doctor` with that key finds which"
                .to_owned(),
        ),
        401 => (Code::AuthInvalidKey, at("401: the gateway refused the key")),
        403 => (Code::ModelNotAllowed, at("403: the key may not do this")),
        429 => match rate_kind(r, msg) {
            (Code::RateLimited, why) => (Code::RateLimited, why),
            (code, why) => (code, at(&why)),
        },
        s if s >= 500 => (
            Code::UpstreamError,
            at(&format!("{s}: the gateway or its provider failed")),
        ),
        404 if info.is_none() => (
            Code::NetNotGateway,
            format!("404 without an error envelope: {}", not_gateway_detail(r)),
        ),
        _ => (
            Code::UpstreamBadResponse,
            if info.is_some() {
                at("an error tlcheck does not recognise")
            } else {
                format!("{status} with a body that is not the gateway's error envelope")
            },
        ),
    }
}

fn no_such_path() -> String {
    "404 `Not Found`: the gateway has no such path. The usual cause is a base URL that already \
     ends in `/chat/completions` (the SDK adds it again); check the base URL with `tlcheck url`"
        .to_owned()
}

/// The key's own limits versus the provider's.
fn rate_kind(r: &Response, msg: &str) -> (Code, String) {
    let limit_type = r.header("rate_limit_type").map(str::to_owned).or_else(|| {
        msg.split("Limit type: ")
            .nth(1)
            .map(|rest| rest.split(['.', ',', ' ']).next().unwrap_or("").to_owned())
    });
    let retry = r
        .header("retry-after")
        .map(|s| format!(", retry after {s} s"))
        .unwrap_or_default();
    let reset = r
        .header("reset_at")
        .map(|s| format!(" (window resets {s})"))
        .unwrap_or_default();
    match limit_type.as_deref() {
        Some("requests") => {
            return (
                Code::RateRequests,
                format!("the key's requests-per-minute limit{retry}{reset}"),
            );
        }
        Some("tokens") => {
            return (
                Code::RateTokens,
                format!("the key's tokens-per-minute limit{retry}{reset}"),
            );
        }
        Some("max_parallel_requests") => {
            return (
                Code::RateParallel,
                format!("the key's limit on parallel requests{retry}"),
            );
        }
        _ => {}
    }
    let from_provider = msg.to_ascii_lowercase().contains("litellm.ratelimiterror")
        || r.header("llm_provider-retry-after").is_some()
        || r.headers
            .iter()
            .any(|(n, _)| n.to_ascii_lowercase().starts_with("llm_provider-"));
    if from_provider {
        let retry = r
            .header("llm_provider-retry-after")
            .map(|s| format!(", provider asks to retry after {s} s"))
            .unwrap_or_default();
        return (
            Code::RateUpstream,
            format!("the model provider's rate limit{retry}"),
        );
    }
    if msg.to_ascii_lowercase().contains("parallel") {
        return (
            Code::RateParallel,
            format!("the key's limit on parallel requests{retry}"),
        );
    }
    if msg.is_empty() && r.header("retry-after").is_none() {
        return (
            Code::RateLimited,
            "429 without the gateway's message or headers: the key's own limits and the \
             provider's look alike here; `tlcheck doctor` with that key shows the key's limits"
                .to_owned(),
        );
    }
    (
        Code::RateRequests,
        format!("the key's request rate limit{retry}{reset}"),
    )
}

fn budget_detail(msg: &str) -> String {
    let number_after = |label: &str| {
        msg.split(label)
            .nth(1)
            .map(|rest| {
                rest.trim_start()
                    .split([',', ' '])
                    .next()
                    .unwrap_or("")
                    .to_owned()
            })
            .filter(|s| !s.is_empty())
    };
    match (number_after("Current cost:"), number_after("Max budget:")) {
        (Some(spent), Some(max)) => format!("spent ${spent} of a ${max} budget"),
        _ => "the key's budget is spent".to_owned(),
    }
}

fn expiry_detail(msg: &str) -> String {
    msg.split("Key Expiry time ")
        .nth(1)
        .and_then(|rest| rest.split(" and current time").next())
        .and_then(crate::time::parse_utc)
        .map(|t| format!("the key expired at {}", crate::time::format_utc(t)))
        .unwrap_or_else(|| "the key has expired".to_owned())
}

fn model_detail(msg: &str) -> String {
    msg.split("model=")
        .nth(1)
        .map(|rest| rest.split(['.', ' ']).next().unwrap_or(""))
        .filter(|m| !m.is_empty())
        .map(|m| format!("the gateway has no model `{m}`"))
        .unwrap_or_else(|| "the gateway has no model by that name".to_owned())
}

/// A page an intermediary answered with: who, and what its status means there.
fn hop_page(r: &Response, page: crate::net::hop::Page, check: &'static str) -> Finding {
    let mut f = Finding::new(page.code, check)
        .detail(page.meaning)
        .evidence("status", r.status)
        .evidence("answered_by", page.hop.shown());
    for (header, name) in [
        ("retry-after", "retry_after"),
        ("x-squid-error", "proxy_error"),
    ] {
        if let Some(v) = r.header(header) {
            f = f.evidence(name, v);
        }
    }
    if r.is_html() {
        f = f.evidence("page", html_title(r));
    }
    f
}

fn not_gateway(r: &Response, check: &'static str) -> Finding {
    Finding::new(Code::NetNotGateway, check)
        .detail(not_gateway_detail(r))
        .evidence("status", r.status)
        .evidence("content_type", r.header("content-type").unwrap_or(""))
        .evidence("body", excerpt(&String::from_utf8_lossy(r.body), 200))
}

fn not_gateway_detail(r: &Response) -> String {
    if r.is_html() {
        format!("an HTML page answered ({}), not the API", html_title(r))
    } else {
        format!(
            "the answer is not the gateway's JSON (content-type `{}`)",
            r.header("content-type").unwrap_or("none")
        )
    }
}

fn html_title(r: &Response) -> String {
    let text = String::from_utf8_lossy(r.body);
    let lower = text.to_ascii_lowercase();
    lower
        .find("<title>")
        .and_then(|start| {
            let from = start + "<title>".len();
            lower[from..]
                .find("</title>")
                .map(|end| text[from..from + end].trim().to_owned())
        })
        .filter(|t| !t.is_empty())
        .map(|t| format!("title \"{}\"", excerpt(&t, 80)))
        .unwrap_or_else(|| "no title".to_owned())
}

/// At most `max` characters of `text` on one line, marked when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests;
