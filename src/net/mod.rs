//! The HTTP layer: one client per session (reused run after run), timed DNS, a deadline on every request, redirects never
//! followed, bodies read up to a cap, and transport failures told apart (DNS, connect, TLS, proxy,
//! timeout).

pub mod hop;
pub mod proxy;
pub mod wire;

use crate::secret::ApiKey;
use proxy::ProxyDecision;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use std::collections::HashMap;
use std::error::Error as StdError;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;
pub use wire::Wire;

/// The `user-agent` tlcheck sends.
const USER_AGENT: &str = concat!("tlcheck/", env!("CARGO_PKG_VERSION"));

/// The most response headers an answer may have.
pub const MAX_HEADERS: usize = 256;

/// The most of a response body tlcheck reads; the rest is left unread.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// One answered request, as plain data.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub method: &'static str,
    pub url: String,
    /// When the request started, Unix seconds (UTC).
    pub started_unix: i64,
    pub status: u16,
    /// Header names in lowercase, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// True when the body was longer than [`MAX_BODY_BYTES`].
    pub body_truncated: bool,
    pub elapsed: Duration,
    pub wire: Wire,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The gateway's id for this call (`x-litellm-call-id`), to quote to support.
    pub fn call_id(&self) -> Option<&str> {
        self.header(crate::gateway::litellm::CALL_ID)
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn response(&self) -> crate::exchange::Response<'_> {
        crate::exchange::Response {
            status: self.status,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

/// Why a request got no HTTP answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportKind {
    Dns,
    Connect,
    Tls,
    Proxy,
    Timeout,
    /// The connection broke after the response had started.
    Cut,
    /// The answer was not valid HTTP (absurd or contradictory headers, too many of them).
    Malformed,
    Other,
}

/// A request that failed below HTTP, with the reason in plain words.
#[derive(Clone, Debug)]
pub struct TransportFailure {
    pub kind: TransportKind,
    pub detail: String,
    pub elapsed: Duration,
    /// The request as sent, when it failed before any answer (not for a body that broke).
    pub wire: Option<Box<Wire>>,
}

/// A response whose headers have arrived and whose body is still to be read.
pub struct Opened {
    pub status: u16,
    /// Header names in lowercase, in the order received.
    pub headers: Vec<(String, String)>,
    pub time_to_headers: Duration,
    pub started_unix: i64,
    /// When the request was sent: arrival times are measured from here.
    pub started: Instant,
    pub wire: Wire,
    response: reqwest::Response,
    via_proxy: Option<ViaProxy>,
}

impl Opened {
    /// The next piece of the body as it arrives; `None` at a clean end. A connection that breaks
    /// mid-body is [`TransportKind::Cut`].
    pub async fn next_chunk(&mut self) -> Result<Option<bytes::Bytes>, TransportFailure> {
        match self.response.chunk().await {
            Ok(chunk) => Ok(chunk),
            Err(e) => {
                let (kind, detail) = if e.is_timeout() {
                    (
                        TransportKind::Timeout,
                        "the deadline passed while the body was arriving".to_owned(),
                    )
                } else if let Some(why) = malformed_body(&e) {
                    (
                        TransportKind::Malformed,
                        format!("the body is not valid HTTP framing: {why}"),
                    )
                } else if e.is_body() || e.is_decode() {
                    (
                        TransportKind::Cut,
                        format!("the connection broke mid-body: {}", innermost(&e)),
                    )
                } else {
                    explain_error(&e, self.via_proxy)
                };
                Err(TransportFailure {
                    kind,
                    detail,
                    elapsed: self.started.elapsed(),
                    wire: None,
                })
            }
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A body whose HTTP framing is broken (an invalid chunk size, say) rather than cut: the server
/// sent something wrong, the network did not fail.
fn malformed_body(e: &(dyn StdError + 'static)) -> Option<String> {
    let mut current = Some(e);
    while let Some(c) = current {
        let text = c.to_string();
        // Not "unexpected EOF during chunk size line": that is a connection cut short.
        if text.to_ascii_lowercase().contains("invalid chunk size") {
            return Some(text);
        }
        current = c.source();
    }
    None
}

fn innermost(e: &(dyn StdError + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// Read the CA certificates of a PEM file (`--cacert`), for the client to trust as well as the
/// system's.
pub fn read_ca_file(path: &std::path::Path) -> anyhow::Result<Vec<reqwest::Certificate>> {
    let usage = |why: String| crate::UsageError(format!("--cacert {}: {why}", path.display()));
    let pem = crate::files::read_regular(path, crate::files::CA_FILE_CAP)
        .map_err(|e| usage(e.to_string()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| usage(e.to_string()))?;
    if certs.is_empty() {
        return Err(usage("no PEM certificate in the file".to_owned()).into());
    }
    Ok(certs)
}

/// Run the live checks to their end on a runtime of their own, then leave at once. A DNS lookup
/// runs on a blocking thread (`getaddrinfo` cannot be cancelled): once its deadline has passed
/// nobody waits for its answer, and the process must not wait for the thread either.
pub fn run_to_end<F: std::future::Future>(work: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let out = runtime.block_on(work);
    runtime.shutdown_background();
    Ok(out)
}

/// A request tlcheck makes.
pub struct Request<'a> {
    pub method: &'static str,
    pub url: Url,
    /// The key to send as `Authorization: Bearer …`, if this request carries it.
    pub key: Option<&'a ApiKey>,
    pub json: Option<serde_json::Value>,
}

/// The key, and the one origin a request carrying it may reach: the client is built with it and
/// attaches `Authorization` nowhere else.
#[derive(Clone, Debug)]
pub struct KeyGrant {
    pub key: ApiKey,
    pub origin: url::Origin,
}

impl KeyGrant {
    pub fn new(key: ApiKey, base: &Url) -> KeyGrant {
        KeyGrant {
            key,
            origin: base.origin(),
        }
    }
}

/// The HTTP client for one run.
pub struct Http {
    client: reqwest::Client,
    resolver: Arc<TimedResolver>,
    timeout: Duration,
    via_proxy: Option<ViaProxy>,
    grant: Option<KeyGrant>,
}

/// The proxy requests go through, as far as failures are explained by it.
#[derive(Clone, Copy, Debug)]
struct ViaProxy {
    /// The variable that named it (`HTTPS_PROXY`…).
    variable: &'static str,
    /// Whether its URL carries credentials (`http://user:pass@host:port`).
    credentials: bool,
}

impl Http {
    /// Build a client that never follows redirects, uses exactly the proxy `proxy` says, and
    /// gives every request `timeout` from connect to the last body byte.
    pub fn new(
        timeout: Duration,
        proxy: &ProxyDecision,
        extra_roots: Vec<reqwest::Certificate>,
        grant: Option<KeyGrant>,
    ) -> anyhow::Result<Http> {
        // reqwest is built without a crypto provider of its own; ring is ours. Installing it is
        // idempotent: a second call (a second client in one process) finds it in place.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let resolver = Arc::new(TimedResolver::new(timeout));
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            // Real answers carry a few dozen headers; hyper's default of 100 refuses a valid one
            // with 101. Far more than this is still "not valid HTTP".
            .http1_max_headers(MAX_HEADERS)
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout)
            .dns_resolver(SharedResolver(resolver.clone()))
            .connector_layer(wire::TimeConnects)
            .tls_certs_merge(extra_roots);
        let via_proxy = if let ProxyDecision::Use(choice) = proxy {
            let p = reqwest::Proxy::all(&choice.url).map_err(|e| {
                crate::UsageError(format!(
                    "{} is not a usable proxy URL ({}): {e}",
                    choice.variable,
                    choice.shown()
                ))
            })?;
            builder = builder.proxy(p);
            Some(ViaProxy {
                variable: choice.variable,
                credentials: choice
                    .parsed()
                    .is_some_and(|u| !u.username().is_empty() || u.password().is_some()),
            })
        } else {
            None
        };
        let client = builder
            .build()
            .map_err(|e| anyhow::anyhow!("cannot set up the HTTP client: {e}"))?;
        Ok(Http {
            client,
            resolver,
            timeout,
            via_proxy,
            grant,
        })
    }

    /// Whether this client would refuse to send `key` to `url`.
    #[cfg(test)]
    pub(crate) fn refuses_key_for(&self, key: &ApiKey, url: &Url) -> bool {
        self.authorize(key, url).is_err()
    }

    /// The key policy at the one place `Authorization` is attached: only the granted key, only to
    /// the granted origin, and only where [`crate::host::may_carry_key`] allows it.
    fn authorize(&self, key: &ApiKey, url: &Url) -> Result<(), String> {
        let Some(grant) = &self.grant else {
            return Err("this client was built without a key".to_owned());
        };
        if grant.key != *key {
            return Err("this client carries another key".to_owned());
        }
        if url.origin() != grant.origin {
            return Err(format!(
                "the key goes only to {}",
                grant.origin.ascii_serialization()
            ));
        }
        crate::host::may_carry_key(url, self.via_proxy.is_some())
    }

    pub fn resolver(&self) -> &TimedResolver {
        &self.resolver
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Send a request and read its answer (up to [`MAX_BODY_BYTES`] of body).
    pub async fn send(&self, req: Request<'_>) -> Result<Exchange, TransportFailure> {
        let method = req.method;
        let url = req.url.to_string();
        let mut opened = self.open(req, self.timeout).await?;
        let mut body = Vec::new();
        let mut body_truncated = false;
        loop {
            let chunk = match opened.next_chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(mut f) => {
                    f.wire = Some(Box::new(opened.wire.clone()));
                    return Err(f);
                }
            };
            let room = MAX_BODY_BYTES - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                body_truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        let elapsed = opened.started.elapsed();
        let mut wire = opened.wire;
        wire.phases.body = Some(elapsed.saturating_sub(opened.time_to_headers));
        Ok(Exchange {
            method,
            url,
            started_unix: opened.started_unix,
            status: opened.status,
            headers: opened.headers,
            body,
            body_truncated,
            elapsed,
            wire,
        })
    }

    /// Send a request and return once the response headers are in (within the client's
    /// timeout); the body is read chunk by chunk with [`Opened::next_chunk`]. `deadline` bounds
    /// the whole exchange, body included.
    pub async fn open(
        &self,
        req: Request<'_>,
        deadline: Duration,
    ) -> Result<Opened, TransportFailure> {
        let started = Instant::now();
        let started_unix = crate::time::now_unix();
        let mut wire = Wire {
            request_id: wire::new_request_id(),
            ..Wire::default()
        };
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).expect("static method");
        let mut builder = self
            .client
            .request(method, req.url.clone())
            .timeout(deadline);
        // The headers the client adds itself, then this request's own, as the trace shows them.
        let host = match req.url.port() {
            Some(port) => format!("{}:{port}", req.url.host_str().unwrap_or_default()),
            None => req.url.host_str().unwrap_or_default().to_owned(),
        };
        let mut shown = vec![
            ("host".to_owned(), host),
            ("user-agent".to_owned(), USER_AGENT.to_owned()),
            ("accept".to_owned(), "*/*".to_owned()),
            ("accept-encoding".to_owned(), "identity".to_owned()),
        ];
        builder = builder.header(reqwest::header::ACCEPT_ENCODING, "identity");
        if let Some(key) = req.key {
            if let Err(why) = self.authorize(key, &req.url) {
                return Err(TransportFailure {
                    kind: TransportKind::Other,
                    detail: format!("tlcheck refused to send the key: {why}"),
                    elapsed: started.elapsed(),
                    wire: None,
                });
            }
            let mut value = HeaderValue::from_str(&format!("Bearer {}", key.normalized()))
                .map_err(|_| TransportFailure {
                    kind: TransportKind::Other,
                    detail: "the key contains characters that cannot be sent in a header".into(),
                    elapsed: started.elapsed(),
                    wire: None,
                })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
            let print = key.fingerprint();
            shown.push((
                "authorization".to_owned(),
                format!("Bearer {} (sha256 {})", print.short, print.sha256),
            ));
        }
        if let Some(json) = &req.json {
            let body = json.to_string();
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
            shown.push(("content-type".to_owned(), "application/json".to_owned()));
            shown.push(("content-length".to_owned(), body.len().to_string()));
            wire.request_body = Some(body);
        }
        for name in wire::REQUEST_ID_HEADERS {
            builder = builder.header(name, &wire.request_id);
            shown.push((name.to_owned(), wire.request_id.clone()));
        }
        wire.request_headers = shown;
        let (sent, measured) =
            wire::measuring(tokio::time::timeout(self.timeout, builder.send())).await;
        measured.into_phases(&mut wire.phases);
        let response = match sent {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => {
                let mut failure = self.failure(&e, started);
                failure.wire = Some(Box::new(wire));
                return Err(failure);
            }
            Err(_) => {
                return Err(TransportFailure {
                    kind: TransportKind::Timeout,
                    detail: "no response headers before the deadline".to_owned(),
                    elapsed: started.elapsed(),
                    wire: Some(Box::new(wire)),
                });
            }
        };
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let time_to_headers = started.elapsed();
        wire.phases.headers = Some(time_to_headers);
        // One content-encoding rule for every check: tlcheck asks for the answer as is and never
        // decompresses (a small gzip body can inflate to gigabytes), so an encoded answer, or one
        // that only claims to be, cannot be read as what it says it is.
        if let Some(encoding) = response
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|e| !e.is_empty() && e != "identity")
        {
            return Err(TransportFailure {
                kind: TransportKind::Malformed,
                detail: format!(
                    "the answer is `content-encoding: {encoding}` although tlcheck asked for none \
                     (`accept-encoding: identity`); something between here and the gateway \
                     compresses answers it should pass as they are"
                ),
                elapsed: started.elapsed(),
                wire: Some(Box::new(wire)),
            });
        }
        // An answer means the request went out, on a new connection or a reused one.
        wire.phases.connected = true;
        wire.version = Some(match response.version() {
            reqwest::Version::HTTP_09 => "HTTP/0.9",
            reqwest::Version::HTTP_10 => "HTTP/1.0",
            reqwest::Version::HTTP_2 => "HTTP/2",
            reqwest::Version::HTTP_3 => "HTTP/3",
            _ => "HTTP/1.1",
        });
        Ok(Opened {
            status: response.status().as_u16(),
            headers,
            time_to_headers,
            started_unix,
            started,
            wire,
            response,
            via_proxy: self.via_proxy,
        })
    }

    fn failure(&self, e: &reqwest::Error, started: Instant) -> TransportFailure {
        let (kind, detail) = explain_error(e, self.via_proxy);
        TransportFailure {
            kind,
            detail,
            elapsed: started.elapsed(),
            wire: None,
        }
    }
}

/// Tell a reqwest error's cause apart and say it in plain words.
fn explain_error(e: &reqwest::Error, via_proxy: Option<ViaProxy>) -> (TransportKind, String) {
    let mut chain: Vec<&(dyn StdError + 'static)> = vec![e];
    let mut current: &(dyn StdError + 'static) = e;
    while let Some(next) = current.source() {
        chain.push(next);
        current = next;
    }
    let innermost = chain.last().map(|e| e.to_string()).unwrap_or_default();
    if e.is_timeout()
        || chain
            .iter()
            .any(|c| c.downcast_ref::<tokio::time::error::Elapsed>().is_some())
    {
        return (
            TransportKind::Timeout,
            "no answer before the deadline".to_owned(),
        );
    }
    if let Some(dns) = chain.iter().find_map(|c| c.downcast_ref::<DnsFailure>()) {
        return (TransportKind::Dns, dns.to_string());
    }
    let texts: Vec<String> = chain
        .iter()
        .map(|c| c.to_string().to_ascii_lowercase())
        .collect();
    if texts.iter().any(|t| {
        t.contains("parsed")
            || t.contains("message head is too large")
            || t.contains("invalid http")
    }) {
        return (
            TransportKind::Malformed,
            format!("the answer is not valid HTTP: {innermost}"),
        );
    }
    if let Some(tls) = texts.iter().find_map(|t| tls_problem(t, via_proxy)) {
        return (TransportKind::Tls, tls);
    }
    if texts
        .iter()
        .any(|t| t.contains("tunnel") || t.contains("proxy"))
    {
        let plain = texts.iter().find_map(|t| proxy_refusal(t, via_proxy));
        return (
            TransportKind::Proxy,
            plain.unwrap_or_else(|| format!("the proxy refused or failed: {innermost}")),
        );
    }
    let io_kind = chain
        .iter()
        .find_map(|c| c.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    use std::io::ErrorKind as K;
    match io_kind {
        Some(K::TimedOut) => (
            TransportKind::Timeout,
            "the connection timed out".to_owned(),
        ),
        Some(K::ConnectionRefused) if via_proxy.is_some() => (
            TransportKind::Proxy,
            "the proxy refused the connection".to_owned(),
        ),
        Some(K::ConnectionRefused) => (
            TransportKind::Connect,
            "connection refused: nothing listens on that port".to_owned(),
        ),
        Some(
            kind @ (K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe),
        ) => (
            TransportKind::Connect,
            format!("the server closed the connection ({kind})"),
        ),
        Some(K::NetworkUnreachable | K::HostUnreachable | K::AddrNotAvailable) => (
            TransportKind::Connect,
            format!("the host is unreachable: {innermost}"),
        ),
        _ if e.is_connect() && via_proxy.is_some() => (TransportKind::Proxy, innermost),
        _ if e.is_connect() => (TransportKind::Connect, innermost),
        _ => (TransportKind::Other, innermost),
    }
}

/// A proxy's refusal of CONNECT in plain words, if `text` describes one. Its answer is known only
/// as far as the HTTP client tells: 407, or another error status.
fn proxy_refusal(text: &str, via_proxy: Option<ViaProxy>) -> Option<String> {
    let variable = via_proxy.map_or("the proxy variable", |v| v.variable);
    if text.contains("proxy authorization required") {
        return Some(match via_proxy {
            Some(v) if v.credentials => format!(
                "the proxy rejected the credentials in {variable} (407 Proxy Authentication \
                 Required): check the user name and password"
            ),
            _ => format!(
                "the proxy asks for credentials (407 Proxy Authentication Required): put them in \
                 {variable} as http://user:password@host:port"
            ),
        });
    }
    if text.contains("tunnel error: unsuccessful") {
        return Some(
            "the proxy refused to open a tunnel to the gateway: it answered CONNECT with an error \
             status (403 when its rules deny this destination)"
                .to_owned(),
        );
    }
    None
}

/// A TLS failure in plain words, if `text` describes one.
fn tls_problem(text: &str, via_proxy: Option<ViaProxy>) -> Option<String> {
    let unknown_issuer = text.contains("unknownissuer") || text.contains("unknown issuer");
    if let (true, Some(v)) = (unknown_issuer, via_proxy) {
        // Through a proxy, an unknown issuer is nearly always the proxy re-signing the site.
        return Some(format!(
            "the certificate is signed by an authority this machine does not trust, and the \
             connection goes through the proxy in {}: a TLS-inspecting proxy presents its own \
             certificate for every site. Trust that proxy's root certificate (--cacert FILE); the \
             gateway's own CA does not help",
            v.variable
        ));
    }
    let plain = if unknown_issuer {
        "the certificate is signed by an authority this machine does not trust: a self-signed \
         certificate, or a TLS-inspecting proxy whose root certificate is not installed; if you \
         trust it, pass that root with --cacert FILE"
    } else if text.contains("expired") {
        "the server's certificate has expired (no --cacert makes an expired certificate valid)"
    } else if text.contains("notvalidforname") || text.contains("not valid for name") {
        "the certificate was issued for another host name"
    } else if text.contains("notvalidyet") || text.contains("not valid yet") {
        "the certificate is not valid yet: check this machine's clock"
    } else if text.contains("revoked") {
        "the certificate has been revoked"
    } else if text.contains("corrupt message")
        || text.contains("invalidcontenttype")
        || text.contains("wrong version number")
    {
        "the server did not answer in TLS: is this port plain http?"
    } else if text.contains("handshake eof") {
        "the server closed the connection during the TLS handshake: a plain-http port, or \
         something on the way that cuts TLS"
    } else if text.contains("certificate") || text.contains("handshake") || text.contains("tls") {
        return Some(format!("the TLS handshake failed: {text}"));
    } else {
        return None;
    };
    Some(plain.to_owned())
}

/// A host name that did not resolve.
#[derive(Debug)]
pub struct DnsFailure {
    pub host: String,
    pub reason: String,
}

impl fmt::Display for DnsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` did not resolve: {}", self.host, self.reason)
    }
}

impl StdError for DnsFailure {}

/// A resolver that times each lookup, gives up at the deadline, and remembers answers so a host
/// is looked up once per run.
pub struct TimedResolver {
    timeout: Duration,
    cache: Mutex<HashMap<String, Vec<SocketAddr>>>,
}

impl TimedResolver {
    fn new(timeout: Duration) -> Self {
        TimedResolver {
            timeout,
            cache: Mutex::default(),
        }
    }

    /// Resolve `host` (port 0), timed, within the deadline.
    pub async fn lookup(&self, host: &str) -> Result<Vec<SocketAddr>, DnsFailure> {
        // The canonical host: `name.` is `name` (and /etc/hosts knows only the latter).
        let host = host.trim_end_matches('.');
        if let Some(hit) = self.cache.lock().expect("resolver cache").get(host) {
            wire::note_dns(Duration::ZERO, true);
            return Ok(hit.clone());
        }
        let started = Instant::now();
        let failure = |reason: String| DnsFailure {
            host: host.to_owned(),
            reason,
        };
        let addrs: Vec<SocketAddr> =
            match tokio::time::timeout(self.timeout, tokio::net::lookup_host((host, 0))).await {
                Err(_) => return Err(failure(format!("no answer within {:?}", self.timeout))),
                Ok(Err(e)) => return Err(failure(dns_reason(&e))),
                Ok(Ok(found)) => found.collect(),
            };
        if addrs.is_empty() {
            return Err(failure("the name has no addresses".into()));
        }
        self.cache
            .lock()
            .expect("resolver cache")
            .insert(host.to_owned(), addrs.clone());
        wire::note_dns(started.elapsed(), false);
        Ok(addrs)
    }
}

fn dns_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    if text.contains("not known") || text.contains("No address") || text.contains("not found") {
        "no such host".to_owned()
    } else if text.contains("Temporary failure") {
        "the resolver is unreachable (no network, or a VPN/DNS problem)".to_owned()
    } else {
        text
    }
}

/// The resolver as the HTTP client holds it: the client's lookups share the cache.
struct SharedResolver(Arc<TimedResolver>);

impl reqwest::dns::Resolve for SharedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let resolver = self.0.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolver.lookup(&host).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    /// A lookup that never answers (a blocking thread, as `getaddrinfo` is) holds neither the
    /// deadline nor the way out.
    #[test]
    fn a_blocked_lookup_does_not_hold_the_run_past_its_deadline() {
        let started = Instant::now();
        let timed_out = super::run_to_end(async {
            let hung = tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_secs(5)));
            tokio::time::timeout(Duration::from_millis(100), hung)
                .await
                .is_err()
        })
        .unwrap();
        assert!(timed_out);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
}
