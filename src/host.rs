//! The one canonical form of a host, and the rule built on it for where the key may go. Every URL
//! rule, every loopback decision and the HTTP client's key policy ask this module, so no spelling
//! of a host (case, trailing dot, IDNA or full-width dots, percent-escapes, userinfo, default port)
//! can be judged one way by one of them and another way by the next.

use crate::gateway::tensorloop::{GATEWAY_HOST, MARKETING_HOSTS, NO_SUCH_HOSTS};
use std::net::IpAddr;
use url::{Host, Url};

/// What kind of host a URL names.
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

/// A URL's host in its one canonical form, or `None` when it has none.
///
/// The URL parser has already lowercased the name, applied IDNA (which maps full-width and
/// ideographic dots to `.`), decoded percent-escapes, separated any userinfo and dropped a default
/// port. What is left is the root-label dot: `tensorloop.tech.` names the same host as
/// `tensorloop.tech` (and a TLS client accepts the same certificate for it), so trailing dots go.
pub fn canonical(url: &Url) -> Option<Canonical> {
    match url.host()? {
        Host::Domain(d) => Some(Canonical::Name(
            d.trim_end_matches('.').to_ascii_lowercase(),
        )),
        Host::Ipv4(ip) => Some(Canonical::Ip(IpAddr::V4(ip))),
        Host::Ipv6(ip) => Some(Canonical::Ip(
            // `::ffff:127.0.0.1` is 127.0.0.1.
            ip.to_ipv4_mapped().map_or(IpAddr::V6(ip), IpAddr::V4),
        )),
    }
}

/// A canonical host: a name without its trailing dot, or an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Canonical {
    Name(String),
    Ip(IpAddr),
}

impl Canonical {
    pub fn kind(&self) -> HostKind {
        match self {
            Canonical::Name(d) if d == GATEWAY_HOST => HostKind::Gateway,
            Canonical::Name(d)
                if MARKETING_HOSTS.contains(&d.as_str()) || NO_SUCH_HOSTS.contains(&d.as_str()) =>
            {
                HostKind::KnownWrong
            }
            Canonical::Name(d) if d == "localhost" || d.ends_with(".localhost") => {
                HostKind::Loopback
            }
            Canonical::Ip(ip) if ip.is_loopback() => HostKind::Loopback,
            _ => HostKind::Other,
        }
    }

    /// Whether this is the host people guess that does not exist (`api.tensorloop.tech`).
    pub fn is_no_such_host(&self) -> bool {
        matches!(self, Canonical::Name(d) if NO_SUCH_HOSTS.contains(&d.as_str()))
    }

    /// The host as a resolver or a NO_PROXY list sees it (no brackets around an IPv6 address).
    pub fn as_lookup(&self) -> String {
        match self {
            Canonical::Name(d) => d.clone(),
            Canonical::Ip(ip) => ip.to_string(),
        }
    }
}

impl std::fmt::Display for Canonical {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Canonical::Name(d) => f.write_str(d),
            Canonical::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Canonical::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// The kind of host `url` names.
pub fn kind(url: &Url) -> HostKind {
    canonical(url).map_or(HostKind::Unparsed, |h| h.kind())
}

/// Whether `url` names this machine (127.0.0.0/8, `::1`, `localhost`, `*.localhost`).
pub fn is_loopback(url: &Url) -> bool {
    kind(url) == HostKind::Loopback
}

/// The key policy: whether a request to `url` may carry the key. Never to a TensorLoop host known
/// to be wrong, in any spelling; never in clear text except on a direct connection to this
/// machine (a proxy in between counts as clear text on the network). `Err` says why not.
pub fn may_carry_key(url: &Url, via_proxy: bool) -> Result<(), String> {
    let Some(host) = canonical(url) else {
        return Err("the URL names no host".to_owned());
    };
    match (host.kind(), url.scheme()) {
        (HostKind::KnownWrong, _) => Err(format!(
            "`{host}` is a TensorLoop host that is not the API; the key goes only to `{GATEWAY_HOST}`"
        )),
        (_, "https") => Ok(()),
        (HostKind::Loopback, "http") if !via_proxy => Ok(()),
        (HostKind::Loopback, "http") => Err(format!(
            "plain http to `{host}` would go through a proxy, in clear text"
        )),
        (_, "http") => Err(format!(
            "plain http to `{host}` would carry the key unencrypted off this machine"
        )),
        (_, scheme) => Err(format!("`{scheme}:` is not http or https")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn spellings_of_one_host_are_one_host() {
        for raw in [
            "https://tensorloop.tech/v1",
            "https://tensorloop.tech./v1",
            "https://TensorLoop.Tech./v1",
            "https://tensorloop%2etech/v1",
            "https://tensorloop\u{FF0E}tech/v1",
            "https://tensorloop\u{3002}tech/v1",
            "https://ｔｅｎｓｏｒｌｏｏｐ.tech/v1",
            "https://user:pw@tensorloop.tech:443/v1",
        ] {
            assert_eq!(
                canonical(&url(raw)),
                Some(Canonical::Name("tensorloop.tech".into())),
                "{raw}"
            );
            assert_eq!(kind(&url(raw)), HostKind::KnownWrong, "{raw}");
        }
        assert_eq!(
            kind(&url("https://api.tensorloop.tech./v1")),
            HostKind::KnownWrong
        );
        assert_eq!(
            kind(&url("https://www.tensorloop.tech./v1")),
            HostKind::KnownWrong
        );
        assert_eq!(
            kind(&url("https://litellm.tensorloop.tech./v1")),
            HostKind::Gateway
        );
    }

    #[test]
    fn loopback_in_its_spellings() {
        for raw in [
            "http://127.0.0.1:4000/v1",
            "http://127.1/v1",
            "http://0x7f.0.0.1/v1",
            "http://[::1]:4000/v1",
            "http://[::ffff:127.0.0.1]/v1",
            "http://localhost./v1",
            "http://LOCALHOST/v1",
            "http://gw.localhost/v1",
        ] {
            assert!(is_loopback(&url(raw)), "{raw}");
        }
        for raw in ["http://localhost.example/v1", "http://10.0.0.1/v1"] {
            assert!(!is_loopback(&url(raw)), "{raw}");
        }
    }

    #[test]
    fn the_key_policy() {
        assert!(may_carry_key(&url("https://litellm.tensorloop.tech/v1"), true).is_ok());
        assert!(may_carry_key(&url("https://gw.example/v1"), false).is_ok());
        assert!(may_carry_key(&url("http://127.0.0.1:4000/v1"), false).is_ok());
        assert!(may_carry_key(&url("http://127.0.0.1:4000/v1"), true).is_err());
        assert!(may_carry_key(&url("http://gw.example/v1"), false).is_err());
        assert!(may_carry_key(&url("https://tensorloop.tech./v1"), false).is_err());
    }

    proptest::proptest! {
        /// No spelling of a known-wrong host is a host the key may go to.
        #[test]
        fn no_spelling_of_a_wrong_host_may_carry_the_key(
            which in 0usize..3,
            upper in proptest::collection::vec(proptest::bool::ANY, 32),
            dot in proptest::sample::select(vec![".", "%2e", "%2E", "\u{FF0E}", "\u{3002}", "\u{FF61}"]),
            trailing in proptest::sample::select(vec!["", ".", "%2e"]),
            userinfo in proptest::sample::select(vec!["", "u@", "u:p@", "litellm.tensorloop.tech@"]),
            port in proptest::sample::select(vec!["", ":443", ":80", ":8443"]),
            scheme in proptest::sample::select(vec!["https", "http", "HTTPS"]),
        ) {
            let labels: &[&str] = match which {
                0 => &["tensorloop", "tech"],
                1 => &["api", "tensorloop", "tech"],
                _ => &["www", "tensorloop", "tech"],
            };
            let mut n = 0;
            let cased: Vec<String> = labels
                .iter()
                .map(|l| {
                    l.chars()
                        .map(|c| {
                            n += 1;
                            if upper[n % upper.len()] { c.to_ascii_uppercase() } else { c }
                        })
                        .collect()
                })
                .collect();
            let raw = format!("{scheme}://{userinfo}{}{trailing}{port}/v1", cased.join(dot));
            if let Ok(u) = Url::parse(&raw) {
                proptest::prop_assert_eq!(kind(&u), HostKind::KnownWrong, "{}", raw);
                proptest::prop_assert!(may_carry_key(&u, false).is_err(), "{}", raw);
            }
        }
    }
}
