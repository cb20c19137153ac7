//! Reading what a client printed — a Python traceback, a node error dump, the AI SDK's
//! `AI_APICallError`, a log line, `requests`/`httpx` status errors, curl's trace and exit line — into
//! neutral facts (status, error fields, headers, URL, model, ids, client, network cause, attempts).
//! Each recogniser reads one client *shape*; none decides a cause (that is the classifier's job).

use super::ErrorInfo;

/// How a request failed below HTTP, in the words of whichever runtime printed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetFailure {
    Dns,
    Refused,
    Tls,
    Timeout,
    Proxy,
    /// The body broke off after the answer had started (a cut stream or chunked body).
    Cut,
    /// The client says only that the connection failed (`Connection error.`).
    Unknown,
}

/// Everything a paste tells, as far as it tells it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    /// Which client printed it, and its version when the paste shows one.
    pub client: Option<&'static str>,
    pub client_version: Option<String>,
    pub status: Option<u16>,
    pub error: ErrorInfo,
    /// Response headers the client printed (the AI SDK does; most do not).
    pub headers: Vec<(String, String)>,
    /// A raw response body the client printed (the AI SDK's `responseBody`).
    pub body: Option<String>,
    pub url: Option<String>,
    /// The host, and the request path when shown, where no whole URL is printed.
    pub host: Option<(String, String)>,
    pub model: Option<String>,
    /// The provider-style request id (`req_…`, `x-request-id`) and LiteLLM's call id.
    pub request_id: Option<String>,
    pub call_id: Option<String>,
    /// A failure below HTTP, with the line that says so.
    pub network: Option<(NetFailure, String)>,
    /// How many attempts the client made (`Failed after 3 attempts`, `Retrying request`).
    pub attempts: Option<u32>,
    /// The customer's own code crashed on an answer that was not the API's JSON.
    pub not_api_crash: Option<String>,
    /// The client refused to send a request because it found no key.
    pub key_not_sent: Option<String>,
    /// The error arrived while a stream was being read.
    pub in_stream: bool,
    /// The paste's last non-empty line, when no exception or status line says more: a log line may
    /// hold only the gateway's message.
    pub last_line: Option<String>,
}

impl Facts {
    /// Whether the paste shows an error at all.
    pub fn has_error(&self) -> bool {
        self.status.is_some_and(|s| s >= 300)
            || self.error.message.is_some()
            || self.error.error_type.is_some()
            || self.network.is_some()
            || self.not_api_crash.is_some()
            || self.key_not_sent.is_some()
            || self.body.is_some()
    }
}

/// Read a free-form paste. Never fails; an empty `Facts` means nothing was recognised.
pub fn read(raw: &str) -> Facts {
    let text = strip_ansi(&super::paste::without_progress_meter(raw));
    let text = text.as_str();
    let client = client(text);
    let mut f = Facts {
        client,
        client_version: client_version(text, client),
        ..Default::default()
    };
    let exceptions = exception_lines(text);

    // Error fields: a printed body, dict or object literal holds them as `message`/`type`/… fields.
    let field = |key: &str| last_field(text, key).filter(|v| !v.is_empty());
    f.error = ErrorInfo {
        error_type: field("type").filter(|t| t.contains('_') || t.ends_with("error")),
        message: field("message").or_else(|| field("detail")),
        code: field("code").filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit())),
        param: field("param").filter(|p| p != "None"),
    };
    // Without fields, the message is what the last exception line says after its status.
    if f.error.message.is_none() {
        f.error.message = exceptions
            .iter()
            .rev()
            .map(|(class, msg)| {
                // LiteLLM's class names are part of what the gateway said
                // (`litellm.APIConnectionError: …` is a provider failure, printed bare by `print(e)`).
                let m = error_message(msg);
                if !m.is_empty() && class.starts_with("litellm.") {
                    format!("{class}: {m}")
                } else {
                    m
                }
            })
            .chain(printed_status_messages(text))
            .find(|m| !m.is_empty() && !is_wrapper_message(m));
    }
    if exceptions.is_empty() && !text.contains("Error code: ") {
        f.last_line = text
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_owned);
    }
    f.status = status(text, &exceptions).or_else(|| f.error.status_from_code());
    f.headers = printed_headers(text);
    f.body = last_field(text, "responseBody").filter(|b| !b.trim().is_empty());
    f.url = url(text);
    if f.url.is_none() {
        f.host = host_and_path(text);
    }
    f.model = last_field(text, "model").filter(|m| !m.is_empty() && !m.contains(' '));
    f.call_id = header_value(&f.headers, crate::gateway::litellm::CALL_ID)
        .or_else(|| word_after(text, "x-litellm-call-id: "))
        .or_else(|| word_after(text, "call_id="));
    f.request_id = header_value(&f.headers, "x-request-id")
        .or_else(|| word_after(text, "request_id="))
        .or_else(|| last_field(text, "requestID").filter(|r| r.starts_with("req")))
        .or_else(|| word_after(text, "'request_id': '"));
    f.network = network(text);
    f.attempts = attempts(text);
    f.not_api_crash = not_api_crash(text);
    f.key_not_sent = [
        "Missing credentials. Please pass an `apiKey`",
        "API key is missing",
        "The api_key client option must be set",
        "AI_LoadAPIKeyError",
    ]
    .iter()
    .find_map(|sign| find(text, sign).map(|i| line_at(text, i)));
    // An error object printed bare after partial text, with no exception around it: a stream's
    // error frame as the AI SDK's `streamText` reports it by default.
    let bare_error_object = !text.contains("Traceback")
        && !text.contains("\n    at ")
        && f.error.message.is_some()
        && (text.contains("{\n  message: '") || text.contains("{ message: '"));
    if bare_error_object {
        f.client = f.client.or(Some("Vercel AI SDK"));
        // The frame's `code` is no HTTP status: the answer was a 200 stream.
        f.status = None;
    }
    f.in_stream = bare_error_object
        || output_runs_into_error(text, &f)
        || [
            "_streaming.py",
            "streaming_handler.py",
            "MidStreamFallbackError",
            "Stream._iter_events",
            "for await",
        ]
        .iter()
        .any(|n| text.contains(n));
    f
}

/// Whether the error line starts with text printed just before it without a line break
/// (`Hello fromConnection error.`, `Hellolitellm.APIConnectionError: …`): a stream was being printed
/// when the error came. A log prefix ends in a space or holds a `:`, so it does not count.
fn output_runs_into_error(text: &str, f: &Facts) -> bool {
    let glued = |line: &str, at: usize| {
        let before = &line[..at];
        !before.trim().is_empty()
            && !before.ends_with(char::is_whitespace)
            && !before.contains(':')
            && !before.contains('{')
    };
    let network = f.network.as_ref().is_some_and(|(_, line)| {
        ["Connection error.", "litellm."]
            .iter()
            .filter_map(|sign| line.find(sign))
            .min()
            .is_some_and(|at| glued(line, at))
    });
    network
        || text
            .lines()
            .rev()
            .find(|l| l.contains("litellm.") && l.contains(": "))
            .and_then(|l| l.find("litellm.").map(|at| glued(l, at)))
            .unwrap_or(false)
}

/// ANSI colour codes and carriage returns out: runs between them are copied whole.
pub fn strip_ansi(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = memchr::memchr2(0x1b, b'\r', &bytes[at..]) {
        let i = at + found;
        out.push_str(&text[at..i]);
        at = i + 1;
        // `ESC [` … up to its final letter; a lone ESC or CR goes by itself. Both are ASCII, as is
        // the letter, so every cut falls between characters.
        if bytes[i] == 0x1b && bytes.get(at) == Some(&b'[') {
            at = bytes[at + 1..]
                .iter()
                .position(u8::is_ascii_alphabetic)
                .map_or(bytes.len(), |end| at + 1 + end + 1);
        }
    }
    out.push_str(&text[at..]);
    out
}

fn client(text: &str) -> Option<&'static str> {
    let has = |n: &str| text.contains(n);
    Some(
        if has("AI_APICallError") || has("AI_RetryError") || has("@ai-sdk/") || has("vercel.ai") {
            "Vercel AI SDK"
        } else if has("node_modules/openai") || (has("Node.js v") && has("Headers {")) {
            "openai-node"
        } else if has("langchain") {
            "LangChain"
        } else if has("litellm.exceptions.")
            || has("litellm/main.py")
            || has("Litellm_proxyException")
        {
            "litellm SDK"
        } else if has("openai.")
            && (has("Error code: ")
                || has("openai/_base_client.py")
                || has("openai.APIConnectionError")
                || has("openai.APIError"))
        {
            "openai-python"
        } else if has("http: error:") || has("httpie") {
            "HTTPie"
        } else if has("requests.exceptions.") || has("urllib3") {
            "requests"
        } else if has("httpx.") || has("httpcore.") {
            "httpx"
        } else if has("curl: (")
            || text
                .lines()
                .any(|l| l.starts_with("* ") || l.starts_with("> "))
        {
            "curl"
        } else {
            return None;
        },
    )
}

fn client_version(text: &str, client: Option<&str>) -> Option<String> {
    if let Some(v) = word_after(text, "User-Agent: ") {
        return Some(v);
    }
    if let Some(v) = word_after(text, "Node.js v") {
        return Some(format!("Node.js v{v}"));
    }
    // openai-python 1.x prints the body as a dict repr (`{'error': …`); 2.x and later its message.
    if matches!(client, Some("openai-python" | "LangChain")) && text.contains("Error code: ") {
        return Some(
            if text.contains(" - {'error'") || text.contains(" - {\"error") {
                "1.x: prints the whole body".to_owned()
            } else {
                "2.x or later: prints only the message".to_owned()
            },
        );
    }
    None
}

/// `(class, rest)` for every line that reads like an exception: `openai.RateLimitError: …`,
/// `APICallError [AI_APICallError]: …`, `httpx.HTTPStatusError: …`, behind any log prefix.
fn exception_lines(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("at ") || trimmed.starts_with("File \"") {
            continue;
        }
        let mut search = 0;
        while let Some(i) = line[search..].find(": ").map(|i| i + search) {
            // A class name is short: look back a bounded way, so long lines stay linear.
            let mut from = i.saturating_sub(160);
            while !line.is_char_boundary(from) {
                from += 1;
            }
            let before = &line[from..i];
            let class_part = before
                .strip_suffix(']')
                .map_or(before, |b| b.rfind(" [").map_or(b, |j| &b[..j]));
            let class_start = class_part
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
                .map_or(0, |(j, c)| j + c.len_utf8());
            let mut class = &class_part[class_start..];
            // Streamed text printed without a line break runs into the error: `Hellolitellm.…`.
            if let Some(j) = class.find("litellm.").filter(|j| *j > 0) {
                class = &class[j..];
            }
            let last = class.rsplit('.').next().unwrap_or("");
            if last.ends_with("Error") || last.ends_with("Exception") || last == "DOMException" {
                out.push((class.to_owned(), line[i + 2..].trim().to_owned()));
                break;
            }
            search = i + 2;
        }
    }
    out
}

/// An exception's text without the status and client prefixes it carries:
/// `Error code: 401 - <message>`, `401 <message>`, `Failed after 3 attempts. Last error: <message>`.
fn error_message(msg: &str) -> String {
    let mut m = msg.trim();
    if let Some(rest) = m.split_once("Last error: ") {
        m = rest.1;
    }
    // The litellm SDK's relabelling: `litellm.NotFoundError: NotFoundError: Litellm_proxyException - <what the gateway said>`.
    if let Some(rest) = m.split_once("Litellm_proxyException - ") {
        m = rest.1;
    }
    if let Some(rest) = m.strip_prefix("Error code: ") {
        m = rest.get(3..).unwrap_or("").trim_start_matches([' ', '-']);
    } else if m.len() > 4
        && m.as_bytes()[..3].iter().all(u8::is_ascii_digit)
        && m.as_bytes()[3] == b' '
    {
        m = &m[4..];
    }
    m.trim().to_owned()
}

/// `Error code: 401 - <message>` where no exception class precedes it (`print(e)`, a log line), last
/// first.
fn printed_status_messages(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .rev()
        .filter_map(|line| line.find("Error code: ").map(|i| error_message(&line[i..])))
}

/// Lines that only wrap another error, or say only that there was no body, and name no cause.
fn is_wrapper_message(m: &str) -> bool {
    m.starts_with("sys.meta_path is None")
        || m == "status code (no body)"
        // `requests` and `httpx` print only the status and its reason phrase.
        || ["Client Error: ", "Server Error: ", "Client error '", "Server error '"]
            .iter()
            .any(|p| m.starts_with(p))
}

/// The last HTTP status the paste states, in any client's words.
fn status(text: &str, exceptions: &[(String, String)]) -> Option<u16> {
    let mut found: Vec<(usize, u16)> = Vec::new();
    let three = |s: &str| -> Option<u16> {
        let d = s.get(..3)?;
        let n: u16 = d.parse().ok()?;
        let next = s.as_bytes().get(3);
        ((100..600).contains(&n) && next.is_none_or(|b| !b.is_ascii_digit())).then_some(n)
    };
    for label in [
        "Error code: ",
        "statusCode: ",
        "status: ",
        "\"status\": ",
        "'status': ",
        "status_code=",
        "status_code: ",
        "Client error '",
        "Server error '",
        "HTTP/1.1 ",
        "HTTP/1.0 ",
        "HTTP/2 ",
    ] {
        for i in find_all(text, label) {
            if let Some(n) = text.get(i + label.len()..).and_then(three) {
                found.push((i, n));
            }
        }
    }
    // `requests`: `401 Client Error: Unauthorized for url: …`.
    for marker in [" Client Error: ", " Server Error: "] {
        for i in find_all(text, marker) {
            if let Some(n) = i
                .checked_sub(3)
                .and_then(|s| text.get(s..i))
                .and_then(three)
            {
                found.push((i, n));
            }
        }
    }
    // openai-node: `AuthenticationError: 401 <message>`.
    if let Some(n) = exceptions
        .iter()
        .rev()
        .find_map(|(_, m)| three(m).filter(|_| m.as_bytes().get(3) == Some(&b' ')))
    {
        found.push((usize::MAX, n));
    }
    found.into_iter().max_by_key(|(i, _)| *i).map(|(_, n)| n)
}

/// The value of the last `key: value` field in Python dict, JSON or JS object-literal syntax, with
/// string concatenation (`'a' +\n 'b'`) joined. `None`, `null` and `undefined` read as absent.
pub fn last_field(text: &str, key: &str) -> Option<String> {
    let mut best = None;
    for i in find_all(text, key) {
        let from = i + key.len();
        let before = text[..i].chars().next_back();
        let (quoted_before, start) = match before {
            Some(q @ ('\'' | '"')) => (Some(q), i - 1),
            _ => (None, i),
        };
        let prev = text[..start].chars().next_back();
        if prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.') {
            continue;
        }
        let mut rest = &text[from..];
        if let Some(q) = quoted_before {
            match rest.strip_prefix(q) {
                Some(r) => rest = r,
                None => continue,
            }
        }
        let Some(after_colon) = rest.trim_start_matches(' ').strip_prefix(':') else {
            continue;
        };
        best = Some(value(after_colon.trim_start_matches(' ')));
    }
    best.flatten()
}

/// A literal: one or more quoted strings joined by `+`, or a bare word up to `,` `}` or the line end.
fn value(text: &str) -> Option<String> {
    let mut rest = text;
    let mut out = String::new();
    let mut any = false;
    while let Some(q) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))
    {
        let (s, after) = quoted(&rest[1..], q)?;
        out.push_str(&s);
        any = true;
        let next = after.trim_start_matches(' ');
        match next.strip_prefix('+') {
            Some(more) => rest = more.trim_start(),
            None => break,
        }
    }
    if any {
        return Some(out);
    }
    let word: String = text
        .chars()
        .take_while(|c| !matches!(c, ',' | '}' | '\n'))
        .collect();
    let word = word.trim();
    match word {
        "" | "None" | "null" | "undefined" | "[]" => None,
        w if w.starts_with('{') || w.starts_with('[') => None,
        w => Some(w.to_owned()),
    }
}

const MAX_STRING: usize = 64 * 1024;

/// The text of a quoted string whose opening quote is already consumed, and what follows it.
fn quoted(text: &str, q: char) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        // A printed string longer than this is no error message; stop rather than scan on.
        if i > MAX_STRING {
            return None;
        }
        match c {
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => {}
                'u' => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, c)| c))
                        .collect();
                    if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(c);
                    }
                }
                other => out.push(other),
            },
            c if c == q => return Some((out, &text[i + c.len_utf8()..])),
            '\n' if q != '`' => return None,
            c => out.push(c),
        }
    }
    None
}

/// `responseHeaders: { 'retry-after': '60', server: 'uvicorn', … }` (the last such block), and
/// `< name: value` / `name: value` lines of a printed HTTP block are left to the HTTP reader.
fn printed_headers(text: &str) -> Vec<(String, String)> {
    let Some(start) = rfind(text, "responseHeaders: {") else {
        return Vec::new();
    };
    let block = &text[start + "responseHeaders: {".len()..];
    let end = block.find('}').unwrap_or(block.len());
    block[..end]
        .lines()
        .filter_map(|line| {
            let line = line.trim().trim_end_matches(',');
            let (name, rest) =
                if let Some(q) = line.chars().next().filter(|c| *c == '\'' || *c == '"') {
                    let (name, rest) = quoted(&line[1..], q)?;
                    (name, rest)
                } else {
                    let (name, rest) = line.split_once(':')?;
                    (name.trim().to_owned(), rest)
                };
            let rest = rest.trim_start().trim_start_matches(':').trim_start();
            Some((name.to_ascii_lowercase(), value(rest)?))
        })
        .collect()
}

fn header_value(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// The first word after the last occurrence of `label`.
fn word_after(text: &str, label: &str) -> Option<String> {
    let i = rfind(text, label)? + label.len();
    let word: String = text[i..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '\'' | '"' | ',' | ')' | '}'))
        .collect();
    (!word.is_empty()).then_some(word)
}

/// The request URL as printed: the AI SDK's `url:`, `for url: …` (requests/httpx), `to URL: …`
/// (HTTPie), an httpx log line.
fn url(text: &str) -> Option<String> {
    if let Some(u) = last_field(text, "url").filter(|u| u.starts_with("http")) {
        return Some(u);
    }
    for label in [
        "for url: ",
        "for url '",
        "to URL: ",
        "HTTP Request: POST ",
        "HTTP Request: GET ",
        "url=",
        "Request URL: ",
    ] {
        if let Some(u) = word_after(text, label).filter(|u| u.starts_with("http")) {
            return Some(u.trim_end_matches(['.', '"']).to_owned());
        }
    }
    None
}

/// The host (and, from a `curl -v` request line, the path) when the paste names no whole URL:
/// `> Host:`, `getaddrinfo ENOTFOUND host`, `Could not resolve host:`, urllib3's `host='…'`.
fn host_and_path(text: &str) -> Option<(String, String)> {
    let mut host = word_after(text, "> Host: ")
        .or_else(|| word_after(text, "getaddrinfo ENOTFOUND "))
        .or_else(|| word_after(text, "hostname: '"))
        .or_else(|| word_after(text, "Could not resolve host: "))
        .or_else(|| word_after(text, "host='"));
    if let Some(h) = &mut host {
        h.retain(|c| c != '\'');
    }
    let host = host?;
    let path = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("> POST ")
                .or_else(|| l.strip_prefix("> GET "))
        })
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or("");
    Some((host, path.to_owned()))
}

/// Network failures, each runtime in its own words: Python errno texts and exception classes, node's
/// `ENOTFOUND`/`ECONNREFUSED`/`ETIMEDOUT`/`UND_ERR_*`, TLS verify errors, curl's exit codes.
fn network(text: &str) -> Option<(NetFailure, String)> {
    // Log lines before a traceback are the program's own chatter (a library fetching something
    // else); the failure is in the traceback.
    let text = text
        .find("Traceback (most recent call last):")
        .map_or(text, |i| &text[i..]);
    const SIGNS: &[(NetFailure, &[&str])] = &[
        (
            NetFailure::Tls,
            &[
                "CERTIFICATE_VERIFY_FAILED",
                "certificate verify failed",
                "SELF_SIGNED_CERT",
                "self-signed certificate",
                "self signed certificate",
                "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
                "UNABLE_TO_GET_ISSUER_CERT",
                "CERT_HAS_EXPIRED",
                "ERR_TLS_CERT_ALTNAME_INVALID",
                "SSL certificate problem",
                "SSLError",
                "WRONG_VERSION_NUMBER",
                "wrong version number",
                "curl: (35)",
                "curl: (60)",
            ],
        ),
        (
            NetFailure::Dns,
            &[
                "Name or service not known",
                "nodename nor servname",
                "Temporary failure in name resolution",
                "No address associated with hostname",
                "getaddrinfo ENOTFOUND",
                "getaddrinfo EAI_AGAIN",
                "NameResolutionError",
                "Failed to resolve",
                "Could not resolve host",
                "curl: (6)",
            ],
        ),
        (
            NetFailure::Cut,
            &[
                "incomplete chunked read",
                "peer closed connection without sending complete message body",
                "Response ended prematurely",
                "ChunkedEncodingError",
                "IncompleteRead",
                "TypeError: terminated",
                "UND_ERR_SOCKET",
                "other side closed",
                "Premature close",
                "transfer closed with outstanding read data",
                "curl: (18)",
                "curl: (92)",
                "INTERNAL_ERROR (err 2)",
            ],
        ),
        (
            NetFailure::Refused,
            &[
                "Connection refused",
                "ECONNREFUSED",
                "Couldn't connect to server",
                "[Errno 111]",
                "No route to host",
                "Network is unreachable",
                "EHOSTUNREACH",
                "ENETUNREACH",
                "curl: (7)",
            ],
        ),
        (
            NetFailure::Timeout,
            &[
                "ReadTimeout",
                "ConnectTimeout",
                "WriteTimeout",
                "PoolTimeout",
                "APITimeoutError",
                "APIConnectionTimeoutError",
                "Request timed out",
                "timed out",
                "ETIMEDOUT",
                "UND_ERR_CONNECT_TIMEOUT",
                "UND_ERR_HEADERS_TIMEOUT",
                "UND_ERR_BODY_TIMEOUT",
                "TimeoutError",
                "aborted due to timeout",
                "Operation timed out",
                "curl: (28)",
            ],
        ),
        (
            NetFailure::Proxy,
            &[
                "ProxyError",
                "Tunnel connection failed",
                "Unable to connect to proxy",
                "curl: (56) CONNECT",
                "curl: (97)",
            ],
        ),
        (
            NetFailure::Unknown,
            &[
                "Connection error.",
                "APIConnectionError",
                "fetch failed",
                "Cannot connect to API",
                "ECONNRESET",
                "socket hang up",
                "Connection reset by peer",
                "ConnectError",
                "ConnectionError",
            ],
        ),
    ];
    let first = first_occurrences(text, SIGNS.iter().flat_map(|(_, signs)| signs.iter()));
    let mut at = first.into_iter();
    for (kind, signs) in SIGNS {
        for sign in *signs {
            if let Some(i) = at.next().flatten() {
                // `litellm.APIConnectionError` is LiteLLM's name for a provider failure, not ours.
                if (*sign == "APIConnectionError" || *sign == "Connection error.")
                    && text[..i].ends_with("litellm.")
                {
                    continue;
                }
                // Inside LiteLLM's own error names, "ConnectionError" is the provider's failure; only
                // its "Connection error." is the client's own connection failing.
                if *kind == NetFailure::Unknown
                    && *sign != "Connection error."
                    && text.contains("litellm.APIConnectionError")
                {
                    continue;
                }
                return Some((*kind, line_at(text, i)));
            }
        }
    }
    None
}

/// Where each needle first occurs, in one pass over the text (a paste can be a megabyte and the
/// needles are many): needles are bucketed by their first byte.
fn first_occurrences<'a>(
    text: &str,
    needles: impl Iterator<Item = &'a &'a str>,
) -> Vec<Option<usize>> {
    let needles: Vec<&[u8]> = needles.map(|n| n.as_bytes()).collect();
    let mut by_first_byte: Vec<Vec<usize>> = vec![Vec::new(); 256];
    for (n, needle) in needles.iter().enumerate() {
        if let Some(b) = needle.first() {
            by_first_byte[usize::from(*b)].push(n);
        }
    }
    let mut first = vec![None; needles.len()];
    let mut missing = needles.len();
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        for &n in &by_first_byte[usize::from(*b)] {
            if first[n].is_none() && bytes[i..].starts_with(needles[n]) {
                first[n] = Some(i);
                missing -= 1;
            }
        }
        if missing == 0 {
            break;
        }
    }
    first
}

/// Where `needle` first occurs in a whole paste. A paste can be 8 MiB and is searched for dozens of
/// signs: `memchr`'s vectorised search is several times quicker there than `str::find`. A match of
/// a string in a string starts on a character boundary, so the offsets slice safely.
fn find(text: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(text.as_bytes(), needle.as_bytes())
}

/// Where `needle` last occurs in a whole paste.
fn rfind(text: &str, needle: &str) -> Option<usize> {
    memchr::memmem::rfind(text.as_bytes(), needle.as_bytes())
}

/// Every occurrence of `needle` in a whole paste, first to last, none overlapping.
fn find_all<'a>(text: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    memchr::memmem::find_iter(text.as_bytes(), needle.as_bytes())
}

/// The trimmed line around byte `i`.
fn line_at(text: &str, i: usize) -> String {
    let start = text[..i].rfind('\n').map_or(0, |s| s + 1);
    let end = text[i..].find('\n').map_or(text.len(), |e| e + i);
    text[start..end].trim().to_owned()
}

fn attempts(text: &str) -> Option<u32> {
    if let Some(n) = word_after(text, "Failed after ").and_then(|n| n.parse().ok()) {
        return Some(n);
    }
    let retries = find_all(text, "Retrying request to").count();
    (retries > 0).then(|| retries as u32 + 1)
}

/// The customer's code reading `choices` from something that was not a completion: the SDKs hand
/// back an HTML page as a string (Python) or an object without `choices` (node).
fn not_api_crash(text: &str) -> Option<String> {
    [
        "'str' object has no attribute",
        "Unexpected response type from OpenAI-compatible endpoint",
        "Empty or invalid response from LLM endpoint",
        "<!DOCTYPE html",
        "Cannot read properties of undefined (reading '0')",
        "Cannot read properties of undefined (reading 'message')",
        "Cannot read property '0' of undefined",
        "Invalid JSON response",
        "Unexpected token '<'",
        "JSONDecodeError",
        "Expecting value: line 1 column 1",
        "string indices must be integers",
    ]
    .iter()
    .find_map(|sign| find(text, sign).map(|i| line_at(text, i)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_every_syntax() {
        assert_eq!(
            last_field("{'type': 'expired_key', 'param': None}", "type").as_deref(),
            Some("expired_key")
        );
        assert_eq!(last_field("{'param': None}", "param"), None);
        assert_eq!(
            last_field(
                "error: {\n    message: 'a\\n' +\n      '\\n' +\n      \"b 'c'\",",
                "message"
            )
            .as_deref(),
            Some("a\n\nb 'c'")
        );
        assert_eq!(
            last_field("{\"code\": \"401\"}", "code").as_deref(),
            Some("401")
        );
        assert_eq!(
            last_field("statusCode: 422,", "statusCode").as_deref(),
            Some("422")
        );
        assert_eq!(last_field("messages: [x]", "message"), None);
    }

    #[test]
    fn status_in_every_clients_words() {
        let s = |t: &str| status(t, &exception_lines(t));
        assert_eq!(s("openai.RateLimitError: Error code: 429 - x"), Some(429));
        assert_eq!(
            s("AuthenticationError: 401 Authentication Error"),
            Some(401)
        );
        assert_eq!(
            s("requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: x"),
            Some(401)
        );
        assert_eq!(
            s("httpx.HTTPStatusError: Client error '429 Too Many Requests' for url 'x'"),
            Some(429)
        );
        assert_eq!(
            s(
                "INFO HTTP Request: POST http://x/v1/chat/completions \"HTTP/1.1 503 Service Unavailable\""
            ),
            Some(503)
        );
        assert_eq!(s("Connection error."), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,400}") {
            let _ = super::super::classify_facts(&read(&text), "t");
        }

        #[test]
        fn never_panics_on_client_like_text(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "Traceback (most recent call last):", "openai.AuthenticationError: Error code: 401 - ",
                "{'error': {'message': 'x", "', 'type': None", "message: '", "' +", "\"", "`", "\\",
                "statusCode: ", "responseHeaders: {", "'retry-after': '", "}", "responseBody: '",
                "status: 4", "Error code: ", "curl: (18) ", "for url: http", "> Host: ", "\u{1b}[1;3",
                "Failed after ", "getaddrinfo ENOTFOUND ", "é", "\n", " ", ": ", "Error: ", "[AI_", "]: ",
            ]), 0..24),
        ) {
            let _ = super::super::classify_facts(&read(&parts.concat()), "t");
        }
    }

    #[test]
    fn one_pass_search_finds_what_find_finds() {
        let text = "a curl: (7) b [Errno 111] é timed out timed out";
        let needles = ["timed out", "curl: (7)", "nope", "é", "[Errno 111]", ""];
        let found = first_occurrences(text, needles.iter());
        let expected: Vec<Option<usize>> = needles[..5].iter().map(|n| text.find(n)).collect();
        assert_eq!(found[..5], expected[..]);
    }

    /// The character-by-character reading `strip_ansi` replaced, kept as its reference.
    fn strip_ansi_by_char(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\u{1b}' => {
                    if chars.peek() == Some(&'[') {
                        chars.next();
                        for n in chars.by_ref() {
                            if n.is_ascii_alphabetic() {
                                break;
                            }
                        }
                    }
                }
                '\r' => {}
                _ => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn strip_ansi_reads_as_char_by_char(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "\u{1b}", "[", "\u{1b}[", "1;31m", "0", "m", "\r", "\n", "é", "a", "😀", ";", "K",
            ]), 0..40),
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(strip_ansi(&text), strip_ansi_by_char(&text));
        }
    }

    #[test]
    fn ansi_codes_go() {
        assert_eq!(strip_ansi("\u{1b}[1;31mGive\u{1b}[0m\r\n"), "Give\n");
    }
}
