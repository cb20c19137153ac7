//! The catalog: every finding code tlcheck knows, with its layer, default severity, title, cause and
//! fix. This is the only place in the code that writes advice.

use serde::Serialize;
use std::fmt;

/// A layer of the troubleshooting tree. Each failing layer maps to one exit code; `Advice` holds the
/// explanations reachable through `tlcheck explain` that never fail a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Config,
    Network,
    Auth,
    Model,
    Budget,
    Rate,
    Upstream,
    Stream,
    Advice,
}

impl Layer {
    /// Layers in the order that decides the exit code when several fail (BRIEF: config, network,
    /// auth, model, budget, rate, upstream, stream).
    pub const PRECEDENCE: [Layer; 8] = [
        Layer::Config,
        Layer::Network,
        Layer::Auth,
        Layer::Model,
        Layer::Budget,
        Layer::Rate,
        Layer::Upstream,
        Layer::Stream,
    ];

    /// Every layer, in the order `tlcheck explain` lists them.
    pub const ALL: [Layer; 9] = [
        Layer::Config,
        Layer::Network,
        Layer::Auth,
        Layer::Model,
        Layer::Budget,
        Layer::Rate,
        Layer::Upstream,
        Layer::Stream,
        Layer::Advice,
    ];

    /// The process exit code when this layer is the first to fail; `None` for advice.
    pub fn exit_code(self) -> Option<u8> {
        match self {
            Layer::Config => Some(10),
            Layer::Network => Some(11),
            Layer::Auth => Some(12),
            Layer::Model => Some(13),
            Layer::Rate => Some(14),
            Layer::Budget => Some(15),
            Layer::Stream => Some(16),
            Layer::Upstream => Some(17),
            Layer::Advice => None,
        }
    }

    /// A short human name, used in summaries ("exit 10 (configuration)").
    pub fn describe(self) -> &'static str {
        match self {
            Layer::Config => "configuration: key, header or base URL",
            Layer::Network => "network",
            Layer::Auth => "authentication refused",
            Layer::Model => "model not available to this key",
            Layer::Budget => "budget exhausted",
            Layer::Rate => "rate limited",
            Layer::Upstream => "gateway or upstream provider failed",
            Layer::Stream => "stream did not complete",
            Layer::Advice => "explanations",
        }
    }

    /// What this layer's exit code means, as the exit-code table says it.
    pub fn meaning(self) -> &'static str {
        match self {
            Layer::Config => "configuration: key, header or base URL wrong",
            Layer::Network => "network: DNS, connect, TLS, proxy, timeout, not the gateway",
            Layer::Auth => "authentication refused",
            Layer::Model => "model not available to this key",
            Layer::Rate => "rate limited, retryable",
            Layer::Budget => "budget exhausted, not retryable",
            Layer::Stream => "stream did not complete",
            Layer::Upstream => "gateway or upstream provider failed",
            Layer::Advice => "explanations, never a failure",
        }
    }

    /// The finding families that fail in this layer, as the exit-code table names them.
    pub fn families(self) -> String {
        let mut families: Vec<&str> = Vec::new();
        for code in Code::ALL.iter().filter(|c| c.layer() == self) {
            let family = code.as_str().split('.').next().unwrap_or("");
            if !families.contains(&family) {
                families.push(family);
            }
        }
        families
            .iter()
            .map(|f| format!("{f}.*"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Config => "config",
            Layer::Network => "network",
            Layer::Auth => "auth",
            Layer::Model => "model",
            Layer::Budget => "budget",
            Layer::Rate => "rate",
            Layer::Upstream => "upstream",
            Layer::Stream => "stream",
            Layer::Advice => "advice",
        }
    }
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warn,
    Fail,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Fail => "fail",
        }
    }
}

/// One catalog entry.
#[derive(Debug)]
pub struct Entry {
    pub code: &'static str,
    pub layer: Layer,
    pub severity: Severity,
    pub title: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
}

/// What a fix text names of the user's own setup: `{host}` (the base URL's host) and `{key_var}`
/// (the variable the key lives in). Without a target (`explain`), TensorLoop's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advice {
    pub host: String,
    pub key_var: String,
}

impl Default for Advice {
    fn default() -> Self {
        Advice {
            host: GATEWAY_HOST.to_owned(),
            key_var: "TENSORLOOP_KEY".to_owned(),
        }
    }
}

impl Entry {
    /// The fix, speaking of the user's own host and key variable.
    pub fn fix_for(&self, advice: &Advice) -> String {
        self.fix
            .replace("{host}", &advice.host)
            .replace("{key_var}", &advice.key_var)
    }
}

macro_rules! catalog {
    ($( $variant:ident = $code:literal, $layer:ident, $severity:ident,
        title: $title:literal, cause: $cause:literal, fix: $fix:literal; )*) => {
        /// A stable finding code. New codes may be added; none is ever renamed.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, in catalog order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn entry(self) -> &'static Entry {
                match self {
                    $(Code::$variant => &Entry {
                        code: $code,
                        layer: Layer::$layer,
                        severity: Severity::$severity,
                        title: $title,
                        cause: $cause,
                        fix: $fix,
                    }),*
                }
            }
        }
    };
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.entry().code
    }

    pub fn layer(self) -> Layer {
        self.entry().layer
    }

    /// Look a code up by its dotted name (`key.missing`).
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A code in the JSON Schema: one of the catalog's dotted names.
#[cfg(test)]
impl schemars::JsonSchema for Code {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({
            "description": "A finding code from the catalog (`tlcheck explain CODE`).",
            "type": "string",
            "enum": names,
        })
    }
}

/// TensorLoop's own (kept in `crate::gateway::tensorloop`); the fix texts name them.
pub use crate::gateway::tensorloop::{CANONICAL_BASE_URL, DEFAULT_MODEL, GATEWAY_HOST};

catalog! {
    // ---- key.* -------------------------------------------------------------------------------
    KeyMissing = "key.missing", Config, Fail,
        title: "No API key found",
        cause: "tlcheck looked in --key-file, TENSORLOOP_KEY, OPENAI_API_KEY and a .env file in the \
                working directory and found no key, or only empty values. Without a key every call \
                is refused with 401.",
        fix: "Export the key before running: `export TENSORLOOP_KEY=sk-...` (mint one in the \
              dashboard's keys table if you have none), or point tlcheck at a file with \
              `--key-file PATH`.";
    KeyWhitespace = "key.whitespace", Config, Fail,
        title: "The key contains whitespace, a line break or quotes",
        cause: "Keys copied from a file, a .env line saved with Windows line endings, or a shell \
                assignment with nested quotes often carry characters you cannot see. The gateway \
                compares the key byte for byte, so any extra character makes it an unknown key \
                (401), and a line break makes most HTTP clients refuse to send the header at all.",
        fix: "Remove the quotes and every space, tab, line break and zero-width character from the \
              stored value. From a file: `export {key_var}=\"$(tr -d '[:space:]' < key.txt)\"`; \
              in a .env file, save it with LF line endings and no quotes inside the value.";
    KeyHasScheme = "key.has_scheme", Config, Fail,
        title: "The stored key already starts with `Bearer `",
        cause: "SDKs and HTTP helpers add the `Bearer ` scheme themselves, so a stored value of \
                `Bearer sk-...` goes out as `Bearer Bearer sk-...`, which the gateway rejects as a \
                key that does not start with `sk-`.",
        fix: "Store only the key itself (`sk-...`) in the variable or file, and let the SDK or your \
              code add `Bearer `.";
    KeyPrefix = "key.prefix", Config, Fail,
        title: "The key does not look like a TensorLoop key (`sk-...`)",
        cause: "TensorLoop keys are LiteLLM virtual keys and always start with `sk-`; the gateway \
                answers anything else with 401 \"LiteLLM Virtual Key expected\". The usual cause is \
                OPENAI_API_KEY still holding another provider's key (OpenAI `sk-proj-...`, Anthropic \
                `sk-ant-...`), or a dashboard session token pasted in place of a key.",
        fix: "Use a key minted in the TensorLoop dashboard, and set it in TENSORLOOP_KEY so it \
              cannot be confused with another provider's OPENAI_API_KEY.";
    KeyMalformed = "key.malformed", Config, Fail,
        title: "The key holds characters no key has, or is absurdly long",
        cause: "TensorLoop keys are short printable ASCII (`sk-` and a few dozen letters, digits, \
                `-` and `_`). A value with bytes that are not UTF-8 (shown as U+FFFD), letters \
                outside ASCII, control characters or thousands of characters is not a key: an \
                HTTP client would alter it or refuse it, and the gateway could only answer 401. \
                tlcheck sends nothing with such a value.",
        fix: "Copy the key again from the dashboard's keys table into a plain-text file or \
              variable, without an editor that converts characters, and check its encoding.";
    KeyPlaceholder = "key.placeholder", Config, Fail,
        title: "The key is a placeholder, not a real key",
        cause: "The value is an example from documentation or a template (`sk-...`, \
                `sk-your-key-here`, `<your-key>`, `YOUR_API_KEY`), left in place of a key. \
                tlcheck sends nothing with it.",
        fix: "Replace it with a key minted in the TensorLoop dashboard: \
              `export TENSORLOOP_KEY=sk-...` with the real value.";
    KeyConflict = "key.conflict", Config, Warn,
        title: "Two sources hold different keys",
        cause: "A key can come from several places and the first one found wins: --key or \
                --key-file, then TENSORLOOP_KEY, then OPENAI_API_KEY, then the .env file. Your \
                application may read a different one than tlcheck does, so a check can pass here \
                while your application sends the other key.",
        fix: "Keep one key: remove or update the shadowed source, or make your code read the \
              variable tlcheck reports as the winner.";
    KeyOnArgv = "key.on_argv", Config, Warn,
        title: "The key was passed on the command line",
        cause: "Command-line arguments are visible to every user of the machine in the process list \
                and end up in shell history and CI logs.",
        fix: "Pass the key through TENSORLOOP_KEY or `--key-file PATH` instead, and rotate the key \
              if the command line was shared or logged.";
    KeyExpiring = "key.expiring", Config, Warn,
        title: "The key expires within 7 days",
        cause: "The gateway's /key/info reports an expiry date less than a week away. Keys expire 90 \
                days after minting by default; an expired key disappears from the dashboard and \
                every call returns 401 `expired_key`.",
        fix: "Mint a replacement key now and roll it out before the expiry shown in the evidence.";

    KeyLeaked = "key.leaked", Config, Fail,
        title: "The route leaks a key to its caller",
        cause: "An answer from the route checked with --no-key (your own backend, which adds the \
                key itself) carried something that looks like an API key (`sk-…`) in a header or \
                the body. Whoever calls the route, a browser included, can read it and call the \
                gateway as you. LiteLLM quotes keys in some refusals, so a route that passes the \
                gateway's errors on verbatim leaks its own key.",
        fix: "Strip keys from everything the route returns (headers, error messages, echoed \
              requests), then mint a new key and revoke the one that leaked.";

    // ---- header.* ----------------------------------------------------------------------------
    HeaderSchemeCase = "header.scheme_case", Config, Fail,
        title: "The scheme is not written exactly `Bearer`",
        cause: "TensorLoop documents `Authorization: Bearer <key>` with `Bearer` case-sensitive. The \
                LiteLLM gateway behind it rejects `BEARER` and other mixed cases with 401 \
                \"Malformed API Key\". It happens to accept all-lowercase `bearer`, which is why that \
                form is only a warning: it works today but is not the documented form.",
        fix: "Write the scheme exactly as `Bearer`: capital B, the rest lowercase.";
    HeaderSpacing = "header.spacing", Config, Fail,
        title: "`Bearer` and the key are not separated by exactly one space",
        cause: "The gateway splits the value on one ordinary space. Two spaces, a tab, a \
                non-breaking or zero-width space, a colon (`Bearer: sk-...`) or no space at all \
                leave a token that does not start with `sk-`, and the call fails with 401.",
        fix: "Send `Authorization: Bearer <key>` with exactly one ordinary space after `Bearer` and \
              nothing else around the key.";
    HeaderNoScheme = "header.no_scheme", Config, Fail,
        title: "The header value has no `Bearer` scheme",
        cause: "The value is a bare key, or uses another scheme (`Token`, `Api-Key`, `Basic`). \
                TensorLoop expects `Bearer <key>`; the gateway answers a bare key with 401 \
                \"Malformed API Key passed in. Ensure Key has `Bearer ` prefix\". (LiteLLM happens \
                to accept `Basic <key>`, which TensorLoop does not document.)",
        fix: "Put `Bearer ` before the key: `Authorization: Bearer sk-...`. With an OpenAI SDK, give \
              the bare key as `api_key` / `apiKey` and the SDK adds the scheme.";
    HeaderWrongName = "header.wrong_name", Config, Fail,
        title: "The key is sent in the wrong header",
        cause: "TensorLoop reads the key from the `Authorization` header. Other names (`Authorisation`, \
                `Auth`, `Token`, `X-Auth-Token`) are ignored, so the gateway sees no key and answers \
                401 \"No api key passed in\". LiteLLM also reads `x-api-key` and `api-key` \
                (Anthropic and Azure style): that works today, but TensorLoop does not document it.",
        fix: "Send the key as `Authorization: Bearer <key>`.";
    HeaderEmptyKey = "header.empty_key", Config, Fail,
        title: "The header carries no key",
        cause: "The value is `Bearer` with nothing after it, or a placeholder that was never filled \
                in: `undefined`, `null`, `None`, `<key>`, or a variable name such as \
                `$TENSORLOOP_KEY` that the shell did not expand (single quotes stop expansion).",
        fix: "Check that the variable is set where the request is built \
              (`echo ${TENSORLOOP_KEY:+set}`), and use double quotes in shell commands: \
              `-H \"Authorization: Bearer $TENSORLOOP_KEY\"`.";

    // ---- url.* -------------------------------------------------------------------------------
    UrlMarketingSite = "url.marketing_site", Config, Fail,
        title: "The base URL points at the marketing site",
        cause: "`tensorloop.tech` serves the website, not the inference API: calls get HTML pages or \
                404s, and SDKs report confusing parse errors.",
        fix: "Use `https://litellm.tensorloop.tech/v1` as the base URL (`base_url` in the Python \
              SDK, `baseURL` in the JavaScript SDK).";
    UrlNoSuchHost = "url.no_such_host", Config, Fail,
        title: "The base URL's host does not exist",
        cause: "`api.tensorloop.tech` is a natural guess, but there is no such host: lookups fail \
                and SDKs report connection errors.",
        fix: "Use `https://litellm.tensorloop.tech/v1` as the base URL.";
    UrlMissingV1 = "url.missing_v1", Config, Fail,
        title: "The base URL does not end in `/v1`",
        cause: "SDKs append `chat/completions` or `models` to the base URL. Without `/v1` (or with \
                `/V1`: paths are case-sensitive) they call paths other than the documented ones.",
        fix: "End the base URL with `/v1` (the suggestion shows the corrected URL).";
    UrlDashboardApi = "url.dashboard_api", Config, Fail,
        title: "The base URL points at the dashboard API",
        cause: "`tensorloop.tech/api/*` is the dashboard's own API. It authenticates with browser \
                session cookies, not keys, so it refuses every key with 401.",
        fix: "Send inference calls to `https://litellm.tensorloop.tech/v1`.";
    UrlNotHttps = "url.not_https", Config, Fail,
        title: "The base URL uses plain http",
        cause: "Over `http://` the key travels unencrypted and anyone on the path can read it; the \
                TensorLoop gateway is served over https. tlcheck never sends a key over plain http \
                except to this machine (loopback).",
        fix: "Use `https://`. Plain http is fine only for a gateway on this machine (127.0.0.1, \
              ::1, localhost).";
    UrlEndpointPath = "url.endpoint_path", Config, Fail,
        title: "The base URL includes an endpoint path",
        cause: "The base URL ends in an endpoint such as `/chat/completions` or `/models`. SDKs \
                append the endpoint again and call `.../chat/completions/chat/completions`, which \
                does not exist.",
        fix: "Cut the base URL back to the part ending in `/v1`; the SDK adds the endpoint.";
    UrlInvalid = "url.invalid", Config, Fail,
        title: "The base URL is not a usable URL",
        cause: "A base URL is a plain `https://host/v1`. This one cannot be parsed, lacks the \
                `https://` scheme, or carries something a base URL must not have: surrounding \
                whitespace, a query string or fragment, or credentials (`user:pass@`), which SDKs \
                mangle or send to the wrong place.",
        fix: "Set the base URL to `https://litellm.tensorloop.tech/v1` (or your own gateway's \
              `https://host/v1`), with nothing before or after it.";
    UrlConflict = "url.conflict", Config, Warn,
        title: "Two sources hold different base URLs",
        cause: "A base URL can come from several places and the first one found wins: --base-url, \
                then TENSORLOOP_BASE_URL, then OPENAI_BASE_URL, then the .env file. The OpenAI SDKs \
                read only OPENAI_BASE_URL, so your application may call another gateway than the \
                one tlcheck checked. A variable that is set but empty is no base URL at all to an \
                SDK (it fails to connect), although tlcheck goes on to the next source.",
        fix: "Keep one base URL: remove, fill in or update the shadowed source, or make your code \
              read the variable tlcheck reports as the winner.";
    UrlCustomHost = "url.custom_host", Config, Info,
        title: "The base URL is not the TensorLoop gateway",
        cause: "The base URL points at another host. That is fine for a self-hosted or local \
                LiteLLM gateway, an internal proxy or a test server; TensorLoop-specific advice \
                (plans, dashboard) may not apply there.",
        fix: "Nothing to do if this is intended. TensorLoop's own gateway is \
              `https://litellm.tensorloop.tech/v1`.";

    // ---- net.* -------------------------------------------------------------------------------
    NetDns = "net.dns", Network, Fail,
        title: "The host name does not resolve",
        cause: "DNS returned no address for the base URL's host: a typo, a host that does not \
                exist, a VPN or corporate resolver that hides public names, or no network at all.",
        fix: "Check the host in the base URL, then try `nslookup {host}`. If it \
              resolves on another network but not here, check your VPN and DNS settings.";
    NetConnect = "net.connect", Network, Fail,
        title: "Could not open a connection",
        cause: "The host resolved, but the TCP connection was refused or the host unreachable: a \
                firewall, an outbound policy in CI, or a local gateway that is not running.",
        fix: "Check that outbound HTTPS (port 443) is allowed from this machine and, for a local \
              gateway, that it listens on the port in the base URL.";
    NetTls = "net.tls", Network, Fail,
        title: "The TLS handshake failed",
        cause: "The server's certificate could not be verified: expired, self-signed, issued for \
                another name, or replaced by a TLS-inspecting corporate proxy whose root \
                certificate this machine does not trust.",
        fix: "If your network inspects TLS, get your company's root CA certificate and trust it: \
              `tlcheck --cacert FILE` (or SSL_CERT_FILE) here, REQUESTS_CA_BUNDLE or \
              SSL_CERT_FILE for Python, NODE_EXTRA_CA_CERTS for Node. An expired or misnamed \
              certificate is the server's to fix. Never switch certificate verification off.";
    NetProxy = "net.proxy", Network, Fail,
        title: "The proxy failed",
        cause: "A proxy taken from HTTPS_PROXY, HTTP_PROXY or ALL_PROXY applies to this host, and \
                it refused the connection, failed, or asked for credentials (407).",
        fix: "Check the proxy address and its credentials, or add the gateway's host to NO_PROXY \
              if it should be reached directly.";
    NetTimeout = "net.timeout", Network, Fail,
        title: "The request timed out",
        cause: "No answer arrived before the deadline: a firewall that silently drops packets, a \
                congested network, or a server that accepts connections and never replies.",
        fix: "Retry once; if it keeps timing out, look for a firewall or proxy between this \
              machine and the gateway.";
    NetRedirect = "net.redirect", Network, Fail,
        title: "The server answered with a redirect",
        cause: "The base URL answered 3xx. SDKs either do not follow it or drop the Authorization \
                header on the way, and a redirect usually means the URL is wrong (http to https, a \
                moved host, a login page). tlcheck reports redirects and never follows them, so the \
                key is not sent to the new location.",
        fix: "If the location in the evidence is the gateway, use it as the base URL; otherwise \
              correct the base URL.";
    NetIntermediary = "net.intermediary", Network, Fail,
        title: "A proxy or load balancer in front of the gateway answered",
        cause: "The answer came from an intermediary (nginx, a CDN, a load balancer, a platform), \
                not from the gateway: its own page, no `x-litellm-*` headers, no call id. The \
                evidence names who answered (from `Server`, `Via` and product headers) and what \
                the status means there: 502, the gateway behind it is down or sent headers larger \
                than the hop's buffer; 504, no first byte from the gateway within the hop's read \
                timeout; 413, the request body is larger than the hop allows; 503, maintenance or \
                overload; 403 or 429 from a CDN, its own firewall or rate rules.",
        fix: "Fix it on that hop, not in your key or code. 502: check the gateway behind it, and \
              raise the header buffer (nginx `proxy_buffer_size 8k`). 504: raise the read timeout \
              (nginx `proxy_read_timeout`) above the model's time to first token, or turn on the \
              gateway's keepalive pings. 413: raise the body limit (nginx \
              `client_max_body_size`). 503: wait as long as `Retry-After` says. 403 or 429: ask \
              whoever runs the hop to allow these requests. The gateway never saw the request, so \
              there is no call id to quote; tlcheck's request id is in the report.";
    NetNotGateway = "net.not_gateway", Network, Fail,
        title: "Something other than the TensorLoop API answered",
        cause: "The base URL answered, but not the way the gateway does: an HTML page, a body that \
                is not JSON, or a status the API never sends. Typical causes are the marketing \
                site, a captive portal (hotel or airport Wi-Fi) and a corporate proxy's block page.",
        fix: "Check the base URL; open it in a browser to see what answers; sign in to the captive \
              portal, or ask IT to allow `{host}`.";

    // ---- auth.* ------------------------------------------------------------------------------
    AuthNoKeySent = "auth.no_key_sent", Auth, Fail,
        title: "The gateway received no key",
        cause: "401 \"No api key passed in\": the request reached the gateway without an \
                Authorization header. A wrong header name, an SDK client created without a key, or \
                a proxy that strips Authorization all look like this.",
        fix: "Send `Authorization: Bearer <key>`. If your code does and the gateway still sees no \
              key, a proxy between you and the gateway is removing the header.";
    AuthMalformed = "auth.malformed", Auth, Fail,
        title: "The gateway could not read the key from the header",
        cause: "401 \"Malformed API Key passed in\" or \"LiteLLM Virtual Key expected\": the scheme \
                is not `Bearer`, `Bearer` and the key are not separated by one space, or the key \
                does not start with `sk-`.",
        fix: "Run `tlcheck header` on the exact header your code sends, and send \
              `Authorization: Bearer sk-...`.";
    AuthInvalidKey = "auth.invalid_key", Auth, Fail,
        title: "The gateway does not know this key",
        cause: "401 `token_not_found_in_db`: the key is mistyped, truncated, from another \
                environment, or was revoked. Revoked keys disappear from the dashboard's keys table.",
        fix: "Compare the key's last 4 characters (in the fingerprint) with the dashboard's keys \
              table; if it is not there, mint a new key.";
    AuthBlockedKey = "auth.blocked_key", Auth, Fail,
        title: "The key is blocked",
        cause: "401 \"Key is blocked\": the key still exists, but an administrator blocked it and \
                every call is refused.",
        fix: "Ask the account owner to unblock the key, or mint a new one.";
    AuthExpiredKey = "auth.expired_key", Auth, Fail,
        title: "The key has expired",
        cause: "401 `expired_key`: keys expire 90 days after minting unless another expiry was set, \
                and expired keys disappear from the dashboard. A request for a model outside the \
                key's allowlist is refused with that 403 first, so an expiry can hide behind a \
                model error.",
        fix: "Mint a new key in the dashboard and replace the old one wherever it is used.";
    AuthRefused = "auth.refused", Auth, Fail,
        title: "The gateway refused the key (the paste does not say why)",
        cause: "A 401 whose body the client threw away (`requests`' `401 Client Error`, httpx's \
                `Client error '401 Unauthorized'`): a missing, malformed, unknown, blocked and \
                expired key all look the same without the gateway's message.",
        fix: "Run `tlcheck doctor` with the same key: it reads the gateway's answer and names the \
              cause. Or print the response body (`e.response.text`) where the error is caught.";

    // ---- model.* -----------------------------------------------------------------------------
    ModelNotAllowed = "model.not_allowed", Model, Fail,
        title: "This key may not call this model",
        cause: "403 `key_model_access_denied` (401 on older gateways): the model is not in the \
                key's allowlist. Model IDs are compared exactly, so case, dashes and dots matter: \
                `gpt-4o-mini` is not `GPT-4o-mini` or `gpt4o-mini`.",
        fix: "Open the dashboard's keys table, read the exact model IDs this key is scoped to, and \
              use one of them; or mint a key scoped to this model.";
    ModelFreePlan = "model.free_plan", Model, Fail,
        title: "Free keys may call only `gpt-4o-mini`",
        cause: "The key is on the free plan: `gpt-4o-mini` is the only model it may use, whatever \
                model the request names.",
        fix: "Use `gpt-4o-mini` (`--model gpt-4o-mini` here, and the same in your code), or upgrade \
              the plan and mint a new key.";
    ModelNotListed = "model.not_listed", Model, Fail,
        title: "The model is not in `/v1/models` for this key",
        cause: "Some SDK helpers look the model up with `GET /v1/models` first and raise \
                `NotFoundError: model not found` when it is missing, even where a direct chat call \
                could work. The list is filtered by the key's plan and allowlist.",
        fix: "Use a model ID exactly as `tlcheck models` lists it, or a key whose plan includes \
              this model.";
    ModelUnknown = "model.unknown", Model, Fail,
        title: "The gateway has no model by this name",
        cause: "400 `invalid_request_error` \"Invalid model name passed in model=...\": the gateway \
                routes no model of this name, for any key.",
        fix: "Pick a model ID from `tlcheck models`; check its spelling, case, dashes and provider \
              prefix.";
    ModelNearMiss = "model.near_miss", Model, Fail,
        title: "The model ID is almost one this key can use",
        cause: "The requested ID differs from an available one only by case, dashes, dots, \
                underscores or a provider prefix (such as `openai/`), and IDs must match exactly.",
        fix: "Use the exact ID given as the suggestion.";
    ModelConflict = "model.conflict", Model, Warn,
        title: "Two sources name different models",
        cause: "The model can come from --model, TENSORLOOP_MODEL or the .env file, and the first \
                one found wins. Your application may ask for another model than the one tlcheck \
                checked; a variable that is set but empty names no model at all.",
        fix: "Check the model your code really sends (`tlcheck models` lists what this key may \
              call), and keep one source for it.";
    ModelUpstreamMissing = "model.upstream_missing", Model, Fail,
        title: "The provider behind the gateway does not have this model",
        cause: "The gateway routes the model, but the upstream provider answered 404 \
                (\"litellm.NotFoundError\"): the deployment is misconfigured or the provider retired \
                the model. This is on the gateway's side, not your key's.",
        fix: "Use another model from `tlcheck models`, and report the call ID to TensorLoop support.";

    // ---- budget.* ----------------------------------------------------------------------------
    BudgetExhausted = "budget.exhausted", Budget, Fail,
        title: "The key's budget is spent",
        cause: "`budget_exceeded`: the key has spent its USD ceiling for the current 30-day window, \
                and the dashboard marks it \"Budget exhausted\". Gateways send this as 422 (LiteLLM \
                1.104 and later), 429 or 400 depending on version. It is not a rate limit: retrying \
                does not help.",
        fix: "Wait for the budget window to reset (the evidence shows when, if known), or mint a \
              key with a higher budget. Do not retry in a loop.";
    BudgetLow = "budget.low", Budget, Warn,
        title: "The key has used 90% or more of its budget",
        cause: "The gateway's /key/info shows spend at or above 90% of the key's maximum budget. \
                Once it is reached every call fails with `budget_exceeded` until the window resets.",
        fix: "Raise the budget or prepare a key with a higher one before this one runs out.";

    // ---- rate.* ------------------------------------------------------------------------------
    RateRequests = "rate.requests", Rate, Fail,
        title: "The key's requests-per-minute limit was reached",
        cause: "429 with `rate_limit_type: requests`: the key sent more requests in the last 60 \
                seconds than its RPM limit allows. The window is rolling.",
        fix: "Back off and retry after `retry-after` seconds (exponential backoff with jitter), \
              spread requests out, or ask for a higher RPM limit.";
    RateTokens = "rate.tokens", Rate, Fail,
        title: "The key's tokens-per-minute limit was reached",
        cause: "429 with `rate_limit_type: tokens`: the key used more tokens in the last 60 seconds \
                than its TPM limit allows. The window is rolling.",
        fix: "Back off and retry after `retry-after` seconds; send shorter prompts, lower \
              max_tokens, or ask for a higher TPM limit.";
    RateParallel = "rate.parallel", Rate, Fail,
        title: "Too many requests in flight for this key",
        cause: "429 with `rate_limit_type: max_parallel_requests`: the key has more requests running \
                at once than it is allowed.",
        fix: "Cap concurrency below the key's max_parallel_requests (a semaphore or a worker pool) \
              and retry the refused requests.";
    RateLimited = "rate.limited", Rate, Fail,
        title: "A rate limit was reached (the paste does not say whose)",
        cause: "A 429 whose body and headers the client threw away: the key's requests, tokens or \
                parallel limit, or the model provider's, all look the same without them.",
        fix: "Run `tlcheck doctor` with the same key (its `/key/info` step shows the key's limits), or \
              print the response body and the `rate_limit_type` and `retry-after` headers where the \
              error is caught.";
    RateUpstream = "rate.upstream", Rate, Fail,
        title: "The model provider is rate limiting the gateway",
        cause: "429 from the upstream provider, passed through by the gateway (\"litellm.RateLimitError\", \
                `llm_provider-retry-after`). It is not your key's limit. The gateway may already \
                have retried, so this answer can take many seconds to arrive.",
        fix: "Retry later with backoff, or use another model; if it persists, report the call ID to \
              TensorLoop support.";

    // ---- upstream.* --------------------------------------------------------------------------
    UpstreamError = "upstream.error", Upstream, Fail,
        title: "The gateway or its model provider failed",
        cause: "The gateway answered with a server error: the upstream provider failed, timed out \
                or could not be reached. Failed requests are not charged.",
        fix: "Retry with backoff; if it persists, report the call ID to TensorLoop support.";
    UpstreamNoDb = "upstream.no_db", Upstream, Fail,
        title: "The gateway cannot reach its key database",
        cause: "400 `no_db_connection` \"No connected db.\": the gateway's own store is down, so it \
                cannot check any key. This is an operator problem, not your configuration.",
        fix: "Nothing to change on your side: report it to TensorLoop support with the time and \
              retry later.";
    UpstreamBadResponse = "upstream.bad_response", Upstream, Fail,
        title: "The gateway sent a response tlcheck does not recognise",
        cause: "The status, content type or body matched none of the gateway's known answers: for \
                example an HTML error page from a load balancer, or an error without the \
                `{\"error\": ...}` envelope.",
        fix: "Read the excerpt in the evidence; if it persists, send this report to TensorLoop \
              support.";

    // ---- stream.* ----------------------------------------------------------------------------
    StreamNoDone = "stream.no_done", Stream, Fail,
        title: "The stream ended without `data: [DONE]`",
        cause: "The body ended cleanly but the closing `data: [DONE]` never came. With a \
                `finish_reason` the answer itself is complete, but clients that wait for `[DONE]` \
                will hang; without one the answer was cut short.",
        fix: "Treat a `finish_reason` as the end of the answer in your client, and report streams \
              that end without one to TensorLoop support with the call ID.";
    StreamCut = "stream.cut", Stream, Fail,
        title: "The connection broke in the middle of the stream",
        cause: "The response body stopped before its end: something between the gateway and this \
                machine closed the connection. The evidence gives the silence before the cut: \
                when it matches a known idle limit (30 s, 60 s for nginx and AWS load balancers, \
                100–125 s for Cloudflare), a hop closed the stream because no byte came for that \
                long; a cut while bytes were flowing is a limit on the total time, or a crash.",
        fix: "Raise the idle or read timeout of the proxy or platform in between (nginx \
              `proxy_read_timeout`), or have the gateway send keepalive comments more often than \
              that limit (LiteLLM `sse_keepalive_ping_interval_seconds`); for a total-time limit, \
              move the call to a non-edge function. Aborted streams are charged in full, so every \
              retry costs again.";
    StreamErrorEvent = "stream.error_event", Stream, Fail,
        title: "The stream carried an error event",
        cause: "The gateway sent `data: {\"error\": ...}` in the stream: the provider failed after \
                the stream had started, so the HTTP status stayed 200. With keepalive pings on, \
                LiteLLM opens the stream before the model answers, so even a refusal (a provider \
                rate limit, an outage) arrives this way, followed by `data: [DONE]`: a client \
                that only waits for `[DONE]` sees a complete, empty answer.",
        fix: "Check every `data:` frame for an `error` object in your stream loop, and treat it \
              as the request's failure; the embedded error is diagnosed in its own finding (a rate \
              limit in a frame is a rate limit).";
    StreamNotSse = "stream.not_sse", Stream, Fail,
        title: "A JSON error came back instead of a stream",
        cause: "The gateway refused the request before the first chunk, so it answered with an \
                ordinary JSON error and its real status instead of `text/event-stream`. Clients that \
                only parse `data:` lines never see the error.",
        fix: "Check the status code before reading a stream; the embedded error is diagnosed in its \
              own finding.";
    StreamBuffered = "stream.buffered", Stream, Warn,
        title: "A hop on the path buffers the stream",
        cause: "Many events arrived in one frame (one HTTP/1.1 chunk or HTTP/2 DATA frame). The \
                gateway writes each event as its own frame, even when its model answered all at \
                once, so a hop between it and this machine collected them: nginx that ignores \
                the gateway's `X-Accel-Buffering: no` (`proxy_ignore_headers`, or an outer tier \
                the inner one hides the header from), a CDN or serverless platform, antivirus or \
                a TLS-inspecting proxy. Events that merely arrive close together, one to a frame, \
                were produced at once by the model or gateway and are not this.",
        fix: "Turn response buffering off in the hop in between: nginx `proxy_buffering off` for \
              this location (or stop ignoring `X-Accel-Buffering`, and pass it on from an inner \
              tier with `proxy_pass_header X-Accel-Buffering`); a proxy's or platform's own \
              streaming setting otherwise. In your own client read the stream incrementally \
              (OpenAI SDK `stream=True`, `eventsource-parser` in JavaScript).";
    StreamFinished = "stream.finished", Stream, Info,
        title: "The model ended the answer itself",
        cause: "`finish_reason` `stop`, `length` or `content_filter` is a natural end: the model \
                finished, reached max_tokens, or was stopped by the content filter.",
        fix: "Nothing to fix. `length` means the answer hit max_tokens: raise it if the answer was \
              cut short.";

    // ---- explanations ------------------------------------------------------------------------
    SpendStreaming = "spend.streaming", Advice, Info,
        title: "An aborted stream is charged in full",
        cause: "Spend is reported by the gateway after the request completes, for the whole output \
                the model produced, not for the bytes your client read. Closing a stream early does \
                not lower its cost.",
        fix: "Bound the cost of streams you may abort with max_tokens.";
    SpendFailedFree = "spend.failed_free", Advice, Info,
        title: "Failed requests are not charged",
        cause: "When the upstream model errors, the call costs nothing. A call that shows tokens and \
                cost on the Activity page did reach the model.",
        fix: "Use the Activity page's tokens and cost columns to tell whether a call reached the \
              model.";
    SpendRounding = "spend.rounding", Advice, Info,
        title: "Spend is stored to 4 decimal places",
        cause: "A sub-cent call can show as $0.0000 on the Activity page and still count toward the \
                key's budget.",
        fix: "Compare totals over many calls rather than single ones; the exact cost of one call is \
              in its `x-litellm-response-cost` header.";
    CorsBrowser = "cors.browser", Advice, Info,
        title: "Do not call TensorLoop from a browser",
        cause: "A key in browser code can be read by anyone through DevTools, and the gateway is \
                not meant to answer cross-origin calls from web pages.",
        fix: "Call TensorLoop from your backend and let the browser call your backend. For internal \
              tools, forward requests through a same-origin route handler on the server.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn fix_texts_fill_in_every_placeholder() {
        let mine = Advice {
            host: "gw.internal".into(),
            key_var: "OPENAI_API_KEY".into(),
        };
        for code in Code::ALL {
            let e = code.entry();
            for advice in [Advice::default(), mine.clone()] {
                let fix = e.fix_for(&advice);
                assert!(
                    !fix.contains("{host}") && !fix.contains("{key_var}"),
                    "{fix}"
                );
            }
            // A fix that names the host names the user's own.
            if e.fix.contains("{host}") {
                assert!(e.fix_for(&mine).contains("gw.internal"), "{}", e.code);
                assert!(!e.fix_for(&mine).contains(GATEWAY_HOST), "{}", e.code);
            }
        }
        assert!(
            Code::KeyWhitespace
                .entry()
                .fix_for(&mine)
                .contains("export OPENAI_API_KEY=")
        );
    }

    #[test]
    fn codes_are_unique_and_in_their_layer() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let e = code.entry();
            assert!(seen.insert(e.code), "duplicate {}", e.code);
            let family = e.code.split('.').next().unwrap();
            let expected = match family {
                "key" | "header" | "url" => Layer::Config,
                "net" => Layer::Network,
                "auth" => Layer::Auth,
                "model" => Layer::Model,
                "budget" => Layer::Budget,
                "rate" => Layer::Rate,
                "upstream" => Layer::Upstream,
                "stream" => Layer::Stream,
                "spend" | "cors" => Layer::Advice,
                other => panic!("unknown family {other}"),
            };
            assert_eq!(e.layer, expected, "{}", e.code);
            assert!(!e.title.is_empty() && !e.cause.is_empty() && !e.fix.is_empty());
            assert!(!e.fix.contains("  "), "double space in fix of {}", e.code);
            assert_eq!(Code::parse(e.code), Some(*code));
        }
    }

    #[test]
    fn every_code_in_the_brief_is_catalogued() {
        let brief = [
            "key.missing",
            "key.whitespace",
            "key.has_scheme",
            "key.prefix",
            "key.conflict",
            "key.on_argv",
            "key.expiring",
            "header.scheme_case",
            "header.spacing",
            "header.no_scheme",
            "header.wrong_name",
            "header.empty_key",
            "url.marketing_site",
            "url.no_such_host",
            "url.missing_v1",
            "url.dashboard_api",
            "url.not_https",
            "url.endpoint_path",
            "url.invalid",
            "url.custom_host",
            "net.dns",
            "net.connect",
            "net.tls",
            "net.proxy",
            "net.timeout",
            "net.redirect",
            "net.not_gateway",
            "auth.no_key_sent",
            "auth.malformed",
            "auth.invalid_key",
            "auth.blocked_key",
            "auth.expired_key",
            "model.not_allowed",
            "model.free_plan",
            "model.not_listed",
            "model.unknown",
            "model.near_miss",
            "model.upstream_missing",
            "budget.exhausted",
            "budget.low",
            "rate.requests",
            "rate.tokens",
            "rate.parallel",
            "rate.upstream",
            "upstream.error",
            "upstream.no_db",
            "upstream.bad_response",
            "stream.no_done",
            "stream.cut",
            "stream.error_event",
            "stream.not_sse",
            "stream.buffered",
            "stream.finished",
            "spend.streaming",
            "spend.failed_free",
            "spend.rounding",
            "cors.browser",
        ];
        for code in brief {
            assert!(
                Code::parse(code).is_some(),
                "{code} missing from the catalog"
            );
        }
        // Codes added since the brief, which allows additions (never renames).
        let added = [
            "url.conflict",
            "model.conflict",
            "net.intermediary",
            "key.leaked",
            "key.malformed",
            "key.placeholder",
            "auth.refused",
            "rate.limited",
        ];
        for code in added {
            assert!(
                Code::parse(code).is_some(),
                "{code} missing from the catalog"
            );
        }
        assert_eq!(Code::ALL.len(), brief.len() + added.len());
    }

    #[test]
    fn exit_codes_follow_the_brief() {
        let codes: Vec<_> = Layer::PRECEDENCE
            .iter()
            .map(|l| l.exit_code().unwrap())
            .collect();
        assert_eq!(codes, [10, 11, 12, 13, 15, 14, 17, 16]);
        assert_eq!(Layer::Advice.exit_code(), None);
    }
}
