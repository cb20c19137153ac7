//! Base-URL rules: the offline half of "is this the right base URL?" (`url.*`).

use super::ids;
use crate::catalog::{CANONICAL_BASE_URL, Code, GATEWAY_HOST, Severity};
pub use crate::host::HostKind;
use crate::redact::mask_url_credentials;
use crate::report::Finding;
use url::Url;
/// Endpoint paths that belong after the base URL, never in it (longest first).
const ENDPOINTS: [&str; 7] = [
    "/chat/completions",
    "/completions",
    "/models",
    "/embeddings",
    "/responses",
    "/messages",
    "/key/info",
];

/// What the rules made of a base URL.
#[derive(Debug)]
pub struct UrlVerdict {
    pub findings: Vec<Finding>,
    /// The URL as parsed, when it could be.
    pub parsed: Option<Url>,
    /// What kind of host it names.
    pub host: HostKind,
}

impl UrlVerdict {
    /// The host fix texts should name: a gateway of the user's own, not a TensorLoop host (whose
    /// advice is TensorLoop's own).
    pub fn own_host(&self) -> Option<String> {
        matches!(self.host, HostKind::Other | HostKind::Loopback)
            .then(|| crate::host::canonical(self.parsed.as_ref()?).map(|h| h.as_lookup()))
            .flatten()
    }
}

/// Where the base URL came from: `url.conflict` when the winner shadows another base URL or an
/// empty variable. A URL given as the command's argument stands alone.
pub fn provenance(target: &crate::inputs::Target) -> Option<Finding> {
    let url = target.base_url.as_ref()?;
    if url.source.kind == crate::inputs::SourceKind::Argument {
        return None;
    }
    super::conflict(
        Code::UrlConflict,
        ids::URL,
        url,
        &mask_url_credentials(&url.value),
        &target.empty_url_sources,
    )
}

/// Apply every base-URL rule. Every finding that asks for a change suggests the same URL: the
/// input with all of the rules' corrections applied.
pub fn check(raw: &str) -> UrlVerdict {
    let mut findings = Vec::new();
    let finding = |code| Finding::new(code, ids::URL);

    let trimmed = raw.trim();
    if trimmed != raw {
        findings.push(
            finding(Code::UrlInvalid)
                .severity(Severity::Warn)
                .detail("the base URL has whitespace or a line break around it; some SDKs keep it"),
        );
    }
    if trimmed.is_empty() {
        findings.push(finding(Code::UrlInvalid).detail("the base URL is empty"));
        return finish(
            findings,
            None,
            HostKind::Unparsed,
            CANONICAL_BASE_URL.to_owned(),
        );
    }

    // A URL without a scheme is unusable as given, but the other rules still apply to the
    // https:// form, so that one suggestion fixes everything.
    let (parsed, usable) = match Url::parse(trimmed) {
        Ok(u) => (u, true),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            findings.push(
                finding(Code::UrlInvalid)
                    .detail("the base URL has no scheme: it must start with `https://`"),
            );
            match Url::parse(&format!("https://{}", trimmed.trim_start_matches('/'))) {
                Ok(u) => (u, false),
                Err(_) => return finish(findings, None, HostKind::Unparsed, String::new()),
            }
        }
        Err(e) => {
            findings.push(
                finding(Code::UrlInvalid)
                    .detail(format!("the base URL cannot be parsed: {e}"))
                    .evidence("url", mask_url_credentials(trimmed).into_owned()),
            );
            return finish(findings, None, HostKind::Unparsed, String::new());
        }
    };

    if !matches!(parsed.scheme(), "http" | "https") {
        findings.push(
            finding(Code::UrlInvalid)
                .detail(format!("the scheme `{}:` is not `https:`", parsed.scheme())),
        );
        return finish(
            findings,
            Some(parsed),
            HostKind::Unparsed,
            CANONICAL_BASE_URL.to_owned(),
        );
    }
    let Some(host) = crate::host::canonical(&parsed) else {
        findings.push(finding(Code::UrlInvalid).detail("the base URL names no host"));
        return finish(
            findings,
            Some(parsed),
            HostKind::Unparsed,
            CANONICAL_BASE_URL.to_owned(),
        );
    };
    let host_name = host.to_string();
    let kind = host.kind();
    let mut fixed = parsed.clone();

    if !parsed.username().is_empty() || parsed.password().is_some() {
        findings.push(finding(Code::UrlInvalid).severity(Severity::Warn).detail(
            "the base URL carries credentials (`user:pass@`); the gateway reads only the key",
        ));
        let _ = fixed.set_username("");
        let _ = fixed.set_password(None);
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        let part = if parsed.query().is_some() {
            "a query string (`?...`)"
        } else {
            "a fragment (`#...`)"
        };
        findings.push(finding(Code::UrlInvalid).detail(format!(
            "the base URL carries {part}; SDKs append paths after it"
        )));
        fixed.set_query(None);
        fixed.set_fragment(None);
    }

    let path = parsed.path();
    match kind {
        HostKind::KnownWrong => {
            let code = if host.is_no_such_host() {
                Code::UrlNoSuchHost
            } else if path == "/api" || path.starts_with("/api/") {
                Code::UrlDashboardApi
            } else {
                Code::UrlMarketingSite
            };
            let detail = if code == Code::UrlNoSuchHost {
                format!("`{host_name}` does not exist; the API is at `{GATEWAY_HOST}`")
            } else {
                format!("`{host_name}{path}` is not the inference API")
            };
            findings.push(finding(code).detail(detail).evidence("host", host_name));
            let usable_kind = if usable { kind } else { HostKind::Unparsed };
            return finish(
                findings,
                Some(parsed),
                usable_kind,
                CANONICAL_BASE_URL.to_owned(),
            );
        }
        HostKind::Other | HostKind::Loopback => {
            findings.push(
                finding(Code::UrlCustomHost)
                    .detail(format!("`{host_name}` is not `{GATEWAY_HOST}`"))
                    .evidence("host", host_name.clone()),
            );
        }
        HostKind::Gateway | HostKind::Unparsed => {}
    }

    if parsed.scheme() == "http" && kind != HostKind::Loopback {
        findings.push(finding(Code::UrlNotHttps).detail(format!(
            "`http://{host_name}` would send the key unencrypted"
        )));
        let _ = fixed.set_scheme("https");
    }

    let trimmed_path = path.trim_end_matches('/');
    let lower = trimmed_path.to_ascii_lowercase();
    let mut base_path = trimmed_path;
    if let Some(e) = ENDPOINTS.iter().find(|e| lower.ends_with(*e)) {
        let cut = trimmed_path.len() - e.len();
        findings.push(
            finding(Code::UrlEndpointPath)
                .detail(format!("the base URL ends in `{}`", &trimmed_path[cut..])),
        );
        base_path = &trimmed_path[..cut];
    }

    if !base_path.ends_with("/v1") {
        let case_only = base_path.to_ascii_lowercase().ends_with("/v1");
        let detail = if case_only {
            format!("the path `{path}` has `/V1` in capitals; paths are case-sensitive")
        } else if base_path.is_empty() {
            "the base URL has no path; it must end in `/v1`".to_owned()
        } else {
            format!("the path `{path}` does not end in `/v1`")
        };
        let mut f = finding(Code::UrlMissingV1).detail(detail);
        // LiteLLM serves its routes with and without `/v1`; only TensorLoop's own host documents it.
        if kind != HostKind::Gateway && !case_only {
            f = f.severity(Severity::Warn);
        }
        findings.push(f);
        let stem = if case_only {
            &base_path[..base_path.len() - 3]
        } else {
            base_path
        };
        fixed.set_path(&format!("{stem}/v1"));
    } else {
        fixed.set_path(base_path);
    }

    let kind = if usable { kind } else { HostKind::Unparsed };
    let suggestion = fixed.as_str().trim_end_matches('/').to_owned();
    finish(findings, usable.then_some(parsed), kind, suggestion)
}

/// Attach the corrected URL to every finding that asks for a change.
fn finish(
    mut findings: Vec<Finding>,
    parsed: Option<Url>,
    host: HostKind,
    fixed: String,
) -> UrlVerdict {
    if !fixed.is_empty() {
        for f in findings.iter_mut().filter(|f| f.severity != Severity::Info) {
            f.suggestion = Some(fixed.clone());
        }
    }
    UrlVerdict {
        findings,
        parsed,
        host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAIL: Severity = Severity::Fail;
    const WARN: Severity = Severity::Warn;
    const INFO: Severity = Severity::Info;

    fn codes(raw: &str) -> Vec<(&'static str, Severity)> {
        check(raw)
            .findings
            .iter()
            .map(|f| (f.code.as_str(), f.severity))
            .collect()
    }

    fn suggestion(raw: &str, code: Code) -> String {
        check(raw)
            .findings
            .into_iter()
            .find(|f| f.code == code)
            .and_then(|f| f.suggestion)
            .unwrap()
    }

    #[test]
    fn the_canonical_url_passes_in_its_usual_spellings() {
        for raw in [
            "https://litellm.tensorloop.tech/v1",
            "https://litellm.tensorloop.tech/v1/",
            "HTTPS://LiteLLM.TensorLoop.Tech/v1",
            "https://litellm.tensorloop.tech:443/v1",
        ] {
            assert_eq!(codes(raw), [], "{raw}");
            assert_eq!(check(raw).host, HostKind::Gateway);
        }
    }

    #[test]
    fn marketing_site_and_dashboard_api() {
        assert_eq!(
            codes("https://tensorloop.tech/v1"),
            [("url.marketing_site", FAIL)]
        );
        assert_eq!(
            codes("https://www.tensorloop.tech"),
            [("url.marketing_site", FAIL)]
        );
        assert_eq!(
            codes("https://tensorloop.tech/api/keys"),
            [("url.dashboard_api", FAIL)]
        );
        assert_eq!(
            check("https://tensorloop.tech/v1").host,
            HostKind::KnownWrong
        );
        assert_eq!(
            suggestion("https://tensorloop.tech/v1", Code::UrlMarketingSite),
            CANONICAL_BASE_URL
        );
    }

    #[test]
    fn no_such_host() {
        assert_eq!(
            codes("https://api.tensorloop.tech/v1"),
            [("url.no_such_host", FAIL)]
        );
        assert_eq!(
            check("https://API.tensorloop.tech/v1").host,
            HostKind::KnownWrong
        );
    }

    #[test]
    fn missing_v1() {
        assert_eq!(
            codes("https://litellm.tensorloop.tech"),
            [("url.missing_v1", FAIL)]
        );
        assert_eq!(
            codes("https://litellm.tensorloop.tech/"),
            [("url.missing_v1", FAIL)]
        );
        assert_eq!(
            codes("https://litellm.tensorloop.tech/V1"),
            [("url.missing_v1", FAIL)]
        );
        assert_eq!(
            suggestion("https://litellm.tensorloop.tech/V1", Code::UrlMissingV1),
            CANONICAL_BASE_URL
        );
        assert_eq!(
            suggestion("https://litellm.tensorloop.tech", Code::UrlMissingV1),
            CANONICAL_BASE_URL
        );
    }

    #[test]
    fn endpoint_path() {
        for raw in [
            "https://litellm.tensorloop.tech/v1/chat/completions",
            "https://litellm.tensorloop.tech/v1/models/",
            "https://litellm.tensorloop.tech/v1/embeddings",
        ] {
            assert_eq!(codes(raw), [("url.endpoint_path", FAIL)], "{raw}");
            assert_eq!(suggestion(raw, Code::UrlEndpointPath), CANONICAL_BASE_URL);
        }
        assert_eq!(
            suggestion(
                "https://litellm.tensorloop.tech/chat/completions",
                Code::UrlEndpointPath
            ),
            CANONICAL_BASE_URL
        );
    }

    #[test]
    fn not_https_except_loopback() {
        assert_eq!(
            codes("http://litellm.tensorloop.tech/v1"),
            [("url.not_https", FAIL)]
        );
        assert_eq!(
            suggestion("http://litellm.tensorloop.tech/v1", Code::UrlNotHttps),
            CANONICAL_BASE_URL
        );
        for raw in [
            "http://127.0.0.1:4000/v1",
            "http://[::1]:4000/v1",
            "http://localhost:4000/v1",
            "http://127.8.9.10/v1",
        ] {
            assert_eq!(codes(raw), [("url.custom_host", INFO)], "{raw}");
            assert_eq!(check(raw).host, HostKind::Loopback, "{raw}");
        }
        assert_eq!(
            codes("http://gateway.internal/v1"),
            [("url.custom_host", INFO), ("url.not_https", FAIL)]
        );
    }

    #[test]
    fn invalid() {
        assert_eq!(codes("litellm.tensorloop.tech/v1"), [("url.invalid", FAIL)]);
        assert_eq!(check("litellm.tensorloop.tech/v1").host, HostKind::Unparsed);
        assert!(check("litellm.tensorloop.tech/v1").parsed.is_none());
        assert_eq!(
            codes("litellm.tensorloop.tech"),
            [("url.invalid", FAIL), ("url.missing_v1", FAIL)]
        );
        assert_eq!(
            suggestion("litellm.tensorloop.tech/v1", Code::UrlInvalid),
            CANONICAL_BASE_URL
        );
        assert_eq!(codes("https://"), [("url.invalid", FAIL)]);
        assert_eq!(
            codes("ftp://litellm.tensorloop.tech/v1"),
            [("url.invalid", FAIL)]
        );
        assert_eq!(codes(""), [("url.invalid", FAIL)]);
        assert_eq!(codes("https://exa mple.com/v1"), [("url.invalid", FAIL)]);
    }

    #[test]
    fn query_fragment_whitespace_and_userinfo() {
        assert_eq!(
            codes("https://litellm.tensorloop.tech/v1?x=1"),
            [("url.invalid", FAIL)]
        );
        assert_eq!(
            suggestion("https://litellm.tensorloop.tech/v1?x=1", Code::UrlInvalid),
            CANONICAL_BASE_URL
        );
        assert_eq!(
            codes("https://litellm.tensorloop.tech/v1#top"),
            [("url.invalid", FAIL)]
        );
        assert_eq!(
            codes("https://litellm.tensorloop.tech/v1\n"),
            [("url.invalid", WARN)]
        );
        assert_eq!(
            codes(" https://litellm.tensorloop.tech/v1"),
            [("url.invalid", WARN)]
        );
        let v = check("https://bob:hunter2@litellm.tensorloop.tech/v1");
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].severity, WARN);
        let shown = format!("{:?}", v.findings);
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn custom_hosts_warn_without_v1() {
        assert_eq!(
            codes("https://gw.example.com"),
            [("url.custom_host", INFO), ("url.missing_v1", WARN)]
        );
        assert_eq!(
            codes("https://gw.example.com/v1"),
            [("url.custom_host", INFO)]
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC*") {
            let _ = check(&text);
        }

        #[test]
        fn never_panics_on_url_like_text(
            scheme in proptest::sample::select(vec!["", "http://", "https://", "HTTPS://", "ftp://", "//"]),
            userinfo in proptest::sample::select(vec!["", "u@", "u:p@", ":@"]),
            host in "[a-zA-Z0-9.\\[\\]:-]{0,30}",
            path in "[/a-zA-Z0-9%?#=&.-]{0,30}",
        ) {
            let v = check(&format!("{scheme}{userinfo}{host}{path}"));
            // Every failing finding suggests one corrected URL that itself parses.
            for f in v.findings.iter().filter(|f| f.severity == Severity::Fail) {
                if let Some(s) = &f.suggestion {
                    proptest::prop_assert!(url::Url::parse(s).is_ok(), "{s}");
                }
            }
        }
    }
}
