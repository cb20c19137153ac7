//! What the live checks share: the gateway's endpoints, the rule for where the key may go, and
//! turning a request's outcome into report data.

use crate::catalog::Code;
use crate::net::{Exchange, Http, Request, TransportFailure, TransportKind};
use crate::report::{Finding, Outcome, RequestRecord};
use crate::secret::ApiKey;
use std::time::Duration;
use url::Url;

/// What every live check of a run is given: the client (which carries the key only to its one
/// origin), the gateway, the key (none on a keyless route), the model, the stream's limits and
/// the time the run started. One per target; a long-running caller reuses it run after run.
pub struct Session {
    pub http: Http,
    pub gateway: Gateway,
    pub key: Option<ApiKey>,
    pub model: String,
    pub stream_limits: StreamLimits,
}

/// Limits on one streamed request.
#[derive(Clone, Copy, Debug)]
pub struct StreamLimits {
    /// The whole stream, from request to last byte (`--stream-timeout`).
    pub total: Duration,
    /// Silence between two events (`--idle-timeout`). Keepalive comments do not end a silence:
    /// a model that has stopped answering behind a gateway sending `: ping` is still silent.
    pub idle: Duration,
    /// Bytes read at most.
    pub max_bytes: u64,
}

/// A live check under way.
pub type Running<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Outcome> + Send + 'a>>;

/// The gateway tlcheck talks to: its base URL (ending in `/v1`, or wherever the API lives) and
/// the root under which `/health/*` and `/key/info` live.
#[derive(Clone, Debug)]
pub struct Gateway {
    pub base: Url,
    pub root: Url,
}

impl Gateway {
    /// From a base URL the URL rules accepted (or corrected).
    pub fn new(base: &Url) -> Gateway {
        let mut base = base.clone();
        base.set_query(None);
        base.set_fragment(None);
        let _ = base.set_username("");
        let _ = base.set_password(None);
        let path = base.path().trim_end_matches('/').to_owned();
        base.set_path(&path);
        let mut root = base.clone();
        let root_path = path.strip_suffix("/v1").unwrap_or(&path).to_owned();
        root.set_path(&root_path);
        Gateway { base, root }
    }

    /// An endpoint under the base URL: `models` → `…/v1/models`.
    pub fn api(&self, endpoint: &str) -> Url {
        join(&self.base, endpoint)
    }

    /// An endpoint at the root: `health/liveliness` → `https://host/health/liveliness`.
    pub fn at_root(&self, endpoint: &str) -> Url {
        join(&self.root, endpoint)
    }

    /// Whether the key may be sent here ([`crate::host::may_carry_key`]); `Err` says why not.
    pub fn may_receive_key(&self, via_proxy: bool) -> Result<(), String> {
        crate::host::may_carry_key(&self.base, via_proxy)
    }
}

fn join(base: &Url, endpoint: &str) -> Url {
    let mut u = base.clone();
    let path = format!(
        "{}/{}",
        base.path().trim_end_matches('/'),
        endpoint.trim_start_matches('/')
    );
    u.set_path(&path);
    u
}

/// The finding for a request that got no HTTP answer.
pub fn transport_finding(f: &TransportFailure, check: &'static str) -> Finding {
    let code = match f.kind {
        TransportKind::Dns => Code::NetDns,
        TransportKind::Connect | TransportKind::Cut | TransportKind::Other => Code::NetConnect,
        TransportKind::Tls => Code::NetTls,
        TransportKind::Proxy => Code::NetProxy,
        TransportKind::Timeout => Code::NetTimeout,
        TransportKind::Malformed => Code::UpstreamBadResponse,
    };
    let mut finding = Finding::new(code, check).detail(f.detail.clone());
    if f.kind == TransportKind::Timeout {
        finding = finding.evidence("after_ms", f.elapsed.as_millis() as u64);
    }
    finding
}

/// A body tlcheck cannot judge: cut at the size cap, or compressed although none was asked for
/// (tlcheck never decompresses, so a compression bomb costs it nothing).
pub fn unreadable_body(x: &Exchange, check: &'static str) -> Option<Finding> {
    let encoding = x
        .header("content-encoding")
        .filter(|e| !e.trim().eq_ignore_ascii_case("identity"));
    let detail = match (encoding, x.body_truncated) {
        (Some(e), _) => format!(
            "the body is `{e}`-compressed although tlcheck asked for no encoding; it is not decompressed"
        ),
        (None, true) => format!(
            "the body is longer than {} MiB; tlcheck read that much and stopped",
            crate::net::MAX_BODY_BYTES / (1024 * 1024)
        ),
        (None, false) => return None,
    };
    Some(
        Finding::new(Code::UpstreamBadResponse, check)
            .detail(detail)
            .evidence("status", x.status)
            .evidence("content_type", x.content_type()),
    )
}

/// Send one request for `check` and record it in `out`. A request that got no answer, or whose
/// body cannot be judged, leaves its finding in `out` and returns `None`.
pub async fn fetch(
    http: &Http,
    check: &'static str,
    req: Request<'_>,
    out: &mut Outcome,
) -> Option<Exchange> {
    let (method, url) = (req.method, req.url.clone());
    let started_unix = crate::time::now_unix();
    match http.send(req).await {
        Err(f) => {
            out.requests.push(RequestRecord::unanswered(
                check,
                method,
                &url,
                started_unix,
                &f,
            ));
            out.push(transport_finding(&f, check));
            None
        }
        Ok(x) => {
            out.requests.push(RequestRecord::answered(check, &x));
            match unreadable_body(&x, check) {
                Some(f) => {
                    out.push(f);
                    None
                }
                None => Some(x),
            }
        }
    }
}

pub use crate::time::ms;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_under_base_and_root() {
        let g = Gateway::new(&Url::parse("https://litellm.tensorloop.tech/v1/").unwrap());
        assert_eq!(
            g.api("models").as_str(),
            "https://litellm.tensorloop.tech/v1/models"
        );
        assert_eq!(
            g.at_root("health/liveliness").as_str(),
            "https://litellm.tensorloop.tech/health/liveliness"
        );
        let g = Gateway::new(&Url::parse("http://127.0.0.1:4000/proxy/v1").unwrap());
        assert_eq!(
            g.at_root("key/info").as_str(),
            "http://127.0.0.1:4000/proxy/key/info"
        );
        assert_eq!(
            g.api("chat/completions").as_str(),
            "http://127.0.0.1:4000/proxy/v1/chat/completions"
        );
    }

    #[test]
    fn where_the_key_may_go() {
        let ok = |u: &str| {
            Gateway::new(&Url::parse(u).unwrap())
                .may_receive_key(false)
                .is_ok()
        };
        assert!(ok("https://litellm.tensorloop.tech/v1"));
        assert!(ok("http://127.0.0.1:4000/v1"));
        assert!(ok("http://[::1]:4000/v1"));
        assert!(ok("https://gw.example.com/v1"));
        assert!(!ok("http://gw.example.com/v1"));
        assert!(!ok("https://tensorloop.tech/v1"));
        assert!(!ok("https://api.tensorloop.tech/v1"));
        assert!(!ok("https://tensorloop.tech./v1"));
    }
}
