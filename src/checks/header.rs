//! The Authorization header linter: accepts a header line, a bare value, a curl `-H` argument or
//! a whole curl command, and reports `header.*` and key findings.

use super::ids;
use super::key::{self, Context, char_name};
use crate::catalog::{Code, Severity};
use crate::report::Finding;
use crate::secret::is_invisible;

/// Header names LiteLLM also reads the key from; TensorLoop documents only `Authorization`.
const ACCEPTED_ALIASES: [&str; 2] = ["x-api-key", "api-key"];
/// Schemes that are not `Bearer`; LiteLLM happens to accept `Basic <key>`.
const OTHER_SCHEMES: [&str; 6] = ["token", "basic", "api-key", "apikey", "key", "bot"];

/// What the linter made of its input.
#[derive(Debug)]
pub struct HeaderLint {
    pub findings: Vec<Finding>,
    /// The key token it found, so the caller can register it with the redactor.
    pub key: Option<String>,
    /// The form the input was recognised as (shown in reports).
    pub form: &'static str,
    /// The header name, when the input named one.
    pub name: Option<String>,
}

/// A header split into its name (if given) and value.
#[derive(Debug, PartialEq)]
struct Header {
    name: Option<String>,
    value: String,
}

/// Lint one pasted header, value or curl argument.
pub fn lint(input: &str) -> HeaderLint {
    let input = input.strip_suffix('\n').unwrap_or(input);
    let trimmed = input.trim_start();

    if is_curl(trimmed) {
        return lint_curl(trimmed);
    }
    let lines: Vec<&str> = input
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .collect();
    if lines.len() > 1 {
        let headers: Vec<Header> = lines.iter().map(|l| split_header_line(l)).collect();
        return lint_several(headers, "header block");
    }
    let header = split_header_line(input);
    let form = if header.name.is_some() {
        "header line"
    } else {
        "header value"
    };
    lint_header(header, form)
}

fn is_curl(s: &str) -> bool {
    s.starts_with("curl ")
        || s.starts_with("-H")
        || s.starts_with("--header")
        || s.starts_with("--oauth2-bearer")
}

fn lint_curl(command: &str) -> HeaderLint {
    let words = shell_words(command);
    let mut headers = Vec::new();
    let mut words = words.iter();
    while let Some(w) = words.next() {
        let arg = if w == "-H" || w == "--header" {
            words.next().cloned()
        } else if let Some(rest) = w.strip_prefix("--header=") {
            Some(rest.to_owned())
        } else if let Some(rest) = w.strip_prefix("-H").filter(|r| !r.is_empty()) {
            Some(rest.to_owned())
        } else if w == "--oauth2-bearer" {
            words.next().map(|t| format!("Authorization: Bearer {t}"))
        } else {
            None
        };
        if let Some(arg) = arg {
            headers.push(split_header_line(&arg));
        }
    }
    lint_several(headers, "curl command")
}

/// Pick the header that carries (or should carry) the key, and lint it.
fn lint_several(headers: Vec<Header>, form: &'static str) -> HeaderLint {
    let sent: Vec<String> = headers.iter().filter_map(|h| h.name.clone()).collect();
    let chosen = headers
        .into_iter()
        .filter(|h| h.name.as_deref().is_some_and(looks_like_auth_header))
        .min_by_key(|h| {
            let name = h.name.as_deref().unwrap_or("").to_ascii_lowercase();
            // Prefer the real thing, then the accepted aliases, then anything else.
            (
                name != "authorization",
                !ACCEPTED_ALIASES.contains(&name.as_str()),
            )
        });
    match chosen {
        Some(h) => lint_header(h, form),
        None => HeaderLint {
            findings: vec![
                Finding::new(Code::HeaderEmptyKey, ids::HEADER)
                    .detail("no header carries a key: there is no Authorization header")
                    .evidence("headers_sent", sent),
            ],
            key: None,
            form,
            name: None,
        },
    }
}

fn looks_like_auth_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("auth") || n.contains("key") || n.contains("token") || n == "bearer"
}

/// Split `Name: value` (also `"Name": "value"` from code); anything else is a bare value.
fn split_header_line(line: &str) -> Header {
    let bare = Header {
        name: None,
        value: line.to_owned(),
    };
    let Some((name_part, value_part)) = line.split_once(':') else {
        return bare;
    };
    let quoted_name = name_part.trim().len() >= 2
        && name_part.trim().starts_with(['"', '\''])
        && name_part.trim().ends_with(['"', '\'']);
    let name = name_part.trim_start().trim_matches(['"', '\'']);
    let is_token = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+.^_`|~-".contains(c));
    // `Bearer: sk-...` is a value with a colon after the scheme, not a header named Bearer.
    if !is_token || name.eq_ignore_ascii_case("bearer") {
        return bare;
    }
    let mut value = value_part.to_owned();
    if quoted_name {
        let v = value.trim().trim_end_matches(',').trim_end();
        if v.len() >= 2
            && (v.starts_with('"') && v.ends_with('"') || v.starts_with('\'') && v.ends_with('\''))
        {
            value = v[1..v.len() - 1].to_owned();
        }
    }
    Header {
        name: Some(name.to_owned()),
        value,
    }
}

fn lint_header(header: Header, form: &'static str) -> HeaderLint {
    let mut findings = Vec::new();
    if let Some(name) = &header.name {
        findings.extend(lint_name(name));
    }
    let (value_findings, key) = lint_value(&header.value, header.name.as_deref());
    findings.extend(value_findings);
    let key_shown = key.as_deref().map(key::shown);
    for f in &mut findings {
        if let Some(shown) = &key_shown
            && f.suggestion.is_none()
            && f.code.as_str().starts_with("header.")
        {
            f.suggestion = Some(format!("Authorization: Bearer {shown}"));
        }
    }
    HeaderLint {
        findings,
        key,
        form,
        name: header.name,
    }
}

fn lint_name(name: &str) -> Option<Finding> {
    let lower = name.to_ascii_lowercase();
    if lower == "authorization" {
        return None;
    }
    let f = Finding::new(Code::HeaderWrongName, ids::HEADER).evidence("header", name);
    Some(if ACCEPTED_ALIASES.contains(&lower.as_str()) {
        f.severity(Severity::Warn).detail(format!(
            "`{name}` works with LiteLLM today, but TensorLoop documents `Authorization`"
        ))
    } else if lower == "authorisation" {
        f.detail(
            "`Authorisation` (British spelling) is not `Authorization`; the gateway ignores it",
        )
    } else {
        f.detail(format!(
            "`{name}` is not read by the gateway; it sees no key"
        ))
    })
}

/// Lint a header value; returns the findings and the key token found in it.
fn lint_value(value: &str, name: Option<&str>) -> (Vec<Finding>, Option<String>) {
    let is_alias =
        name.is_some_and(|n| ACCEPTED_ALIASES.contains(&n.to_ascii_lowercase().as_str()));
    // HTTP strips spaces and tabs before a value; anything else there is part of it.
    let v = value.trim_start_matches([' ', '\t']);
    if v.trim().is_empty() {
        return (
            vec![
                Finding::new(Code::HeaderEmptyKey, ids::HEADER).detail("the header value is empty"),
            ],
            None,
        );
    }
    // `x-api-key: sk-...` carries the bare key by design.
    if is_alias {
        return lint_token(v, Vec::new());
    }

    let mut findings = Vec::new();
    let lead: Vec<char> = v
        .chars()
        .take_while(|c| c.is_whitespace() || is_invisible(*c))
        .collect();
    let v = &v[lead.iter().map(|c| c.len_utf8()).sum::<usize>()..];
    if let Some(c) = lead.first() {
        findings.push(
            Finding::new(Code::HeaderSpacing, ids::HEADER)
                .detail(format!("a {} before the scheme", char_name(*c))),
        );
    }

    // `Bearersk-...` (no space) still starts with the scheme.
    let word_len = if v.get(..6).is_some_and(|w| w.eq_ignore_ascii_case("bearer")) {
        6
    } else {
        v.find(|c: char| !c.is_ascii_alphabetic() && c != '-')
            .unwrap_or(v.len())
    };
    let (word, rest) = v.split_at(word_len);

    if word.eq_ignore_ascii_case("bearer") {
        if word != "Bearer" {
            let f = Finding::new(Code::HeaderSchemeCase, ids::HEADER).evidence("scheme", word);
            findings.push(if word == "bearer" {
                f.severity(Severity::Warn).detail(
                    "lowercase `bearer`: LiteLLM accepts it today, but TensorLoop documents `Bearer` as case-sensitive",
                )
            } else {
                f.detail(format!("`{word}` is not `Bearer`: the gateway rejects it as a malformed key"))
            });
        }
        let sep_len = rest
            .find(|c: char| !(c.is_whitespace() || is_invisible(c) || c == ':' || c == '='))
            .unwrap_or(rest.len());
        let (sep, token) = rest.split_at(sep_len);
        if token.is_empty() {
            findings.push(
                Finding::new(Code::HeaderEmptyKey, ids::HEADER).detail("nothing follows `Bearer`"),
            );
            return (findings, None);
        }
        if sep != " " {
            findings.push(
                Finding::new(Code::HeaderSpacing, ids::HEADER).detail(describe_separator(sep)),
            );
        }
        return lint_token(token, findings);
    }

    let scheme = word.to_ascii_lowercase();
    let followed_by_space = rest.starts_with(' ');
    if followed_by_space && (OTHER_SCHEMES.contains(&scheme.as_str()) || near_bearer(&scheme)) {
        let f = Finding::new(Code::HeaderNoScheme, ids::HEADER).evidence("scheme", word);
        let f = if near_bearer(&scheme) {
            f.detail(format!("`{word}` is a misspelling of `Bearer`"))
        } else if scheme == "basic" {
            f.severity(Severity::Warn)
                .detail("`Basic` works with LiteLLM today, but TensorLoop documents `Bearer <key>`")
        } else {
            f.detail(format!("the `{word}` scheme is not `Bearer`"))
        };
        findings.push(f);
        return lint_token(rest.trim_start_matches(' '), findings);
    }

    findings.push(
        Finding::new(Code::HeaderNoScheme, ids::HEADER)
            .detail("the value is a bare key, without `Bearer `"),
    );
    lint_token(v, findings)
}

fn near_bearer(word: &str) -> bool {
    word != "bearer" && word.len() >= 5 && edit_distance(word, "bearer") <= 2
}

fn describe_separator(sep: &str) -> String {
    if sep.is_empty() {
        return "no space between `Bearer` and the key".to_owned();
    }
    if sep.contains(':') || sep.contains('=') {
        let c = if sep.contains(':') {
            "colon"
        } else {
            "equals sign"
        };
        return format!("a {c} after `Bearer` (`Bearer{}`)", sep.trim_end());
    }
    let spaces = sep.chars().filter(|c| *c == ' ').count();
    if spaces == sep.chars().count() {
        return format!("{spaces} spaces between `Bearer` and the key");
    }
    let odd: Vec<&str> = sep.chars().filter(|c| *c != ' ').map(char_name).collect();
    format!("a {} between `Bearer` and the key", odd[0])
}

/// Rules on the key token itself: placeholders, then the key's own rules.
fn lint_token(token: &str, mut findings: Vec<Finding>) -> (Vec<Finding>, Option<String>) {
    if let Some(what) = placeholder(token.trim()) {
        findings.push(Finding::new(Code::HeaderEmptyKey, ids::HEADER).detail(what));
        return (findings, None);
    }
    findings.extend(key::lint_value(token, ids::HEADER, Context::InHeader));
    (findings, Some(token.to_owned()))
}

/// Name a value that stands where a key should be but is not one.
fn placeholder(token: &str) -> Option<String> {
    let lower = token.to_ascii_lowercase();
    if ["undefined", "null", "none", "nil", "nan", "false"].contains(&lower.as_str()) {
        return Some(format!(
            "the key is the text `{token}`: the variable holding the key was not set where the header was built"
        ));
    }
    let var = token
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .or_else(|| token.strip_prefix('$'))
        .or_else(|| token.strip_prefix('%').and_then(|t| t.strip_suffix('%')))
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    if let Some(var) = var {
        return Some(format!(
            "the key is the unexpanded variable name `{token}`: `{var}` was not substituted (single quotes stop shell expansion)"
        ));
    }
    if (token.starts_with('<') && token.ends_with('>'))
        || (token.starts_with("{{") && token.ends_with("}}"))
        || lower.contains("your_api_key")
        || lower.contains("your-api-key")
        || lower.contains("your_key")
        || lower == "api_key"
        || lower.starts_with("process.env.")
    {
        return Some(format!("`{token}` is a placeholder, not a key"));
    }
    None
}

/// Split a shell command line into words: whitespace, single and double quotes, backslashes and
/// line continuations, as a POSIX shell would before running it.
pub fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(next) => {
                    word.push(next);
                    in_word = true;
                }
                None => {}
            },
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            word.push(chars.next().unwrap_or('\\'));
                        }
                        other => word.push(other),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            other => {
                word.push(other);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Levenshtein distance over characters, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAIL: Severity = Severity::Fail;
    const WARN: Severity = Severity::Warn;
    const KEY: &str = "sk-abcdefghijklmnop1234";

    fn codes(input: &str) -> Vec<(&'static str, Severity)> {
        lint(input)
            .findings
            .iter()
            .map(|f| (f.code.as_str(), f.severity))
            .collect()
    }

    #[test]
    fn the_documented_forms_pass() {
        for input in [
            format!("Authorization: Bearer {KEY}"),
            format!("authorization: Bearer {KEY}"),
            format!("Authorization:Bearer {KEY}"),
            format!("Authorization:   Bearer {KEY}"),
            format!("Bearer {KEY}"),
            format!("Bearer {KEY}\n"),
            format!("-H 'Authorization: Bearer {KEY}'"),
            format!("--header=\"Authorization: Bearer {KEY}\""),
            format!(
                "curl https://litellm.tensorloop.tech/v1/models \\\n  -H \"Authorization: Bearer {KEY}\""
            ),
            format!("curl --oauth2-bearer {KEY} https://x/v1/models"),
            format!("\"Authorization\": \"Bearer {KEY}\","),
        ] {
            assert_eq!(codes(&input), [], "{input:?}");
            assert_eq!(lint(&input).key.as_deref(), Some(KEY), "{input:?}");
        }
    }

    #[test]
    fn scheme_case() {
        assert_eq!(
            codes(&format!("bearer {KEY}")),
            [("header.scheme_case", WARN)]
        );
        assert_eq!(
            codes(&format!("BEARER {KEY}")),
            [("header.scheme_case", FAIL)]
        );
        assert_eq!(
            codes(&format!("Authorization: BeArEr {KEY}")),
            [("header.scheme_case", FAIL)]
        );
    }

    #[test]
    fn spacing() {
        for input in [
            format!("Bearer  {KEY}"),
            format!("Bearer\t{KEY}"),
            format!("Bearer\u{00A0}{KEY}"),
            format!("Bearer \u{200B}{KEY}"),
            format!("Bearer{KEY}"),
            format!("Bearer: {KEY}"),
            format!("Authorization: Bearer: {KEY}"),
            format!("Bearer={KEY}"),
            format!("\u{00A0}Bearer {KEY}"),
        ] {
            assert_eq!(codes(&input), [("header.spacing", FAIL)], "{input:?}");
        }
        let detail = lint(&format!("Bearer:{KEY}")).findings[0]
            .detail
            .clone()
            .unwrap();
        assert!(detail.contains("colon"), "{detail}");
        let detail = lint(&format!("Bearer  {KEY}")).findings[0]
            .detail
            .clone()
            .unwrap();
        assert_eq!(detail, "2 spaces between `Bearer` and the key");
    }

    #[test]
    fn no_scheme() {
        assert_eq!(codes(KEY), [("header.no_scheme", FAIL)]);
        assert_eq!(
            codes(&format!("Authorization: {KEY}")),
            [("header.no_scheme", FAIL)]
        );
        assert_eq!(codes(&format!("Token {KEY}")), [("header.no_scheme", FAIL)]);
        assert_eq!(codes(&format!("Basic {KEY}")), [("header.no_scheme", WARN)]);
        assert_eq!(
            codes(&format!("Baerer {KEY}")),
            [("header.no_scheme", FAIL)]
        );
    }

    #[test]
    fn wrong_name() {
        assert_eq!(
            codes(&format!("x-api-key: {KEY}")),
            [("header.wrong_name", WARN)]
        );
        assert_eq!(
            codes(&format!("api-key: {KEY}")),
            [("header.wrong_name", WARN)]
        );
        assert_eq!(
            codes(&format!("Authorisation: Bearer {KEY}")),
            [("header.wrong_name", FAIL)]
        );
        assert_eq!(
            codes(&format!("X-Auth-Token: Bearer {KEY}")),
            [("header.wrong_name", FAIL)]
        );
    }

    #[test]
    fn empty_key_and_placeholders() {
        for input in [
            "Bearer",
            "Bearer ",
            "Authorization: Bearer",
            "Authorization:",
            "Bearer undefined",
            "Bearer null",
            "Bearer None",
            "Bearer $TENSORLOOP_KEY",
            "Bearer ${TENSORLOOP_KEY}",
            "Bearer %TENSORLOOP_KEY%",
            "Bearer <your-key>",
            "Bearer {{api_key}}",
            "-H 'Authorization: Bearer $TENSORLOOP_KEY'",
        ] {
            assert_eq!(codes(input), [("header.empty_key", FAIL)], "{input:?}");
        }
        let detail = lint("-H 'Authorization: Bearer $TENSORLOOP_KEY'").findings[0]
            .detail
            .clone()
            .unwrap();
        assert!(detail.contains("single quotes"), "{detail}");
    }

    #[test]
    fn curl_without_an_auth_header() {
        let l = lint("curl https://x/v1/models -H 'content-type: application/json'");
        assert_eq!(l.findings[0].code, Code::HeaderEmptyKey);
    }

    #[test]
    fn key_rules_apply_to_the_token() {
        assert_eq!(codes("Bearer Bearer sk-abc"), [("key.has_scheme", FAIL)]);
        assert_eq!(codes("Bearer abc123"), [("key.prefix", FAIL)]);
        assert_eq!(
            codes(&format!("Bearer {KEY}\r\n")),
            [("key.whitespace", FAIL)]
        );
        assert_eq!(
            codes(&format!("Bearer \"{KEY}\"")),
            [("key.whitespace", FAIL)]
        );
        assert_eq!(
            codes(&format!("Bearer {KEY}  ")),
            [("key.whitespace", WARN)]
        );
    }

    #[test]
    fn a_header_block_picks_the_auth_header() {
        let block = format!(
            "Content-Type: application/json\r\nAuthorization: bearer {KEY}\r\nAccept: */*\r\n"
        );
        assert_eq!(codes(&block), [("header.scheme_case", WARN)]);
    }

    #[test]
    fn suggestion_shows_the_fingerprint_never_the_key() {
        let l = lint(&format!("BEARER {KEY}"));
        let s = l.findings[0].suggestion.clone().unwrap();
        assert_eq!(s, "Authorization: Bearer sk-…1234");
    }

    #[test]
    fn shell_words_handle_quotes_and_continuations() {
        assert_eq!(
            shell_words("curl -H 'a b' \\\n -H \"c \\\"d\\\"\" e\\ f"),
            ["curl", "-H", "a b", "-H", "c \"d\"", "e f"]
        );
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("baerer", "bearer"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("gpt-4o", "gpt-4o"), 0);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC*") {
            let _ = lint(&text);
        }

        #[test]
        fn never_panics_on_header_like_text(
            prefix in proptest::sample::select(vec!["", "Authorization:", "-H '", "curl x -H \"", "Bearer", "bearer ", "x-api-key: "]),
            middle in "[ \t\u{a0}\u{200b}:=\"'`$<>{}A-Za-z0-9_-]{0,40}",
            suffix in proptest::sample::select(vec!["", "'", "\"", "\r\n", "\n", "\\\n"]),
        ) {
            let l = lint(&format!("{prefix}{middle}{suffix}"));
            for f in &l.findings {
                proptest::prop_assert!(f.code.as_str().starts_with("header.") || f.code.as_str().starts_with("key."));
            }
        }
    }
}
