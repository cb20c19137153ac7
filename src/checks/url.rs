//! Base-URL rules: the offline half of "is this the right base URL?" (`url.*`).

use super::ids;
use crate::catalog::{CANONICAL_BASE_URL, Code, GATEWAY_HOST, Severity};
use crate::redact::mask_url_credentials;
use crate::report::Finding;
use std::net::IpAddr;
use url::{Host, Url};

/// The marketing site's hosts.
const MARKETING_HOSTS: [&str; 2] = ["tensorloop.tech", "www.tensorloop.tech"];
/// A host people guess that does not exist.
const NO_SUCH_HOSTS: [&str; 1] = ["api.tensorloop.tech"];
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    /// `litellm.tensorloop.tech`.
    Gateway,
    /// A TensorLoop host known to be wrong for the API: the key must never be sent there.
    KnownWrong,
    /// 127.0.0.0/8, ::1, localhost.
    Loopback,
    Other,
    Unparsed,
}

/// Apply every base-URL rule.
pub fn check(raw: &str) -> UrlVerdict {
    let mut findings = Vec::new();
    let finding = |code| Finding::new(code, ids::URL);
    let shown = mask_url_credentials(raw.trim()).into_owned();

    let trimmed = raw.trim();
    if trimmed != raw {
        findings.push(
            finding(Code::UrlInvalid)
                .severity(Severity::Warn)
                .detail("the base URL has whitespace or a line break around it; some SDKs keep it")
                .suggest(shown.clone()),
        );
    }
    if trimmed.is_empty() {
        findings.push(
            finding(Code::UrlInvalid)
                .detail("the base URL is empty")
                .suggest(CANONICAL_BASE_URL),
        );
        return unparsed(findings);
    }

    let parsed = match Url::parse(trimmed) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let guess = format!("https://{}", trimmed.trim_start_matches('/'));
            let mut f = finding(Code::UrlInvalid)
                .detail("the base URL has no scheme: it must start with `https://`");
            if let Ok(u) = Url::parse(&guess) {
                f = f.suggest(corrected(&u));
            }
            findings.push(f);
            return unparsed(findings);
        }
        Err(e) => {
            findings.push(
                finding(Code::UrlInvalid)
                    .detail(format!("the base URL cannot be parsed: {e}"))
                    .evidence("url", shown),
            );
            return unparsed(findings);
        }
    };

    if !matches!(parsed.scheme(), "http" | "https") {
        findings.push(
            finding(Code::UrlInvalid)
                .detail(format!("the scheme `{}:` is not `https:`", parsed.scheme()))
                .suggest(CANONICAL_BASE_URL),
        );
        return UrlVerdict {
            findings,
            parsed: Some(parsed),
            host: HostKind::Unparsed,
        };
    }
    let Some(host) = parsed.host() else {
        findings.push(finding(Code::UrlInvalid).detail("the base URL names no host"));
        return UrlVerdict {
            findings,
            parsed: Some(parsed),
            host: HostKind::Unparsed,
        };
    };
    let host_name = host.to_string();
    let kind = classify_host(&host);

    if !parsed.username().is_empty() || parsed.password().is_some() {
        findings.push(
            finding(Code::UrlInvalid)
                .severity(Severity::Warn)
                .detail("the base URL carries credentials (`user:pass@`); the gateway reads only the key")
                .suggest(corrected(&parsed)),
        );
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        let part = if parsed.query().is_some() {
            "a query string (`?...`)"
        } else {
            "a fragment (`#...`)"
        };
        findings.push(
            finding(Code::UrlInvalid)
                .detail(format!(
                    "the base URL carries {part}; SDKs append paths after it"
                ))
                .suggest(corrected(&parsed)),
        );
    }

    let path = parsed.path();
    match kind {
        HostKind::KnownWrong if MARKETING_HOSTS.contains(&host_name.as_str()) => {
            let dashboard = path == "/api" || path.starts_with("/api/");
            let code = if dashboard {
                Code::UrlDashboardApi
            } else {
                Code::UrlMarketingSite
            };
            findings.push(
                finding(code)
                    .detail(format!("`{host_name}{path}` is not the inference API"))
                    .evidence("host", host_name.clone())
                    .suggest(CANONICAL_BASE_URL),
            );
            return UrlVerdict {
                findings,
                parsed: Some(parsed),
                host: kind,
            };
        }
        HostKind::KnownWrong => {
            findings.push(
                finding(Code::UrlNoSuchHost)
                    .detail(format!(
                        "`{host_name}` does not exist; the API is at `{GATEWAY_HOST}`"
                    ))
                    .evidence("host", host_name.clone())
                    .suggest(CANONICAL_BASE_URL),
            );
            return UrlVerdict {
                findings,
                parsed: Some(parsed),
                host: kind,
            };
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
        let mut https = parsed.clone();
        let _ = https.set_scheme("https");
        findings.push(
            finding(Code::UrlNotHttps)
                .detail(format!(
                    "`http://{host_name}` would send the key unencrypted"
                ))
                .suggest(corrected(&https)),
        );
    }

    let trimmed_path = path.trim_end_matches('/');
    let lower = trimmed_path.to_ascii_lowercase();
    let endpoint = ENDPOINTS.iter().find(|e| lower.ends_with(*e)).copied();
    let base_path = match endpoint {
        Some(e) => {
            let base = &trimmed_path[..trimmed_path.len() - e.len()];
            let mut fixed = parsed.clone();
            fixed.set_path(if base.is_empty() { "/v1" } else { base });
            findings.push(
                finding(Code::UrlEndpointPath)
                    .detail(format!(
                        "the base URL ends in `{}`",
                        &trimmed_path[trimmed_path.len() - e.len()..]
                    ))
                    .suggest(corrected(&fixed)),
            );
            base
        }
        None => trimmed_path,
    };

    let ends_in_v1 = base_path.ends_with("/v1");
    if endpoint.is_none() && !ends_in_v1 {
        let case_only = base_path.to_ascii_lowercase().ends_with("/v1");
        let detail = if case_only {
            format!("the path `{path}` has `/V1` in capitals; paths are case-sensitive")
        } else if base_path.is_empty() {
            "the base URL has no path; it must end in `/v1`".to_owned()
        } else {
            format!("the path `{path}` does not end in `/v1`")
        };
        let mut fixed = parsed.clone();
        let new_path = if case_only {
            format!("{}/v1", &base_path[..base_path.len() - 3])
        } else {
            format!("{base_path}/v1")
        };
        fixed.set_path(&new_path);
        let mut f = finding(Code::UrlMissingV1)
            .detail(detail)
            .suggest(corrected(&fixed));
        // LiteLLM serves its routes with and without `/v1`; only TensorLoop's own host documents it.
        if kind != HostKind::Gateway && !case_only {
            f = f.severity(Severity::Warn);
        }
        findings.push(f);
    }

    UrlVerdict {
        findings,
        parsed: Some(parsed),
        host: kind,
    }
}

fn unparsed(findings: Vec<Finding>) -> UrlVerdict {
    UrlVerdict {
        findings,
        parsed: None,
        host: HostKind::Unparsed,
    }
}

fn classify_host(host: &Host<&str>) -> HostKind {
    match host {
        Host::Domain(d) if *d == GATEWAY_HOST => HostKind::Gateway,
        Host::Domain(d) if MARKETING_HOSTS.contains(d) || NO_SUCH_HOSTS.contains(d) => {
            HostKind::KnownWrong
        }
        Host::Domain(d) if *d == "localhost" || d.ends_with(".localhost") => HostKind::Loopback,
        Host::Ipv4(ip) if IpAddr::V4(*ip).is_loopback() => HostKind::Loopback,
        Host::Ipv6(ip) if IpAddr::V6(*ip).is_loopback() => HostKind::Loopback,
        _ => HostKind::Other,
    }
}

/// The URL with its credentials, query and fragment removed: the form a base URL should take.
fn corrected(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u.as_str().trim_end_matches('/').to_owned()
}

/// Whether plain http may carry the key to this URL's host (only loopback).
pub fn is_loopback(url: &Url) -> bool {
    url.host()
        .is_some_and(|h| classify_host(&h) == HostKind::Loopback)
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
}
