//! The API key as a secret: a type that cannot be printed by accident, and its fingerprint.

use ring::digest::{SHA256, digest};
use std::fmt;

/// An API key exactly as it was configured. It has no `Display` and no `Serialize`; `Debug` shows
/// only the fingerprint. Code that must send it calls [`ApiKey::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(raw: impl Into<String>) -> Self {
        ApiKey(raw.into())
    }

    /// The value as configured, for the rare code that has to send or inspect it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The key as a request would carry it: surrounding whitespace and quotes removed, and a
    /// leading `Bearer ` dropped. The fingerprint is computed on this form.
    pub fn normalized(&self) -> &str {
        normalize(&self.0)
    }

    /// Whether the value is an example or template text rather than a key: not a secret to hide
    /// (documentation shows it), and nothing to send.
    pub fn is_placeholder(&self) -> bool {
        is_placeholder(self.normalized())
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self.normalized())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.fingerprint().short)
    }
}

/// Characters that are never part of a key but often surround one.
pub(crate) fn is_noise(c: char) -> bool {
    c.is_whitespace() || is_invisible(c) || is_quote(c)
}

pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

pub(crate) fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '`' | '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}'
    )
}

/// Whether the value is an example or template text left in place of a key.
pub fn is_placeholder(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    let body = lower.strip_prefix("sk-").unwrap_or(&lower);
    key.contains("...")
        || key.contains('…')
        || (key.starts_with('<') && key.ends_with('>'))
        || (key.starts_with('{') && key.ends_with('}'))
        || (key.starts_with('[') && key.ends_with(']'))
        || key.starts_with('$')
        || (lower.contains("your") && ["key", "token", "secret"].iter().any(|w| lower.contains(w)))
        || [
            "placeholder",
            "changeme",
            "change-me",
            "change_me",
            "replace-me",
            "replace_me",
            "replaceme",
            "redacted",
        ]
        .iter()
        .any(|w| lower.contains(w))
        || (!body.is_empty()
            && body
                .chars()
                .all(|c| matches!(c, 'x' | '*' | '.' | '-' | '_')))
}

fn normalize(raw: &str) -> &str {
    let trimmed = raw.trim_matches(is_noise);
    let without_scheme = trimmed
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("bearer "))
        .map(|_| &trimmed[7..])
        .unwrap_or(trimmed);
    without_scheme.trim_matches(is_noise)
}

/// How a key is shown anywhere: `sk-…` plus its last 4 characters, and the SHA-256 hex of the key,
/// the form in which a LiteLLM gateway stores and logs key tokens (so support can find it).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Fingerprint {
    /// `sk-…abcd` (or `…abcd` for a key that does not start with `sk-`; `…` alone for a key too
    /// short to show any of it safely).
    pub short: String,
    pub sha256: String,
}

/// Keys shorter than this show none of their characters.
const MIN_LEN_TO_SHOW_TAIL: usize = 12;

impl Fingerprint {
    pub fn of(key: &str) -> Fingerprint {
        let sha256 = hex(digest(&SHA256, key.as_bytes()).as_ref());
        let chars: Vec<char> = key.chars().collect();
        let prefix = if key.starts_with("sk-") { "sk-" } else { "" };
        // Only a tail of plain visible ASCII is shown: anything else could act on a terminal.
        let tail_is_plain = chars.iter().rev().take(4).all(|c| c.is_ascii_graphic());
        let short = if chars.len() >= MIN_LEN_TO_SHOW_TAIL && tail_is_plain {
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{prefix}…{tail}")
        } else {
            format!("{prefix}…")
        };
        Fingerprint { short, sha256 }
    }

    /// `sk-…abcd (sha256 8dac0fd5…)`: the one-line form used in human output.
    pub fn display(&self) -> String {
        format!("{} (sha256 {})", self.short, &self.sha256[..12])
    }
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_matches_litellm_token_hash() {
        // LiteLLM stores sha256(key) as the token; vk_02's "Key Hash (Token)" is this key's hash.
        let fp = Fingerprint::of("sk-vk-unknown-9999");
        assert_eq!(fp.short, "sk-…9999");
        assert_eq!(
            fp.sha256,
            "cba748817e2ad34f1f4ba5c97043eed4ff1b7132b7b163e2e38dca13c684fee5"
        );
    }

    #[test]
    fn short_keys_show_no_characters() {
        assert_eq!(Fingerprint::of("sk-abc").short, "sk-…");
        assert_eq!(Fingerprint::of("abcdefghijklmnop").short, "…mnop");
    }

    #[test]
    fn a_tail_that_could_act_on_a_terminal_is_not_shown() {
        assert_eq!(Fingerprint::of("sk-abcdefghij\u{1b}[2J").short, "sk-…");
        assert_eq!(Fingerprint::of("sk-abcdefghijé123").short, "sk-…");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("sk-secret-value-1234567");
        let shown = format!("{key:?}");
        assert!(!shown.contains("secret-value"), "{shown}");
        assert!(shown.contains("…4567"));
    }

    #[test]
    fn normalized_strips_noise_and_scheme() {
        assert_eq!(ApiKey::new(" \"sk-abc\"\r\n").normalized(), "sk-abc");
        assert_eq!(ApiKey::new("Bearer sk-abc").normalized(), "sk-abc");
        assert_eq!(ApiKey::new("\u{200B}sk-abc").normalized(), "sk-abc");
    }
}
