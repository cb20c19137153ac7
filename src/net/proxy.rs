//! Which proxy applies to a URL, from the standard environment variables, said in plain words.

use crate::redact::mask_url_credentials;
use std::net::IpAddr;
use url::Url;

/// The proxy tlcheck will use for a URL, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyChoice {
    /// The variable that supplied it (`HTTPS_PROXY`, `https_proxy`, `ALL_PROXY`…).
    pub variable: &'static str,
    /// The proxy URL as configured (a missing scheme means http://).
    pub url: String,
}

impl ProxyChoice {
    /// The proxy URL with its password masked.
    pub fn shown(&self) -> String {
        mask_url_credentials(&self.url).into_owned()
    }

    pub fn parsed(&self) -> Option<Url> {
        Url::parse(&self.url).ok()
    }
}

/// What the environment says about proxies for one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxyDecision {
    None,
    /// The target is this machine: never proxied, whatever the variables say.
    Loopback,
    /// A proxy variable is set, but NO_PROXY exempts this host.
    Bypassed {
        by: &'static str,
        entry: String,
    },
    Use(ProxyChoice),
}

const HTTPS_VARS: [&str; 2] = ["https_proxy", "HTTPS_PROXY"];
const HTTP_VARS: [&str; 2] = ["http_proxy", "HTTP_PROXY"];
const ALL_VARS: [&str; 2] = ["all_proxy", "ALL_PROXY"];
const NO_PROXY_VARS: [&str; 2] = ["no_proxy", "NO_PROXY"];

/// Every proxy variable that is set, with credentials masked, for the report.
pub fn variables(env: &dyn Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    HTTPS_VARS
        .iter()
        .chain(&HTTP_VARS)
        .chain(&ALL_VARS)
        .chain(&NO_PROXY_VARS)
        .filter_map(|name| {
            env(name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (name.to_string(), shown(v.trim())))
        })
        .collect()
}

/// A proxy setting with its password masked, whether or not it names a scheme.
fn shown(value: &str) -> String {
    if value.contains("://") || !value.contains('@') {
        return mask_url_credentials(value).into_owned();
    }
    let masked = mask_url_credentials(&format!("http://{value}")).into_owned();
    masked.trim_start_matches("http://").to_owned()
}

/// Decide the proxy for `url` the way curl and most SDKs do: the scheme's variable, then
/// ALL_PROXY, unless NO_PROXY names the host (`*`, a domain and its subdomains, an IP or CIDR).
/// A loopback target is never proxied: a proxy would carry its plain-http requests, key included,
/// across the network.
pub fn decide(url: &Url, env: &dyn Fn(&str) -> Option<String>) -> ProxyDecision {
    let set = |names: &[&'static str]| {
        names.iter().find_map(|n| {
            env(n)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (*n, v.trim().to_owned()))
        })
    };
    let scheme_vars: &[&'static str] = if url.scheme() == "https" {
        &HTTPS_VARS
    } else {
        &HTTP_VARS
    };
    let Some((variable, value)) = set(scheme_vars).or_else(|| set(&ALL_VARS)) else {
        return ProxyDecision::None;
    };
    if crate::host::is_loopback(url) {
        return ProxyDecision::Loopback;
    }
    let host = crate::host::canonical(url).map_or(String::new(), |h| h.as_lookup());
    if let Some((by, list)) = set(&NO_PROXY_VARS)
        && let Some(entry) = list
            .split(',')
            .map(str::trim)
            .find(|e| no_proxy_matches(e, &host, url.port_or_known_default()))
    {
        return ProxyDecision::Bypassed {
            by,
            entry: entry.to_owned(),
        };
    }
    let url = if value.contains("://") {
        value
    } else {
        format!("http://{value}")
    };
    ProxyDecision::Use(ProxyChoice { variable, url })
}

fn no_proxy_matches(entry: &str, host: &str, port: Option<u16>) -> bool {
    if entry.is_empty() {
        return false;
    }
    if entry == "*" {
        return true;
    }
    // An entry with a port (`host:8080`) covers that host on that port only, as Python's
    // requests and httpx read it (curl ignores such entries: it uses the proxy for every port).
    let entry_host = match entry.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !h.contains(':') => {
            if p.parse::<u16>().ok() != port {
                return false;
            }
            h
        }
        _ => entry,
    };
    let entry_host = entry_host.trim_start_matches('[').trim_end_matches(']');
    if let (Some((net, bits)), Ok(ip)) = (entry_host.split_once('/'), host.parse::<IpAddr>()) {
        return cidr_contains(net, bits, ip);
    }
    let domain = entry_host
        .trim_start_matches("*.")
        .trim_start_matches('.')
        .to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    host == domain || host.ends_with(&format!(".{domain}"))
}

fn cidr_contains(net: &str, bits: &str, ip: IpAddr) -> bool {
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::inputs::env_of as env;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn scheme_variable_then_all_proxy() {
        let e = env(&[
            ("HTTPS_PROXY", "http://p:3128"),
            ("ALL_PROXY", "socks5://q:1080"),
        ]);
        match decide(&url("https://litellm.tensorloop.tech/v1"), &e) {
            ProxyDecision::Use(c) => assert_eq!(
                (c.variable, c.url.as_str()),
                ("HTTPS_PROXY", "http://p:3128")
            ),
            other => panic!("{other:?}"),
        }
        match decide(&url("http://h/v1"), &e) {
            ProxyDecision::Use(c) => assert_eq!(c.variable, "ALL_PROXY"),
            other => panic!("{other:?}"),
        }
        assert_eq!(decide(&url("https://h/v1"), &env(&[])), ProxyDecision::None);
    }

    #[test]
    fn lowercase_wins_and_scheme_defaults_to_http() {
        let e = env(&[
            ("https_proxy", "proxy.corp:8080"),
            ("HTTPS_PROXY", "http://other:1"),
        ]);
        match decide(&url("https://h/"), &e) {
            ProxyDecision::Use(c) => assert_eq!(
                (c.variable, c.url.as_str()),
                ("https_proxy", "http://proxy.corp:8080")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_proxy_forms() {
        let cases = [
            ("*", "https://any.host/", true),
            ("tensorloop.tech", "https://litellm.tensorloop.tech/", true),
            (".tensorloop.tech", "https://litellm.tensorloop.tech/", true),
            (
                "litellm.tensorloop.tech:443",
                "https://litellm.tensorloop.tech/",
                true,
            ),
            ("other.tech", "https://litellm.tensorloop.tech/", false),
            ("loop.tech", "https://litellm.tensorloop.tech/", false),
            // An entry with a port covers that port only (requests and httpx; curl never
            // matches it). (Loopback never goes through a proxy at all: see below.)
            ("gw.internal:9999", "http://gw.internal:4130/", false),
            ("gw.internal:9999", "http://gw.internal:9999/", true),
            (
                "litellm.tensorloop.tech:8443",
                "https://litellm.tensorloop.tech/",
                false,
            ),
            ("10.0.0.0/8", "http://10.1.2.3:4000/", true),
            ("10.0.0.0/8", "http://11.1.2.3:4000/", false),
            ("::2", "http://[::2]:4000/", true),
        ];
        for (entry, u, bypass) in cases {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([
                ("HTTPS_PROXY", "http://p:1"),
                ("HTTP_PROXY", "http://p:1"),
                ("NO_PROXY", entry),
            ]));
            let d = decide(&url(u), &env(pairs));
            assert_eq!(
                matches!(d, ProxyDecision::Bypassed { .. }),
                bypass,
                "{entry} {u}: {d:?}"
            );
        }
    }

    #[test]
    fn loopback_is_never_proxied() {
        let e = env(&[("HTTP_PROXY", "http://p:1"), ("HTTPS_PROXY", "http://p:1")]);
        for u in [
            "http://127.0.0.1:4000/v1",
            "http://localhost:4000/v1",
            "http://gw.localhost/v1",
            "http://[::1]:4000/v1",
            "https://localhost./v1",
        ] {
            assert_eq!(decide(&url(u), &e), ProxyDecision::Loopback, "{u}");
        }
    }

    proptest::proptest! {
        #[test]
        fn no_proxy_entries_never_panic(entry in "[\\PC]{0,30}", cidr in "[0-9a-f.:/\\[\\]*é]{0,24}") {
            for host in ["127.0.0.1", "::1", "litellm.tensorloop.tech", ""] {
                for port in [None, Some(443), Some(9999)] {
                    let _ = no_proxy_matches(&entry, host, port);
                    let _ = no_proxy_matches(&cidr, host, port);
                }
            }
            let _ = shown(&entry);
            let _ = crate::redact::mask_url_credentials(&entry);
        }
    }

    #[test]
    fn every_variable_set_is_listed_masked() {
        let e = env(&[
            ("HTTPS_PROXY", "bob:pw@p:3128"),
            ("no_proxy", "localhost"),
            ("ALL_PROXY", ""),
        ]);
        assert_eq!(
            variables(&e),
            [
                ("HTTPS_PROXY".to_owned(), "bob:***@p:3128".to_owned()),
                ("no_proxy".to_owned(), "localhost".to_owned())
            ]
        );
    }

    #[test]
    fn credentials_are_masked_when_shown() {
        let c = ProxyChoice {
            variable: "HTTPS_PROXY",
            url: "http://bob:s3cret@p:3128".into(),
        };
        assert_eq!(c.shown(), "http://bob:***@p:3128");
    }
}
