//! Key rules: where the key came from (`key.missing`, `key.conflict`, `key.on_argv`) and what its
//! value looks like (`key.whitespace`, `key.has_scheme`, `key.prefix`).

use super::ids;
use crate::catalog::{Code, Severity};
use crate::inputs::{KEY_VARS, SourceKind, Target};
use crate::report::Finding;
use crate::secret::{Fingerprint, is_invisible, is_quote};

/// The key check: provenance first, then the value.
pub fn check(target: &Target) -> Vec<Finding> {
    let Some(key) = &target.key else {
        let mut looked_in = vec!["--key-file".to_owned()];
        looked_in.extend(KEY_VARS.iter().map(|v| v.to_string()));
        looked_in.extend(KEY_VARS.iter().map(|v| format!("{v} in ./.env")));
        let mut f = Finding::new(Code::KeyMissing, ids::KEY).evidence("looked_in", looked_in);
        if !target.empty_key_sources.is_empty() {
            let empty: Vec<String> = target
                .empty_key_sources
                .iter()
                .map(|s| s.to_string())
                .collect();
            f = f.detail(format!("set but empty: {}", empty.join(", ")));
        }
        return vec![f];
    };

    let mut findings = Vec::new();
    if key.source.kind == SourceKind::Flag {
        findings.push(
            Finding::new(Code::KeyOnArgv, ids::KEY)
                .detail("--key puts the key in the process list and shell history"),
        );
    }
    let winner = key.value.fingerprint().short;
    findings.extend(super::conflict(
        Code::KeyConflict,
        ids::KEY,
        key,
        &winner,
        &[],
    ));
    findings.extend(lint_value(key.value.expose(), ids::KEY, Context::Stored));
    findings
}

/// Where a key value was found: stored on its own, or inside an Authorization header (where the
/// scheme and separators were already taken off by the header linter).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Stored,
    InHeader,
}

/// Rules on the key's own characters.
pub fn lint_value(raw: &str, check: &'static str, context: Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (has_scheme, body) = split_scheme(raw);
    if has_scheme {
        let detail = match context {
            Context::Stored => {
                "the stored value starts with `Bearer `; clients add the scheme again"
            }
            Context::InHeader => "the header says `Bearer` twice (`Bearer Bearer sk-...`)",
        };
        findings.push(Finding::new(Code::KeyHasScheme, check).detail(detail));
    }

    let stray = stray_characters(&body);
    if !stray.is_empty() {
        // In a header, trailing spaces and tabs are stripped by every HTTP parser: harmless there,
        // but a sign that the stored key carries them.
        let harmless = context == Context::InHeader
            && stray
                .iter()
                .all(|s| s.place == Place::Trailing && matches!(s.ch, ' ' | '\t'));
        let described: Vec<String> = stray.iter().map(Stray::describe).collect();
        let mut f = Finding::new(Code::KeyWhitespace, check)
            .detail(summarize(&stray))
            .evidence("characters", described);
        if harmless {
            f = f.severity(Severity::Warn);
        }
        findings.push(f);
    }

    let key = crate::secret::ApiKey::new(body.as_str())
        .normalized()
        .to_owned();
    if key.len() <= MAX_KEY_LEN && crate::secret::is_placeholder(&key) {
        findings.push(
            Finding::new(Code::KeyPlaceholder, check)
                .detail("the value is a placeholder from an example or a template"),
        );
    } else if let Some(f) = malformed(&key, check) {
        findings.push(f);
    } else if !key.is_empty() {
        findings.extend(prefix_finding(&key, check));
    }
    findings
}

/// The most characters a value may have to be taken for a key (TensorLoop keys have a few dozen).
pub const MAX_KEY_LEN: usize = crate::redact::MAX_INDEXED_KEY;

/// Whether the key findings forbid sending the key at all: it is not a key.
pub fn forbids_sending(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|f| matches!(f.code, Code::KeyMalformed | Code::KeyPlaceholder))
}

/// A value that cannot be a key: absurdly long, bytes that were not UTF-8, letters outside ASCII.
/// (Whitespace, quotes and control characters are `key.whitespace`.)
fn malformed(key: &str, check: &'static str) -> Option<Finding> {
    let finding = |detail: String| Finding::new(Code::KeyMalformed, check).detail(detail);
    if key.len() > MAX_KEY_LEN {
        return Some(
            finding(format!(
                "the value is {} bytes long; a key has a few dozen characters",
                key.len()
            ))
            .evidence("bytes", key.len()),
        );
    }
    if key.contains('\u{FFFD}') {
        return Some(finding(
            "the value holds bytes that are not UTF-8 (shown as U+FFFD): it was saved in another \
             encoding or damaged"
                .to_owned(),
        ));
    }
    let foreign: Vec<String> = key
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_ascii() && !is_stray(*c))
        .take(5)
        .map(|(i, c)| format!("U+{:04X} at character {}", c as u32, i + 1))
        .collect();
    if !foreign.is_empty() {
        return Some(
            finding("the value holds characters outside ASCII; keys never do".to_owned())
                .evidence("characters", foreign),
        );
    }
    None
}

/// Split a leading `Bearer` scheme (and the separator after it) off a stored value.
fn split_scheme(raw: &str) -> (bool, String) {
    let lead = raw.len() - raw.trim_start_matches(crate::secret::is_noise).len();
    let rest = &raw[lead..];
    let is_scheme = rest
        .get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
        && rest[6..].starts_with(|c: char| c.is_whitespace() || c == ':');
    if !is_scheme {
        return (false, raw.to_owned());
    }
    let after = rest[6..].trim_start_matches(|c: char| c.is_whitespace() || c == ':');
    (true, format!("{}{after}", &raw[..lead]))
}

fn prefix_finding(key: &str, check: &'static str) -> Option<Finding> {
    let finding = |detail: &str| Finding::new(Code::KeyPrefix, check).detail(detail);
    // Other providers' keys also start with `sk-`: they pass the prefix test and fail as unknown.
    const OTHER_PROVIDERS: [(&str, &str); 3] = [
        ("sk-proj-", "an OpenAI project key"),
        ("sk-ant-", "an Anthropic key"),
        ("sk-or-", "an OpenRouter key"),
    ];
    if let Some((_, what)) = OTHER_PROVIDERS.iter().find(|(p, _)| key.starts_with(p)) {
        return Some(
            finding(&format!(
                "this looks like {what}, not a TensorLoop key; the gateway will not know it"
            ))
            .severity(Severity::Warn),
        );
    }
    if key.starts_with("sk-") {
        return None;
    }
    let head: String = key.chars().take(3).collect();
    let detail = if head.eq_ignore_ascii_case("sk-") {
        format!("the key starts with `{head}`, not `sk-`: the prefix is case-sensitive")
    } else if key.starts_with("sk_") {
        "the key starts with `sk_` (underscore), not `sk-`".to_owned()
    } else if key.starts_with("eyJ") {
        "this looks like a session token (a JWT), not an API key".to_owned()
    } else {
        "the key does not start with `sk-`".to_owned()
    };
    Some(finding(&detail))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Leading,
    Inside,
    Trailing,
}

/// A character that does not belong in a key, and where it sits.
#[derive(Clone, Debug)]
struct Stray {
    ch: char,
    /// 1-based character position in the value.
    position: usize,
    place: Place,
}

impl Stray {
    fn describe(&self) -> String {
        let place = match self.place {
            Place::Leading => "leading",
            Place::Inside => "inner",
            Place::Trailing => "trailing",
        };
        format!(
            "{place} {} (U+{:04X}) at character {}",
            char_name(self.ch),
            self.ch as u32,
            self.position
        )
    }
}

fn is_stray(c: char) -> bool {
    c.is_whitespace() || c.is_control() || is_invisible(c) || is_quote(c)
}

fn stray_characters(raw: &str) -> Vec<Stray> {
    let chars: Vec<char> = raw.chars().collect();
    let first_good = chars.iter().position(|c| !is_stray(*c));
    let last_good = chars.iter().rposition(|c| !is_stray(*c));
    chars
        .iter()
        .enumerate()
        .filter(|(_, c)| is_stray(**c))
        .map(|(i, c)| Stray {
            ch: *c,
            position: i + 1,
            place: match (first_good, last_good) {
                (Some(first), _) if i < first => Place::Leading,
                (_, Some(last)) if i > last => Place::Trailing,
                (None, _) => Place::Leading,
                _ => Place::Inside,
            },
        })
        .collect()
}

fn summarize(stray: &[Stray]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for s in stray {
        let verb = match s.place {
            Place::Leading => "starts with",
            Place::Inside => "contains",
            Place::Trailing => "ends with",
        };
        let part = format!("{verb} a {}", char_name(s.ch));
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    format!("the key {}", parts.join(" and "))
}

/// A plain-words name for a character that should not be in a key.
pub fn char_name(c: char) -> &'static str {
    match c {
        ' ' => "space",
        '\t' => "tab",
        '\n' => "line feed",
        '\r' => "carriage return",
        '\u{00A0}' => "non-breaking space",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{2060}' => "word joiner",
        '\u{FEFF}' => "byte-order mark",
        '\u{00AD}' => "soft hyphen",
        '"' => "double quote",
        '\'' => "single quote",
        '`' => "backtick",
        '\u{201C}' | '\u{201D}' => "curly double quote",
        '\u{2018}' | '\u{2019}' => "curly single quote",
        c if c.is_control() => "control character",
        _ => "whitespace character",
    }
}

/// The fingerprint shown for a key token found in text.
pub fn shown(key: &str) -> String {
    Fingerprint::of(crate::secret::ApiKey::new(key).normalized()).short
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{InputArgs, resolve};

    #[test]
    fn values_that_are_not_keys() {
        let code = |raw: &str| {
            lint_value(raw, "key", Context::Stored)
                .iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
        };
        for raw in [
            "sk-caf\u{e9}-1234567890",
            "sk-\u{FFFD}\u{FFFD}abcdefgh",
            &"sk-a".repeat(400),
        ] {
            assert_eq!(code(raw), [Code::KeyMalformed], "{raw}");
        }
        for raw in [
            "sk-...",
            "sk-…",
            "sk-your-key-here",
            "<your-key>",
            "YOUR_API_KEY",
            "sk-xxxxxxxxxxxxxxxx",
            "$TENSORLOOP_KEY",
            "sk-REPLACE_ME",
        ] {
            assert_eq!(code(raw), [Code::KeyPlaceholder], "{raw}");
        }
        assert_eq!(code("sk-vk-good-1234567890abcdef"), []);
        assert!(forbids_sending(&lint_value(
            "sk-...",
            "key",
            Context::Stored
        )));
        assert!(!forbids_sending(&lint_value(
            " sk-abc1234567",
            "key",
            Context::Stored
        )));
    }

    fn codes(findings: &[Finding]) -> Vec<(&'static str, Severity)> {
        findings
            .iter()
            .map(|f| (f.code.as_str(), f.severity))
            .collect()
    }

    fn stored(raw: &str) -> Vec<(&'static str, Severity)> {
        codes(&lint_value(raw, "key", Context::Stored))
    }

    const FAIL: Severity = Severity::Fail;
    const WARN: Severity = Severity::Warn;

    #[test]
    fn a_clean_key_passes() {
        assert!(stored("sk-abcdefghijklmnop1234").is_empty());
    }

    #[test]
    fn whitespace_of_every_kind() {
        for raw in [
            "sk-abc\n",
            "sk-abc\r\n",
            "sk-abc\r",
            "\tsk-abc",
            " sk-abc",
            "sk-abc ",
            "sk-a bc",
            "sk-abc\u{00A0}",
            "\u{200B}sk-abc",
            "sk-abc\u{FEFF}",
        ] {
            assert_eq!(stored(raw), [("key.whitespace", FAIL)], "{raw:?}");
        }
    }

    #[test]
    fn quotes_around_the_key() {
        for raw in [
            "\"sk-abc\"",
            "'sk-abc'",
            "\u{201C}sk-abc\u{201D}",
            "`sk-abc`",
        ] {
            assert_eq!(stored(raw), [("key.whitespace", FAIL)], "{raw:?}");
        }
    }

    #[test]
    fn evidence_names_the_character_and_its_place_without_the_key() {
        let f = &lint_value("sk-secret\r\n", "key", Context::Stored)[0];
        let chars = f
            .evidence
            .iter()
            .find(|(k, _)| *k == "characters")
            .unwrap()
            .1;
        let text = chars.to_string();
        assert!(
            text.contains("trailing carriage return (U+000D) at character 10"),
            "{text}"
        );
        assert!(
            text.contains("trailing line feed (U+000A) at character 11"),
            "{text}"
        );
        assert!(!text.contains("secret"));
    }

    #[test]
    fn trailing_spaces_in_a_header_are_only_a_warning() {
        let f = lint_value("sk-abc  ", "header", Context::InHeader);
        assert_eq!(codes(&f), [("key.whitespace", WARN)]);
        let f = lint_value("sk-abc\r", "header", Context::InHeader);
        assert_eq!(codes(&f), [("key.whitespace", FAIL)]);
    }

    #[test]
    fn a_stored_bearer_scheme() {
        assert_eq!(stored("Bearer sk-abc"), [("key.has_scheme", FAIL)]);
        assert_eq!(stored("bearer sk-abc"), [("key.has_scheme", FAIL)]);
        assert_eq!(stored("Bearer: sk-abc"), [("key.has_scheme", FAIL)]);
        assert!(stored("sk-bearer-abc").is_empty());
    }

    #[test]
    fn prefixes() {
        assert_eq!(stored("abc123"), [("key.prefix", FAIL)]);
        assert_eq!(stored("SK-abc"), [("key.prefix", FAIL)]);
        assert_eq!(stored("sk_abc"), [("key.prefix", FAIL)]);
        assert_eq!(stored("eyJhbGciOi.x.y"), [("key.prefix", FAIL)]);
        assert_eq!(stored("sk-proj-abc"), [("key.prefix", WARN)]);
        assert_eq!(stored("sk-ant-api03-abc"), [("key.prefix", WARN)]);
        // The prefix is judged on the key without its surrounding noise.
        assert_eq!(stored(" sk-abc"), [("key.whitespace", FAIL)]);
    }

    fn target(pairs: &'static [(&'static str, &'static str)], args: InputArgs) -> Target {
        let env = move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        resolve(&args, &env, None).unwrap()
    }

    #[test]
    fn missing_key_names_empty_sources() {
        let f = check(&target(&[("TENSORLOOP_KEY", "")], InputArgs::default()));
        assert_eq!(codes(&f), [("key.missing", FAIL)]);
        assert!(f[0].detail.as_deref().unwrap().contains("TENSORLOOP_KEY"));
    }

    #[test]
    fn key_on_argv_is_a_warning() {
        let args = InputArgs {
            key: Some("sk-abcdefghijkl".into()),
            ..Default::default()
        };
        assert_eq!(codes(&check(&target(&[], args))), [("key.on_argv", WARN)]);
    }

    #[test]
    fn conflict_names_both_sources_by_fingerprint() {
        let t = target(
            &[
                ("TENSORLOOP_KEY", "sk-first-000000001111"),
                ("OPENAI_API_KEY", "sk-second-00002222"),
            ],
            InputArgs::default(),
        );
        let f = check(&t);
        assert_eq!(codes(&f), [("key.conflict", WARN)]);
        let detail = f[0].detail.as_deref().unwrap();
        assert!(detail.contains("TENSORLOOP_KEY (sk-…1111)"), "{detail}");
        assert!(detail.contains("OPENAI_API_KEY (sk-…2222)"), "{detail}");
        assert!(!detail.contains("first"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_never_echoes_the_key(raw in "\\PC{0,80}") {
            for f in lint_value(&raw, "key", Context::Stored) {
                let shown = format!("{:?} {:?}", f.detail, f.evidence);
                let normalized = crate::secret::ApiKey::new(raw.as_str()).normalized().to_owned();
                if normalized.chars().count() >= 12 {
                    proptest::prop_assert!(!shown.contains(&normalized), "{shown}");
                }
            }
        }
    }
}
