//! What went over the wire for one request: tlcheck's request id, the request as sent (the key
//! only as its fingerprint), the answer's status line and headers, and how long each phase took.
//!
//! DNS and connect are timed where they happen, inside the HTTP client's connector, and reach the
//! request that caused them through a task-local slot: a request that reuses a pooled connection
//! has neither phase.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// The headers tlcheck sets on every request to carry its request id. LiteLLM takes
/// `x-litellm-call-id` as the call's id and echoes it back; other gateways and load balancers
/// log `x-request-id`.
pub const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", crate::gateway::litellm::CALL_ID];

/// One request on the wire.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Wire {
    /// The id tlcheck generated for this request (a UUID), sent in [`REQUEST_ID_HEADERS`].
    pub request_id: String,
    /// The request headers as sent, names in lowercase; `authorization` holds the scheme and the
    /// key's fingerprint, never the key.
    pub request_headers: Vec<(String, String)>,
    /// The exact body sent, if any.
    pub request_body: Option<String>,
    /// The answer's protocol (`HTTP/1.1`, `HTTP/2`), once headers arrived.
    pub version: Option<&'static str>,
    pub phases: Phases,
}

impl Wire {
    /// Whether the request carried the key.
    pub fn sent_key(&self) -> bool {
        self.request_headers
            .iter()
            .any(|(n, _)| n == "authorization")
    }

    /// Whether the request asked for a stream (`"stream": true`).
    pub fn streamed(&self) -> bool {
        self.request_body
            .as_deref()
            .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
            .is_some_and(|v| v["stream"] == true)
    }
}

/// How long each phase of a request took. `None`: the phase did not happen (a reused connection
/// has no DNS or connect) or was not reached.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Phases {
    pub dns: Option<Duration>,
    /// The DNS answer came from tlcheck's own cache (the network check looked the host up).
    pub dns_cached: bool,
    /// TCP connect, the TLS handshake and any proxy tunnel (also when they failed).
    pub connect: Option<Duration>,
    /// A connection was made (or reused), so the request went out.
    pub connected: bool,
    /// From the start of the request (lookup and connect included) to the answer's headers.
    pub headers: Option<Duration>,
    /// From the headers to the last byte read.
    pub body: Option<Duration>,
}

/// What the connector measured for the request in whose task it ran.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Measured {
    dns: Option<(Duration, bool)>,
    connect: Option<Duration>,
    connected: bool,
}

impl Measured {
    /// Fill the DNS and connect phases; the connector's time includes the lookup.
    pub(super) fn into_phases(self, phases: &mut Phases) {
        if let Some((dns, cached)) = self.dns {
            phases.dns = Some(dns);
            phases.dns_cached = cached;
        }
        phases.connect = self
            .connect
            .map(|c| c.saturating_sub(self.dns.map_or(Duration::ZERO, |(d, _)| d)));
        phases.connected = self.connected;
    }
}

type Slot = Arc<Mutex<Measured>>;

tokio::task_local! {
    static SLOT: Slot;
}

/// Run `fut` (a request being sent) with a slot the connector and resolver write into.
pub(super) async fn measuring<F: Future>(fut: F) -> (F::Output, Measured) {
    let slot = Slot::default();
    let out = SLOT.scope(slot.clone(), fut).await;
    let measured = *slot.lock().expect("phase slot");
    (out, measured)
}

/// Note a DNS lookup for the request being sent, if any.
pub(super) fn note_dns(elapsed: Duration, cached: bool) {
    let _ = SLOT.try_with(|slot| slot.lock().expect("phase slot").dns = Some((elapsed, cached)));
}

/// A connector layer that times each new connection (DNS, TCP, TLS, proxy tunnel) for the
/// request that opened it.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct TimeConnects;

impl<S> tower_layer::Layer<S> for TimeConnects {
    type Service = Timed<S>;
    fn layer(&self, inner: S) -> Timed<S> {
        Timed(inner)
    }
}

#[derive(Clone, Debug)]
pub(super) struct Timed<S>(S);

impl<S, R> tower_service::Service<R> for Timed<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let slot = SLOT.try_with(Slot::clone).ok();
        let started = Instant::now();
        let connecting = self.0.call(request);
        Box::pin(async move {
            let Some(slot) = slot else {
                return connecting.await;
            };
            // The lookup happens inside; let the resolver find the same slot even if the
            // connection is finished on another task.
            let result = SLOT.scope(slot.clone(), connecting).await;
            let mut measured = slot.lock().expect("phase slot");
            measured.connect = Some(started.elapsed());
            measured.connected = result.is_ok();
            drop(measured);
            result
        })
    }
}

/// A fresh request id: a random (version 4) UUID.
pub fn new_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // The standard library's hasher keys are seeded from the operating system's randomness.
    let random = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        h.finish()
    };
    let bits = (u128::from(random()) << 64) | u128::from(random());
    let bits = (bits & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_distinct_v4_uuids() {
        let ids: Vec<String> = (0..1000).map(|_| new_request_id()).collect();
        for id in &ids {
            let parts: Vec<&str> = id.split('-').collect();
            assert_eq!(
                parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12],
                "{id}"
            );
            assert!(parts[2].starts_with('4'), "version 4: {id}");
            assert!("89ab".contains(&parts[3][..1]), "RFC 4122 variant: {id}");
            assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn connect_time_excludes_the_lookup() {
        let m = Measured {
            dns: Some((Duration::from_millis(30), false)),
            connect: Some(Duration::from_millis(100)),
            connected: true,
        };
        let mut p = Phases::default();
        m.into_phases(&mut p);
        assert_eq!(p.dns, Some(Duration::from_millis(30)));
        assert_eq!(p.connect, Some(Duration::from_millis(70)));
        // A reused connection: nothing measured, no phases.
        let mut p = Phases::default();
        Measured::default().into_phases(&mut p);
        assert_eq!((p.dns, p.connect), (None, None));
    }

    #[test]
    fn a_streamed_request_is_recognised_from_its_body() {
        let w = |body: &str| Wire {
            request_body: Some(body.to_owned()),
            ..Default::default()
        };
        assert!(w(r#"{"model":"m","stream":true}"#).streamed());
        assert!(!w(r#"{"model":"m"}"#).streamed());
        assert!(!Wire::default().streamed());
    }
}
