//! Who answered: the intermediaries (proxies, load balancers, CDNs, platforms) an answer's headers
//! reveal, the time limits they are known for, and what a page of their own means.

use crate::catalog::Code;
use std::time::Duration;

/// A product that sits between a client and the gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    Nginx,
    Squid,
    Cloudflare,
    CloudFront,
    AwsLoadBalancer,
    AwsApiGateway,
    Vercel,
    Envoy,
    Varnish,
    Caddy,
    Apache,
    /// Named only by a `Via` entry.
    Other,
}

impl Product {
    /// What it is known to limit, in words; empty when nothing is known.
    pub fn limits(self) -> &'static str {
        match self {
            Product::Nginx => {
                "proxy_read_timeout 60 s by default (idle and first byte); buffers streams \
                 unless the gateway's `X-Accel-Buffering: no` reaches it"
            }
            Product::Cloudflare => "about 100 s to the first byte and between reads (up to 125 s)",
            Product::AwsLoadBalancer => "idle timeout 60 s by default",
            Product::AwsApiGateway => "29 s for the whole request by default",
            Product::CloudFront => "origin read timeout 30 s by default",
            Product::Vercel => "edge functions must send their first byte within 25 s",
            Product::Envoy => "route timeout 15 s by default, stream idle timeout 5 min",
            Product::Squid => "read_timeout 15 min; passes streams through",
            Product::Varnish => "between_bytes_timeout 60 s by default",
            Product::Caddy | Product::Apache | Product::Other => "",
        }
    }

    /// Whether it is a CDN, a platform or a firewall in front of a site (whose own 403 and 429
    /// pages are its rules, not the gateway's).
    fn is_edge(self) -> bool {
        matches!(
            self,
            Product::Cloudflare | Product::CloudFront | Product::Vercel | Product::AwsApiGateway
        )
    }
}

/// One intermediary and the header that revealed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub product: Product,
    /// As the answer named it: `nginx/1.22.1`, `1.1 proxy (squid/5.7)`, `Cloudflare`.
    pub name: String,
    /// The header that revealed it, lowercase.
    pub header: String,
}

impl Hop {
    /// The name with the header that revealed it: `nginx/1.22.1 (server header)`.
    pub fn shown(&self) -> String {
        format!("{} ({} header)", self.name, self.header)
    }
}

/// The intermediaries `headers` reveal, in the order their headers came.
pub fn revealed(headers: &[(String, String)]) -> Vec<Hop> {
    let mut hops: Vec<Hop> = Vec::new();
    let mut add = |product: Product, name: &str, header: &str| {
        let known = product != Product::Other && hops.iter().any(|h| h.product == product);
        if !known {
            hops.push(Hop {
                product,
                name: name.to_owned(),
                header: header.to_owned(),
            });
        }
    };
    for (header, value) in headers {
        let header = header.to_ascii_lowercase();
        let value = value.trim();
        let found = match header.as_str() {
            "server" => server_product(&value.to_ascii_lowercase()).map(|p| (p, value)),
            "x-squid-error" => Some((Product::Squid, "squid")),
            "cf-ray" => Some((Product::Cloudflare, "Cloudflare")),
            "x-amz-cf-id" | "x-amz-cf-pop" => Some((Product::CloudFront, "Amazon CloudFront")),
            "x-amzn-requestid" | "x-amzn-errortype" | "x-amz-apigw-id" => {
                Some((Product::AwsApiGateway, "Amazon API Gateway"))
            }
            "x-amzn-trace-id" => Some((Product::AwsLoadBalancer, "an AWS load balancer")),
            "x-vercel-id" | "x-vercel-error" | "x-vercel-cache" => {
                Some((Product::Vercel, "Vercel"))
            }
            "x-envoy-upstream-service-time" => Some((Product::Envoy, "envoy")),
            "x-varnish" => Some((Product::Varnish, "Varnish")),
            _ => None,
        };
        if let Some((product, name)) = found {
            add(product, name, &header);
        }
        if header == "via" {
            for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                let e = entry.to_ascii_lowercase();
                let product = if e.contains("squid") {
                    Product::Squid
                } else if e.contains("cloudfront") {
                    Product::CloudFront
                } else if e.contains("varnish") {
                    Product::Varnish
                } else if e.contains("envoy") {
                    Product::Envoy
                } else {
                    Product::Other
                };
                add(product, entry, "via");
            }
        }
    }
    hops
}

fn server_product(server: &str) -> Option<Product> {
    let s = server.trim();
    Some(if s.starts_with("nginx") || s.starts_with("openresty") {
        Product::Nginx
    } else if s.starts_with("squid") {
        Product::Squid
    } else if s == "cloudflare" {
        Product::Cloudflare
    } else if s.starts_with("awselb") {
        Product::AwsLoadBalancer
    } else if s.starts_with("cloudfront") || s == "amazons3" {
        Product::CloudFront
    } else if s == "vercel" {
        Product::Vercel
    } else if s.starts_with("envoy") || s.starts_with("istio-envoy") {
        Product::Envoy
    } else if s.starts_with("caddy") {
        Product::Caddy
    } else if s.starts_with("apache") {
        Product::Apache
    } else {
        return None;
    })
}

/// A page an intermediary answered with instead of the gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub code: Code,
    pub hop: Hop,
    /// What the status means on that hop.
    pub meaning: String,
}

/// Whether an answer is an intermediary's own page: it carries none of the gateway's headers and
/// no error envelope of its own, a hop is revealed, and the status is one hops answer with.
pub fn page(status: u16, headers: &[(String, String)], has_error_envelope: bool) -> Option<Page> {
    let from_gateway = headers.iter().any(|(n, _)| {
        n.to_ascii_lowercase()
            .starts_with(crate::gateway::litellm::HEADER_PREFIX)
    });
    if from_gateway || has_error_envelope || status < 400 {
        return None;
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    let hops = revealed(headers);
    // The hop that wrote the page: a squid error names itself; otherwise the product in `Server`,
    // then the first one revealed.
    let squid_error = header("x-squid-error");
    let hop = hops
        .iter()
        .find(|h| squid_error.is_some() && h.product == Product::Squid)
        .or_else(|| hops.iter().find(|h| h.header == "server"))
        .or_else(|| hops.first())?
        .clone();
    let who = hop.name.clone();
    if status == 407 {
        return Some(Page {
            code: Code::NetProxy,
            meaning: format!(
                "{who} requires proxy credentials and did not accept the request (407)"
            ),
            hop,
        });
    }
    if let Some(error) = squid_error {
        return Some(Page {
            code: Code::NetProxy,
            meaning: match error.split_whitespace().next().unwrap_or("") {
                "ERR_ACCESS_DENIED" => format!(
                    "the proxy {who} denies access to this destination ({error}): its access \
                     rules do not allow the gateway's host"
                ),
                _ => format!("the proxy {who} could not complete the request ({error})"),
            },
            hop,
        });
    }
    let retry = header("retry-after")
        .map(|r| format!(", and asks to retry after {r}"))
        .unwrap_or_default();
    let meaning = match status {
        502 => format!(
            "{who} got no valid answer from the gateway behind it: the gateway is down or \
             unreachable from it, or its response headers exceed the hop's buffer (nginx \
             `upstream sent too big header`: LiteLLM's streaming headers are about 1.5 kB)"
        ),
        504 => format!(
            "{who} gave up waiting for the gateway's first byte (its read timeout; nginx \
             proxy_read_timeout is 60 s by default). LiteLLM sends no headers until the model's \
             first token, so a slow first token alone triggers it"
        ),
        413 => format!(
            "the request body is larger than {who} accepts (nginx client_max_body_size, 1 MB by \
             default)"
        ),
        503 => format!("{who} answered with a maintenance or overload page{retry}"),
        403 | 429 if hop.product.is_edge() => format!(
            "{who} refused the request by its own rules ({status}: a firewall, bot or rate rule), \
             before the gateway saw it{retry}"
        ),
        _ => return None,
    };
    Some(Page {
        code: Code::NetIntermediary,
        hop,
        meaning,
    })
}

/// A time limit that proxies, load balancers and platforms commonly put on a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownLimit {
    /// The range of seconds it is set to.
    pub secs: (u64, u64),
    /// Who sets it.
    pub who: &'static str,
}

/// Idle (read) limits met in the wild: the silence a hop tolerates before it closes a stream.
pub const IDLE_LIMITS: [KnownLimit; 3] = [
    KnownLimit {
        secs: (30, 30),
        who: "a common load-balancer and platform idle limit",
    },
    KnownLimit {
        secs: (60, 60),
        who: "nginx's default proxy_read_timeout and AWS load balancers' default idle timeout",
    },
    KnownLimit {
        secs: (100, 125),
        who: "Cloudflare's proxy read timeout",
    },
];

/// Time-to-first-byte limits met in the wild: how long a hop waits for the answer's headers.
pub const FIRST_BYTE_LIMITS: [KnownLimit; 3] = [
    KnownLimit {
        secs: (25, 25),
        who: "edge functions' limit on the first byte",
    },
    KnownLimit {
        secs: (60, 60),
        who: "nginx's default proxy_read_timeout",
    },
    KnownLimit {
        secs: (100, 125),
        who: "Cloudflare's proxy read timeout",
    },
];

impl KnownLimit {
    /// Whether `d` sits at this limit (within 5 %, at least 1 s).
    fn matches(&self, d: Duration) -> bool {
        let s = d.as_secs_f64();
        let slack = |limit: u64| (limit as f64 * 0.05).max(1.0);
        s >= self.secs.0 as f64 - slack(self.secs.0) && s <= self.secs.1 as f64 + slack(self.secs.1)
    }

    /// The limit in seconds, as a range where it varies.
    pub fn shown(&self) -> String {
        match self.secs {
            (a, b) if a == b => format!("{a} s"),
            (a, b) => format!("{a}–{b} s"),
        }
    }
}

/// The known limit `d` sits at, if any.
pub fn known_limit(limits: &[KnownLimit], d: Duration) -> Option<KnownLimit> {
    limits.iter().copied().find(|l| l.matches(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn hops_are_revealed_by_their_headers() {
        let hops = revealed(&h(&[
            ("server", "nginx/1.22.1"),
            ("via", "1.1 squid-host (squid/5.7), 1.1 edge"),
            ("cf-ray", "8a1b-AMS"),
        ]));
        let products: Vec<Product> = hops.iter().map(|h| h.product).collect();
        assert_eq!(
            products,
            [
                Product::Nginx,
                Product::Squid,
                Product::Other,
                Product::Cloudflare
            ]
        );
        assert_eq!(hops[0].shown(), "nginx/1.22.1 (server header)");
        // The gateway's own server is not a hop.
        assert!(revealed(&h(&[("server", "uvicorn")])).is_empty());
    }

    #[test]
    fn pages_of_the_path_are_named_with_their_meaning() {
        let nginx = |status| page(status, &h(&[("server", "nginx/1.22.1")]), false);
        for (status, words) in [
            (502, "too big header"),
            (504, "first byte"),
            (413, "client_max_body_size"),
        ] {
            let p = nginx(status).unwrap();
            assert_eq!(p.code, Code::NetIntermediary);
            assert!(p.meaning.contains(words), "{status}: {}", p.meaning);
            assert!(p.meaning.contains("nginx/1.22.1"), "{}", p.meaning);
        }
        let maintenance = page(
            503,
            &h(&[("server", "nginx"), ("retry-after", "120")]),
            false,
        )
        .unwrap();
        assert!(maintenance.meaning.contains("retry after 120"));
        let squid = page(
            403,
            &h(&[
                ("server", "squid/5.7"),
                ("x-squid-error", "ERR_ACCESS_DENIED 0"),
                ("via", "1.1 host (squid/5.7)"),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(squid.code, Code::NetProxy);
        assert!(squid.meaning.contains("denies access"), "{}", squid.meaning);
        // The gateway's own answers, an error envelope, a 404 or no hop: not a hop's page.
        let gateway = h(&[("server", "nginx"), ("x-litellm-call-id", "c")]);
        assert_eq!(page(502, &gateway, false), None);
        assert_eq!(page(502, &h(&[("server", "nginx")]), true), None);
        assert_eq!(nginx(404), None);
        assert_eq!(page(502, &h(&[("server", "uvicorn")]), false), None);
        // A 403 is a CDN's own rule, but from nginx it may be the application's.
        assert!(page(403, &h(&[("cf-ray", "x")]), false).is_some());
        assert_eq!(nginx(403), None);
    }

    #[test]
    fn known_limits_match_within_five_percent() {
        let l = |s: f64| known_limit(&IDLE_LIMITS, Duration::from_secs_f64(s)).map(|l| l.secs);
        assert_eq!(l(29.98), Some((30, 30)));
        assert_eq!(l(59.2), Some((60, 60)));
        assert_eq!(l(96.0), Some((100, 125)));
        assert_eq!(l(124.0), Some((100, 125)));
        assert_eq!(l(45.0), None);
        assert_eq!(l(2.0), None);
        let first = known_limit(&FIRST_BYTE_LIMITS, Duration::from_secs_f64(25.3));
        assert_eq!(first.map(|l| l.secs), Some((25, 25)));
    }
}
