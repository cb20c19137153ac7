//! Copy-paste curl reproductions of the requests tlcheck made: the exact URL, headers and body,
//! `-N` for streams, and the key only as `"$TENSORLOOP_KEY"`, never inlined.

use crate::redact::mask_url_credentials;
use crate::report::{Report, RequestRecord};
use std::path::Path;

/// The line that precedes the commands wherever they are shown.
pub const PREAMBLE: &str =
    "The key is read from $TENSORLOOP_KEY: set it first (export TENSORLOOP_KEY=sk-...).";

/// One curl command (lines joined with ` \` continuations) that sends the same request.
///
/// The request ids are left out: LiteLLM records each call under the id it is given, and a rerun
/// is a new call.
pub fn command(r: &RequestRecord, cacert: Option<&Path>) -> String {
    let mut parts = vec!["curl -sS -i".to_owned()];
    if r.wire.streamed() {
        parts[0].push_str(" -N");
    }
    let has_body = r.wire.request_body.is_some();
    if !(r.method == "GET" || r.method == "POST" && has_body) {
        parts[0].push_str(&format!(" -X {}", r.method));
    }
    if let Some(path) = cacert {
        parts.push(format!("--cacert {}", quote(&path.display().to_string())));
    }
    parts.push(quote(&mask_url_credentials(&r.url)));
    if r.wire.sent_key() {
        parts.push("-H \"Authorization: Bearer $TENSORLOOP_KEY\"".to_owned());
    }
    if let Some(body) = &r.wire.request_body {
        parts.push(format!("-H {}", quote("Content-Type: application/json")));
        parts.push(format!("--data-raw {}", quote(body)));
    }
    parts.join(" \\\n  ")
}

/// Every request of a report as `# check` comment lines followed by its command.
pub fn commands(report: &Report) -> String {
    let cacert = report.detail.cacert.as_deref();
    let mut out = String::new();
    for (i, r) in report.requests.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("# {}\n{}\n", r.check, command(r, cacert)));
    }
    out
}

/// Quote a word for a POSIX shell: single quotes, with `'` written as `'\''`.
fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Wire;
    use std::time::Duration;

    fn record(method: &'static str, url: &str, key: bool, body: Option<&str>) -> RequestRecord {
        let mut wire = Wire::default();
        if key {
            wire.request_headers
                .push(("authorization".into(), "Bearer sk-…abcd".into()));
        }
        wire.request_body = body.map(str::to_owned);
        RequestRecord {
            check: "chat",
            method,
            url: url.to_owned(),
            started_unix: 0,
            status: Some(200),
            elapsed: Duration::ZERO,
            wire,
            response_headers: Vec::new(),
            body: Vec::new(),
            body_bytes: 0,
            failure: None,
        }
    }

    #[test]
    fn a_get_without_the_key() {
        let r = record(
            "GET",
            "http://127.0.0.1:4000/health/liveliness",
            false,
            None,
        );
        assert_eq!(
            command(&r, None),
            "curl -sS -i \\\n  http://127.0.0.1:4000/health/liveliness"
        );
    }

    #[test]
    fn a_post_with_the_key_as_a_variable_and_the_exact_body() {
        let body = r#"{"model":"o'brien","stream":true}"#;
        let r = record(
            "POST",
            "https://gw.example.com/v1/chat/completions",
            true,
            Some(body),
        );
        let cmd = command(&r, Some(Path::new("my ca.pem")));
        assert_eq!(
            cmd,
            "curl -sS -i -N \\\n  --cacert 'my ca.pem' \\\n  https://gw.example.com/v1/chat/completions \\\n  \
             -H \"Authorization: Bearer $TENSORLOOP_KEY\" \\\n  -H 'Content-Type: application/json' \\\n  \
             --data-raw '{\"model\":\"o'\\''brien\",\"stream\":true}'"
        );
    }

    #[test]
    fn credentials_in_the_url_are_masked() {
        let r = record(
            "GET",
            "https://user:secret@gw.example.com/v1/models",
            false,
            None,
        );
        assert!(!command(&r, None).contains("secret"));
    }

    #[test]
    fn quoting_leaves_plain_words_alone() {
        assert_eq!(quote("https://a.example/v1"), "https://a.example/v1");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
    }
}
