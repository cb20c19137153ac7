//! The monitor's HTTP/1.1 server: `GET /metrics`, `GET /probe?target=NAME` and `GET /healthz`,
//! one request per connection, on the address `--listen` names and nowhere else.

use super::Monitor;
use crate::render::openmetrics::Flavor;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

/// The largest request head read; a bigger one is refused.
const MAX_HEAD: usize = 16 * 1024;
/// How long a client has to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 64;
/// `/probe` runs at once; more are answered 503 at once rather than queued past their deadline.
pub const MAX_PROBES: usize = 4;
/// A probe's deadline when Prometheus does not send its scrape timeout (its default is 10 s).
const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(10);
/// What a probe leaves of Prometheus's scrape timeout to answer in, as blackbox_exporter does.
const PROBE_TIMEOUT_OFFSET: Duration = Duration::from_millis(500);

/// Serve until `stop` says so.
pub async fn serve(listener: TcpListener, monitor: Arc<Monitor>, mut stop: watch::Receiver<bool>) {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let probes = Arc::new(Semaphore::new(MAX_PROBES));
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit,
            _ = stop.changed() => return,
        };
        let Ok(permit) = permit else { return };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        let monitor = monitor.clone();
        let probes = probes.clone();
        tokio::spawn(async move {
            let _permit = permit;
            handle(stream, &monitor, &probes).await;
        });
    }
}

/// A parsed request: what the routes need, nothing more.
struct Request {
    method: String,
    path: String,
    query: String,
    accept: Option<String>,
    scrape_timeout: Option<f64>,
}

/// An answer: status, content type, body.
struct Answer(u16, &'static str, String);

async fn handle(mut stream: TcpStream, monitor: &Arc<Monitor>, probes: &Arc<Semaphore>) {
    let mut head_only = false;
    let answer = match tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(head)) => match parse(&head) {
            Some(req) => {
                head_only = req.method == "HEAD";
                route(req, monitor, probes).await
            }
            None => text(400, "bad request\n"),
        },
        Ok(Err(HeadError::TooLarge)) => text(431, "request header too large\n"),
        Ok(Err(HeadError::Closed)) | Err(_) => return,
    };
    let Answer(status, content_type, body) = answer;
    let head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    if !head_only {
        let _ = stream.write_all(body.as_bytes()).await;
    }
    let _ = stream.shutdown().await;
}

enum HeadError {
    TooLarge,
    Closed,
}

async fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, HeadError> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let n = stream.read(&mut buf).await.map_err(|_| HeadError::Closed)?;
        if n == 0 {
            return Err(HeadError::Closed);
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            head.truncate(end);
            return Ok(head);
        }
        if head.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
    }
}

fn parse(head: &[u8]) -> Option<Request> {
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split("\r\n");
    let mut parts = lines.next()?.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if !version.starts_with("HTTP/1.") || parts.next().is_some() {
        return None;
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut req = Request {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        accept: None,
        scrape_timeout: None,
    };
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("accept") {
            req.accept = Some(value.to_owned());
        } else if name.eq_ignore_ascii_case("x-prometheus-scrape-timeout-seconds") {
            req.scrape_timeout = value
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && *s > 0.0);
        }
    }
    Some(req)
}

async fn route(req: Request, monitor: &Arc<Monitor>, probes: &Arc<Semaphore>) -> Answer {
    if req.method != "GET" && req.method != "HEAD" {
        return text(405, "only GET\n");
    }
    let flavor = Flavor::from_accept(req.accept.as_deref());
    match req.path.as_str() {
        "/metrics" => Answer(200, flavor.content_type(), monitor.metrics(flavor)),
        "/healthz" => text(200, "ok\n"),
        "/probe" => probe(&req, monitor, probes, flavor).await,
        "/" => text(
            200,
            "tlcheck monitor: GET /metrics, GET /probe?target=NAME, GET /healthz\n",
        ),
        _ => text(404, "not found\n"),
    }
}

async fn probe(
    req: &Request,
    monitor: &Arc<Monitor>,
    probes: &Arc<Semaphore>,
    flavor: Flavor,
) -> Answer {
    let name = ::url::form_urlencoded::parse(req.query.as_bytes())
        .find(|(k, _)| k == "target")
        .map(|(_, v)| v.into_owned());
    let Some(name) = name else {
        return text(400, "the target parameter is missing: /probe?target=NAME\n");
    };
    // The name is echoed only when it is one of ours: never whatever a caller put there.
    let Some(i) = monitor.find(&name) else {
        return text(404, "no such target in this monitor's configuration\n");
    };
    let Ok(_permit) = probes.clone().try_acquire_owned() else {
        return text(503, "too many probes at once\n");
    };
    let deadline = req
        .scrape_timeout
        .map(|s| Duration::from_secs_f64(s.min(3600.0)).saturating_sub(PROBE_TIMEOUT_OFFSET))
        .unwrap_or(DEFAULT_PROBE_TIMEOUT)
        .max(Duration::from_millis(100));
    let started = Instant::now();
    let ran = tokio::time::timeout(deadline, monitor.run(i, false, Some(deadline)))
        .await
        .ok();
    let body = monitor.probe_metrics(i, ran, started.elapsed(), flavor);
    Answer(200, flavor.content_type(), body)
}

fn text(status: u16, body: &str) -> Answer {
    Answer(status, "text/plain; charset=utf-8", body.to_owned())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}
