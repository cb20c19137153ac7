//! Local servers on 127.0.0.1 that answer byte for byte what a real gateway sent, and remember
//! every request they received.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Write these bytes (status line, headers, body) and keep the connection for the next request.
    Bytes(Vec<u8>),
    /// Never answer; hold the connection open until the client gives up.
    Hang,
    /// Write, wait and close, in order: timed streams and broken connections.
    Script(Vec<Step>),
}

/// One step of a scripted reply.
#[derive(Clone, Debug)]
pub enum Step {
    Write(Vec<u8>),
    Sleep(Duration),
    /// Close the connection now, whatever was promised.
    Close,
    /// Reset the connection (TCP RST) now.
    Reset,
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A server on an ephemeral port of 127.0.0.1.
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = handler.clone();
                let log = log.clone();
                thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        Server { addr, seen }
    }

    /// The base URL of the fake gateway: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// `text` with every request id this server received replaced by `[request-id]`; checks
    /// that each request carried the same id in `x-request-id` and `x-litellm-call-id`. (A
    /// request without an id is a curl replay.)
    pub fn hide_request_ids(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for seen in self.requests() {
            if let Some(id) = seen.header("x-request-id") {
                assert_eq!(
                    seen.header("x-litellm-call-id"),
                    Some(id),
                    "one id, both headers"
                );
                out = out.replace(id, "[request-id]");
            }
        }
        out
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Seen>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut writer = stream.try_clone().expect("clone stream");
    let mut reader = BufReader::new(stream);
    while let Some(req) = read_request(&mut reader) {
        log.lock().unwrap().push(req.clone());
        match handler(&req) {
            Reply::Bytes(bytes) => {
                if writer
                    .write_all(&bytes)
                    .and_then(|()| writer.flush())
                    .is_err()
                {
                    return;
                }
            }
            Reply::Script(steps) => {
                for step in steps {
                    match step {
                        Step::Write(bytes) => {
                            if writer
                                .write_all(&bytes)
                                .and_then(|()| writer.flush())
                                .is_err()
                            {
                                return;
                            }
                        }
                        Step::Sleep(d) => thread::sleep(d),
                        Step::Close => {
                            let _ = writer.shutdown(std::net::Shutdown::Both);
                            return;
                        }
                        Step::Reset => {
                            reset(&writer);
                            return;
                        }
                    }
                }
            }
            Reply::Hang => {
                // Read until the client closes; answer nothing.
                let mut sink = [0u8; 1024];
                while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
                return;
            }
        }
    }
}

/// Close a connection with a TCP reset: linger on, timeout zero.
pub fn reset(stream: &TcpStream) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let linger = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: a valid socket descriptor and a correctly sized `linger` value.
        unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&linger as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// A server that accepts connections and resets each one before reading anything.
pub fn resetting_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            reset(&stream);
        }
    });
    addr
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Seen> {
    read_request_from(reader)
}

fn read_request_from(reader: &mut impl BufRead) -> Option<Seen> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        path,
        headers,
        body,
    })
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/litellm-1.106.2")
}

/// A recorded response, byte for byte: status line, headers and body as the gateway sent them.
/// `.txt` recordings carry `#` notes around the head and body; `.raw` ones are the bytes alone,
/// their chunked bodies recorded decoded (as curl prints them).
pub fn recorded(name: &str) -> Vec<u8> {
    let bytes = std::fs::read(fixtures_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    if name.ends_with(".raw") {
        return bytes;
    }
    let text = bytes;
    let head_marker = b"#---- response headers ----\n";
    let body_marker = b"#---- response body ----\n";
    let head_start = find(&text, head_marker).expect("head marker") + head_marker.len();
    let body_marker_at = find(&text, body_marker).expect("body marker");
    let head = &text[head_start..body_marker_at];
    let mut body = text[body_marker_at + body_marker.len()..].to_vec();
    // The recorder ends the file with a line feed that the response did not have.
    let declared: Option<usize> = String::from_utf8_lossy(head).lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("content-length:")
            .map(|v| v.trim().parse().unwrap())
    });
    if declared == Some(body.len() - 1) && body.ends_with(b"\n") {
        body.pop();
    }
    let mut out = head.to_vec();
    out.extend_from_slice(&body);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A recorded stream as it goes over the wire: the recorded head, then the body re-encoded in
/// chunked transfer encoding, one chunk per event, ended with the last chunk.
pub fn recorded_stream(name: &str) -> Vec<u8> {
    let bytes = recorded(name);
    let split = find(&bytes, b"\r\n\r\n").expect("a head") + 4;
    let (head, body) = bytes.split_at(split);
    let mut out = head.to_vec();
    for event in split_events(body) {
        out.extend_from_slice(&chunk(event));
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// The head of a streamed answer, as LiteLLM sends it.
pub fn stream_head() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\nx-accel-buffering: no\r\nx-litellm-call-id: 5e3c0d1e-0000-4000-8000-000000000001\r\ntransfer-encoding: chunked\r\n\r\n".to_vec()
}

/// A content chunk of a chat completion stream, as an SSE event.
pub fn delta(content: &str) -> Vec<u8> {
    format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{content}\"}}}}]}}\n\n")
        .into_bytes()
}

/// The last chunk of a chat completion stream, with its finish reason.
pub fn finish(reason: &str) -> Vec<u8> {
    format!(
        "data: {{\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"{reason}\"}}]}}\n\n"
    )
    .into_bytes()
}

/// One chunk of chunked transfer encoding.
pub fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// Split an SSE body after each blank line, keeping the bytes as they are.
pub fn split_events(body: &[u8]) -> Vec<&[u8]> {
    let mut events = Vec::new();
    let mut from = 0;
    while let Some(i) = find(&body[from..], b"\n\n") {
        events.push(&body[from..from + i + 2]);
        from += i + 2;
    }
    if from < body.len() {
        events.push(&body[from..]);
    }
    events
}

/// A JSON response with the headers LiteLLM sends on every answer.
pub fn json_reply(
    status: u16,
    reason: &str,
    extra_headers: &[(&str, &str)],
    body: &str,
) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-length: {}\r\ncontent-type: application/json\r\n",
        body.len()
    );
    for (n, v) in extra_headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// A healthy gateway: alive, lists `gpt-4o-mini`, knows the key, answers the chat probe.
pub fn healthy(req: &Seen) -> Reply {
    let name = match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/health/liveliness") => "nodb_20_health_liveliness.txt",
        ("GET", "/v1/models") => "vk_22_models_free.txt",
        ("GET", "/key/info") => "vk_24_key_info_good.txt",
        ("POST", "/v1/chat/completions") if is_stream(req) => {
            return Reply::Bytes(recorded_stream("stream_01_ok.raw"));
        }
        ("POST", "/v1/chat/completions") => "vk_01_good_ok.txt",
        _ => {
            return Reply::Bytes(json_reply(
                404,
                "Not Found",
                &[],
                r#"{"detail":"Not Found"}"#,
            ));
        }
    };
    Reply::Bytes(recorded(name))
}

/// Whether a request asks for a stream.
pub fn is_stream(req: &Seen) -> bool {
    serde_json::from_slice::<serde_json::Value>(&req.body).is_ok_and(|b| b["stream"] == true)
}

/// A gateway that answers as `healthy` does, except that a streamed completion gets `stream`.
pub fn streaming(stream: Reply) -> Server {
    Server::start(move |req: &Seen| {
        if is_stream(req) {
            stream.clone()
        } else {
            healthy(req)
        }
    })
}

/// A TLS server on 127.0.0.1 presenting the test certificate `name` (`tests/fixtures/tls/NAME.pem`
/// and `.key`), answering every request as `healthy` does; returns its port.
pub fn tls_server(name: &str) -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(dir.join(format!("{name}.pem")))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join(format!("{name}.key"))).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let tls = rustls::StreamOwned::new(conn, tcp);
                let mut reader = BufReader::new(tls);
                // A failed handshake surfaces here as a read error: the client refused us.
                while let Some(req) = read_request_from(&mut reader) {
                    let Reply::Bytes(bytes) = healthy(&req) else {
                        return;
                    };
                    if reader
                        .get_mut()
                        .write_all(&bytes)
                        .and_then(|()| reader.get_mut().flush())
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

#[test]
fn recorded_responses_keep_their_declared_length() {
    for name in [
        "vk_01_good_ok.txt",
        "vk_14_overbudget.txt",
        "nodb_20_health_liveliness.txt",
    ] {
        let bytes = recorded(name);
        let text = String::from_utf8_lossy(&bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let declared: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(body.len(), declared, "{name}");
    }
}

/// What a real intermediary sent, replayed with its recorded pacing: the bytes of
/// `tests/fixtures/network-path/NAME.raw`, written read by read as `NAME.segments` lists them
/// (milliseconds since the request, bytes), then the connection closed.
pub fn path_recording(name: &str) -> Vec<Step> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/network-path");
    let bytes = std::fs::read(dir.join(format!("{name}.raw"))).unwrap();
    let segments = std::fs::read_to_string(dir.join(format!("{name}.segments"))).unwrap();
    let mut steps = Vec::new();
    let (mut from, mut clock) = (0, 0);
    for line in segments.lines() {
        let (at, len) = line.split_once(' ').unwrap();
        let (at, len): (u64, usize) = (at.parse().unwrap(), len.parse().unwrap());
        steps.push(Step::Sleep(Duration::from_millis(at.saturating_sub(clock))));
        steps.push(Step::Write(bytes[from..from + len].to_vec()));
        (from, clock) = (from + len, at);
    }
    assert_eq!(from, bytes.len(), "{name}: segments cover the recording");
    steps.push(Step::Close);
    steps
}
