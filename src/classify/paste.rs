//! Reading what a person pastes when it holds a response: raw `curl -i` / `curl -v` / HTTPie output
//! (HTTP/1.1 or HTTP/2 status lines, several header blocks, CRLF or LF, pretty-printed SSE frames),
//! a bare JSON body, or an SSE transcript. Everything else is read as client output by `facts`.

/// A pasted response, as far as the paste tells it.
#[derive(Clone, Debug, PartialEq)]
pub struct Pasted {
    /// The final status line's code, when the paste has one.
    pub status: Option<u16>,
    /// Headers of the final block, names lowercase.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Status lines of blocks that came before the final one (`100 Continue`, a proxy's
    /// `200 Connection established`).
    pub skipped: Vec<String>,
}

impl Pasted {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the body is an event stream (by content type, or by its first line).
    pub fn is_sse(&self) -> bool {
        if self
            .header("content-type")
            .is_some_and(|ct| ct.contains("text/event-stream"))
        {
            return true;
        }
        let start = String::from_utf8_lossy(&self.body[..self.body.len().min(64)]);
        let start = start.trim_start_matches('\u{feff}').trim_start();
        start.starts_with("data:")
            || start.starts_with("event:")
            || start.starts_with(": ")
            || start.starts_with("id:")
    }
}

/// Parse a paste. Errors say what was expected.
pub fn parse(input: &[u8]) -> Result<Pasted, String> {
    let mut start = if input.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    while input.get(start).is_some_and(u8::is_ascii_whitespace) {
        start += 1;
    }
    let bytes = &input[start..];
    if bytes.is_empty() {
        return Err("the input is empty".to_owned());
    }
    if bytes.starts_with(b"HTTP/") {
        return parse_http(bytes);
    }
    let trimmed = String::from_utf8_lossy(bytes);
    let trimmed = without_progress_meter(&trimmed);
    if trimmed.lines().any(|l| l.starts_with("< HTTP/")) {
        return parse_http(unverbose(&trimmed).as_bytes());
    }
    let body_only = Pasted {
        status: None,
        headers: Vec::new(),
        body: bytes.to_vec(),
        skipped: Vec::new(),
    };
    if trimmed.starts_with('{') || trimmed.starts_with('[') || body_only.is_sse() {
        return Ok(body_only);
    }
    Err(
        "expected raw `curl -i` output (starting with an HTTP status line), a JSON body, an SSE transcript (`data:` lines), or what a client printed for a failed request (an SDK exception or traceback, a log line with the status or the gateway's message, curl's `curl: (N)` line)"
            .to_owned(),
    )
}

/// curl without `-s` writes a progress meter to stderr when its output is not a terminal; in a
/// `curl -v … >file 2>&1` paste it shares lines with the trace (`0*   Trying …`) and follows the
/// body after a carriage return. Keep the trace and the body, drop the meter.
pub fn without_progress_meter(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("% Total    % Received") {
        return text.into();
    }
    let is_meter = |seg: &str| {
        let t = seg.trim_start();
        t.starts_with(|c: char| c.is_ascii_digit()) && (t.contains("--:--") || t.contains(":00"))
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        let t = bare.trim_start();
        if t.starts_with("% Total") || t.starts_with("Dload") {
            continue;
        }
        for seg in bare.split('\r') {
            if !is_meter(seg) {
                out.push_str(seg);
            } else if let Some(i) = ["* ", "< ", "> ", "{ [", "} [", "curl: ("]
                .iter()
                .filter_map(|m| seg.find(m))
                .min()
            {
                out.push_str(&seg[i..]);
            }
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out.into()
}

/// Turn `curl -v` output into `curl -i` form: keep `< ` lines without the marker and the body,
/// drop request lines (`> `) and curl's notes (`* `, `{ [`, `} [`).
fn unverbose(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("< ") {
            out.push_str(rest);
        } else if line == "<\r\n" || line == "<\n" || line == "< \r\n" {
            out.push_str("\r\n");
        } else if line.starts_with("> ")
            || line.starts_with("* ")
            || line.starts_with("{ [")
            || line.starts_with("} [")
            || line.trim_end() == ">"
        {
            continue;
        } else {
            out.push_str(line);
        }
    }
    let start = out.find("HTTP/").unwrap_or(0);
    out[start..].to_owned()
}

fn parse_http(input: &[u8]) -> Result<Pasted, String> {
    let mut rest = input;
    let mut skipped = Vec::new();
    loop {
        let (status_line, after) = take_line(rest).ok_or("the status line never ends")?;
        let status = status_code(&status_line)
            .ok_or_else(|| format!("not an HTTP status line: {status_line:?}"))?;
        let mut headers = Vec::new();
        let mut cursor = after;
        loop {
            let Some((line, next)) = take_line(cursor) else {
                // Headers without a blank line after them: no body.
                cursor = &[];
                break;
            };
            cursor = next;
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let next_is_block = String::from_utf8_lossy(&cursor[..cursor.len().min(16)])
            .trim_start()
            .starts_with("HTTP/");
        if (100..200).contains(&status) || next_is_block {
            skipped.push(status_line);
            let ws = cursor
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            rest = &cursor[ws..];
            continue;
        }
        let mut pasted = Pasted {
            status: Some(status),
            headers,
            body: cursor.to_vec(),
            skipped,
        };
        if pasted.is_sse() {
            pasted.body = join_pretty_frames(&pasted.body);
        }
        return Ok(pasted);
    }
}

/// HTTPie pretty-prints each `data:` payload over several lines; put the continuation lines back
/// into the frame as `data:` lines, which SSE joins with line breaks into the original JSON.
fn join_pretty_frames(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    let mut out = String::with_capacity(text.len());
    let mut in_data = false;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        let is_field = ["data:", "event:", "id:", "retry:", ":"]
            .iter()
            .any(|f| bare.starts_with(f));
        if bare.is_empty() {
            in_data = false;
        } else if bare.starts_with("data:") {
            in_data = true;
        } else if in_data && !is_field {
            out.push_str("data: ");
        }
        out.push_str(line);
    }
    out.into_bytes()
}

/// One line without its LF or CRLF, and what follows it.
fn take_line(input: &[u8]) -> Option<(String, &[u8])> {
    if input.is_empty() {
        return None;
    }
    let end = input.iter().position(|b| *b == b'\n');
    let (line, rest) = match end {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => (input, &input[input.len()..]),
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some((String::from_utf8_lossy(line).into_owned(), rest))
}

/// `HTTP/1.1 401 Unauthorized`, `HTTP/2 401` → 401.
fn status_code(line: &str) -> Option<u16> {
    let mut parts = line.split_whitespace();
    let version = parts.next()?;
    if !version.starts_with("HTTP/") {
        return None;
    }
    parts
        .next()?
        .parse()
        .ok()
        .filter(|s| (100..600).contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http1_with_crlf() {
        let p = parse(
            b"HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n{\"error\":{}}",
        )
        .unwrap();
        assert_eq!(p.status, Some(401));
        assert_eq!(p.header("Content-Type"), Some("application/json"));
        assert_eq!(p.body, b"{\"error\":{}}");
    }

    #[test]
    fn http2_with_lf_and_a_proxy_block() {
        let p = parse(
            b"HTTP/1.1 200 Connection established\n\nHTTP/2 429\nretry-after: 60\n\n{\"error\":{\"type\":\"throttling_error\"}}\n",
        )
        .unwrap();
        assert_eq!(p.status, Some(429));
        assert_eq!(p.skipped, ["HTTP/1.1 200 Connection established"]);
        assert_eq!(p.header("retry-after"), Some("60"));
    }

    #[test]
    fn continue_block_is_skipped() {
        let p = parse(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}").unwrap();
        assert_eq!(p.status, Some(200));
        assert_eq!(p.skipped.len(), 1);
    }

    #[test]
    fn curl_verbose_output() {
        let text = "* Connected to x\n> GET /v1/models HTTP/1.1\n> Host: x\n>\n< HTTP/1.1 403 Forbidden\n< content-type: application/json\n<\n{\"error\":{\"type\":\"key_model_access_denied\"}}\n* Connection left intact\n";
        let p = parse(text.as_bytes()).unwrap();
        assert_eq!(p.status, Some(403));
        assert!(String::from_utf8_lossy(&p.body).starts_with("{\"error\""));
    }

    #[test]
    fn bare_json_and_sse() {
        let p = parse(b"  {\"error\":{\"code\":\"422\"}}").unwrap();
        assert_eq!(p.status, None);
        let p = parse(b"data: {\"x\":1}\n\ndata: [DONE]\n\n").unwrap();
        assert!(p.is_sse());
        let p = parse(b"\xef\xbb\xbf: ping\r\ndata: {}\r\n\r\n").unwrap();
        assert!(p.is_sse());
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        assert!(parse(b"").is_err());
        assert!(parse(b"hello there").is_err());
        assert!(parse(b"HTTP/1.1 abc\r\n\r\n").is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn never_panics_on_response_like_text(
            lines in proptest::collection::vec(proptest::sample::select(vec![
                "HTTP/1.1 200 OK", "HTTP/2 401", "HTTP/1.1 100 Continue", "HTTP/1.1 abc", "< HTTP/1.1 403 x",
                "content-type: application/json", "x: y", "", "data: {}", ": ping", "{\"error\":{}}", "> GET / HTTP/1.1",
            ]), 0..12),
            ending in proptest::sample::select(vec!["\n", "\r\n", "\r"]),
        ) {
            let _ = parse(lines.join(ending).as_bytes());
        }
    }
}
