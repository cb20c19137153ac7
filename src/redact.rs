//! The redactor: the one place that removes secrets from text before anything is written.

use crate::secret::{ApiKey, Fingerprint};
use std::borrow::Cow;

/// Removes every known secret from text. Renderers write only what passed through it.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// (secret text, what replaces it), longest first so a key is replaced before its parts.
    secrets: Vec<(String, String)>,
}

/// Secrets shorter than this are not searched for: they would match ordinary words.
const MIN_SECRET_LEN: usize = 4;

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Register a key: its configured form and its normalized form are both hidden, each replaced
    /// by the key's short fingerprint.
    pub fn add_key(&mut self, key: &ApiKey) {
        let shown = key.fingerprint().short;
        self.add(key.expose(), &shown);
        self.add(key.expose().trim(), &shown);
        self.add(key.normalized(), &shown);
    }

    /// Register any other secret text (a token found in a pasted header, say).
    pub fn add_token(&mut self, token: &str) {
        let shown = Fingerprint::of(token).short;
        self.add(token, &shown);
    }

    fn add(&mut self, secret: &str, replacement: &str) {
        if secret.chars().count() < MIN_SECRET_LEN || self.secrets.iter().any(|(s, _)| s == secret)
        {
            return;
        }
        self.secrets
            .push((secret.to_owned(), replacement.to_owned()));
        self.secrets
            .sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
    }

    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for (secret, replacement) in &self.secrets {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), replacement));
            }
        }
        out
    }

    /// True when text still holds a registered secret: the last guard before output.
    pub fn leaks(&self, text: &str) -> bool {
        self.secrets.iter().any(|(s, _)| text.contains(s.as_str()))
    }
}

/// Mask the password of a URL's userinfo (`https://user:***@host/`) so a URL can be shown.
pub fn mask_url_credentials(raw: &str) -> Cow<'_, str> {
    let Some(scheme_end) = raw.find("://") else {
        return Cow::Borrowed(raw);
    };
    let rest = &raw[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return Cow::Borrowed(raw);
    };
    let userinfo = &authority[..at];
    let user = userinfo.split(':').next().unwrap_or("");
    let masked = if userinfo.contains(':') {
        format!("{user}:***")
    } else {
        "***".to_owned()
    };
    Cow::Owned(format!(
        "{}{}@{}",
        &raw[..scheme_end + 3],
        masked,
        &rest[at + 1..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_configured_and_normalized_forms() {
        let key = ApiKey::new("\"sk-live-abcdefgh1234\"\n");
        let mut r = Redactor::new();
        r.add_key(&key);
        let text = "sent sk-live-abcdefgh1234 and \"sk-live-abcdefgh1234\"\n";
        let out = r.redact(text);
        assert!(!out.contains("abcdefgh"), "{out}");
        assert!(out.contains("sk-…1234"));
        assert!(!r.leaks(&out));
        assert!(r.leaks(text));
    }

    #[test]
    fn masks_url_passwords() {
        assert_eq!(
            mask_url_credentials("http://bob:hunter2@proxy:3128/x@y"),
            "http://bob:***@proxy:3128/x@y"
        );
        assert_eq!(mask_url_credentials("https://tok@h/v1"), "https://***@h/v1");
        assert_eq!(mask_url_credentials("https://h/v1"), "https://h/v1");
        assert_eq!(mask_url_credentials("not a url"), "not a url");
    }
}
