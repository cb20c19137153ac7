//! Renderers: each turns a finished report (or the catalog) into text. They only read.

pub mod curl;
pub mod facts;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod openmetrics;
#[cfg(test)]
mod schema;
pub mod trace;

/// The schema version of every JSON document tlcheck prints. Changes are additive only.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema of this version's documents (`schema/report.schema.json` at its release tag),
/// named by every JSON document in `$schema`.
pub const SCHEMA_URL: &str = concat!(
    "https://raw.githubusercontent.com/tensorloop/tlcheck/v",
    env!("CARGO_PKG_VERSION"),
    "/schema/report.schema.json"
);
/// `text` safe to show a person on a terminal or in a rendered document: control characters
/// (ESC, BEL, backspace, carriage return, C1 controls) and bidirectional overrides are shown
/// escaped (`\x1b`, `\u{202e}`) instead of acting. Line feeds and tabs stay.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    fn acts(c: char) -> bool {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !acts(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Wrap `text` to `width` columns, every line after the first indented by `indent` spaces.
pub(crate) fn wrap(text: &str, width: usize, indent: usize) -> String {
    let avail = width.saturating_sub(indent).max(20);
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if line_len > 0 && line_len + 1 + w > avail {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += w;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn control_characters_are_shown_escaped() {
        use super::printable;
        assert_eq!(printable("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(printable("a\x1b[2Jb\x07c\x08"), "a\\x1b[2Jb\\x07c\\x08");
        assert_eq!(printable("x\u{9b}y\u{202e}z\r"), "x\\x9by\\u{202e}z\\x0d");
    }

    #[test]
    fn wraps_on_words_with_indent() {
        assert_eq!(wrap("aaa bbb ccc ddd", 27, 4), "aaa bbb ccc ddd");
        let long = "word ".repeat(12);
        let wrapped = wrap(&long, 30, 2);
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 30),
            "{wrapped}"
        );
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("  ")));
    }

    /// A report that carries `body` in every place a server's words can reach: notices, a
    /// finding's detail, evidence and suggestion, a check's note and facts, the proxy list.
    fn report_embedding(key: &str, body: &str) -> crate::report::Report {
        use crate::catalog::Code;
        use crate::inputs::{Source, SourceKind, Sourced, Target};
        use crate::report::{Finding, Outcome, Report};
        let target = Target {
            key: Some(Sourced {
                value: crate::secret::ApiKey::new(key),
                source: Source::new(SourceKind::Env, "TENSORLOOP_KEY"),
                shadowed: Vec::new(),
            }),
            ..Default::default()
        };
        let mut r = Report::new("doctor", target, false);
        r.notices.push(body.to_owned());
        r.proxies.push(("HTTPS_PROXY".to_owned(), body.to_owned()));
        let f = Finding::new(Code::AuthInvalidKey, "chat")
            .detail(body)
            .evidence("message", body)
            .suggest(body);
        let mut o = Outcome::findings(vec![f]);
        o.note = Some(body.to_owned());
        o.fact("answer", body);
        r.record("chat", "Chat", std::time::Duration::ZERO, o);
        r
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

        /// For any key and any body a server echoes, the JSON output is exactly one document, and
        /// no string in it holds the key: values are redacted before they are serialised.
        #[test]
        fn json_is_one_document_for_any_key_and_echoed_body(
            key in proptest::prop_oneof![
                proptest::sample::select(vec![
                    "null".to_owned(), "true".to_owned(), "false".to_owned(), "1234".to_owned(),
                    "\"\"\"\"".to_owned(), "\\\\\\".to_owned(), "sk-\"quoted\\slash-key".to_owned(),
                    "schema_version".to_owned(), "findings".to_owned(),
                ]),
                // Any text, after a JSON-special character so that it is never a phrase of the
                // catalog's own wording (which is not redacted data).
                "[\"\\\\{}\\[\\]:,]\\PC{3,40}",
                "sk-[A-Za-z0-9\"\\\\{}\\[\\]:,]{8,40}",
            ],
            before in "\\PC{0,20}",
            after in "\\PC{0,20}",
            escaped in proptest::bool::ANY,
        ) {
            let body = if escaped {
                serde_json::json!({"error": {"message": format!("{before}{key}{after}")}}).to_string()
            } else {
                format!("{before}{key}{after}")
            };
            let mut redactor = crate::redact::Redactor::new();
            redactor.add_key(&crate::secret::ApiKey::new(key.as_str()));
            let report = report_embedding(&key, &body).map_text(&|t| redactor.redact(t).into_owned());
            let text = super::json::report(&report);
            let doc: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}: {text}")))?;
            proptest::prop_assert!(!crate::output::json_leaks(&doc, &redactor), "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

        #[test]
        fn no_output_format_contains_the_key(
            key in "sk-[A-Za-z0-9_\\-\"<>&|%]{12,40}",
            before in "\\PC{0,20}",
            after in "\\PC{0,20}",
            how in 0usize..3,
            split_at in 3usize..12,
        ) {
            let body = match how {
                // Whole.
                0 => format!("{before}{key}{after}"),
                // Split across lines.
                1 => format!("{before}{}\n{}{after}", &key[..split_at], &key[split_at..]),
                // JSON-escaped, as a server's body would carry it.
                _ => serde_json::json!({"error": {"message": format!("{before}{key}{after}")}}).to_string(),
            };
            let mut redactor = crate::redact::Redactor::new();
            redactor.add_key(&crate::secret::ApiKey::new(key.as_str()));
            let report = report_embedding(&key, &body);
            for (format, text) in [
                ("human", super::human::report(&report)),
                ("json", super::json::report(&report)),
                ("markdown", super::markdown::report(&report)),
                ("junit", super::junit::report(&report)),
                ("github", super::github::report(&report)),
            ] {
                let out = redactor.redact(&text);
                proptest::prop_assert!(!out.contains(&key), "{format} shows the key: {out}");
                proptest::prop_assert!(!redactor.leaks(&out), "{format} leaks: {out}");
            }
        }
    }
}
