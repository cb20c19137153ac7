//! The redactor: the one place that knows the secrets of this run and removes them from text before
//! anything is written (reports in every format, errors, panics). It hides a key whole, in the
//! escaped forms the renderers produce, and any long run of it a server may echo; it also masks
//! credentials and query values in URLs.

use crate::secret::{ApiKey, Fingerprint};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// Secrets shorter than this are not searched for: they would match ordinary words.
const MIN_SECRET_LEN: usize = 4;
/// A run of this many consecutive characters of a key, anywhere in the text, is hidden too.
pub const PARTIAL_RUN: usize = 12;
/// What replaces a partial run of a key.
pub const PARTIAL_MARK: &str = "[redacted]";
/// Keys up to this many bytes have every run of theirs indexed. A longer value is no TensorLoop key
/// (the key rules say so and nothing is sent with it), so no server can echo a run of it; it is
/// still hidden whole, but costs no index.
pub const MAX_INDEXED_KEY: usize = 1024;
/// A word this long or longer that starts with `sk-` is key-like (see [`hide_key_like_words`]).
const KEY_LIKE_MIN: usize = 12;

/// One secret: every form in which it may appear in output, and what replaces it.
#[derive(Clone, Debug)]
struct Secret {
    /// The forms to hide whole (raw, trimmed, normalized, escaped), longest first.
    forms: Vec<String>,
    /// The form whose long runs are hidden too (ASCII keys up to [`MAX_INDEXED_KEY`] only).
    core: Option<String>,
    replacement: String,
}

type Window = [u8; PARTIAL_RUN];

/// The secrets of this run, and an index of every [`PARTIAL_RUN`]-byte window of their cores, so
/// that one pass over a text finds runs of any of them.
#[derive(Default)]
struct Registry {
    secrets: Vec<Secret>,
    windows: HashMap<Window, Vec<(usize, usize)>>,
    /// Hide every key-like word (`sk-` and at least [`KEY_LIKE_MIN`] characters), not only the
    /// registered secrets: for pasted text, whose keys are not known in advance.
    key_like_words: bool,
}

/// The process's last guard: every key any run of this process registered (keys only, which are
/// few and deduplicated), for what leaves outside a run's output: errors and panics.
fn guard() -> MutexGuard<'static, Registry> {
    static GUARD: OnceLock<Mutex<Registry>> = OnceLock::new();
    lock(GUARD.get_or_init(Mutex::default))
}

fn lock(m: &Mutex<Registry>) -> MutexGuard<'_, Registry> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The forms under which a key is hidden, the core whose runs are hidden too, and what replaces
/// it: `None` for a placeholder (`sk-...`), which is no secret (the catalog's own examples show
/// it).
fn key_forms(key: &ApiKey) -> Option<([&str; 3], &str, String)> {
    (!key.is_placeholder()).then(|| {
        (
            [key.expose(), key.expose().trim(), key.normalized()],
            key.normalized(),
            key.fingerprint().short,
        )
    })
}

/// Register a key with the process guard only (errors and panics); a run's own output goes
/// through its [`Redactor`].
pub fn register_key(key: &ApiKey) {
    if let Some((forms, core, shown)) = key_forms(key) {
        guard().register(&forms, core, &shown);
    }
}

impl Registry {
    fn register(&mut self, raw_forms: &[&str], core: &str, replacement: &str) {
        let mut forms: Vec<String> = Vec::new();
        for raw in raw_forms {
            for form in escaped_forms(raw) {
                if form.chars().count() >= MIN_SECRET_LEN && !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        if forms.is_empty() {
            return;
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let core = (core.is_ascii() && (PARTIAL_RUN..=MAX_INDEXED_KEY).contains(&core.len()))
            .then(|| core.to_owned());
        let registry = self;
        if registry.secrets.iter().any(|s| s.forms == forms) {
            return;
        }
        let index = registry.secrets.len();
        if let Some(k) = core.as_deref().map(str::as_bytes) {
            for (start, window) in k.windows(PARTIAL_RUN).enumerate() {
                let window: Window = window.try_into().expect("window size");
                registry
                    .windows
                    .entry(window)
                    .or_default()
                    .push((index, start));
            }
        }
        registry.secrets.push(Secret {
            forms,
            core,
            replacement: replacement.to_owned(),
        });
    }
}

/// A secret as the renderers may write it: raw, JSON-escaped, XML-escaped, in a Markdown table
/// cell, in a GitHub workflow command.
fn escaped_forms(raw: &str) -> Vec<String> {
    let json = serde_json::to_string(raw).unwrap_or_default();
    let json = json.trim_matches('"').to_owned();
    let xml = raw
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;");
    let markdown = raw.replace('|', "\\|");
    let github = raw
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    let mut forms = vec![raw.to_owned(), json, xml, markdown, github];
    forms.sort();
    forms.dedup();
    forms
}

/// Remove every key the process guard knows from `text` (errors and panics).
pub fn redact(text: &str) -> Cow<'_, str> {
    guard().redact(text)
}

impl Registry {
    /// Remove every registered secret from `text`. Linear in the text: each secret's forms are found
    /// with one substring search each, runs of keys with one indexed pass, key-like words with one scan.
    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let registry = self;
        let mut out = Cow::Borrowed(text);
        for secret in &registry.secrets {
            for form in &secret.forms {
                if out.contains(form.as_str()) {
                    out = Cow::Owned(out.replace(form.as_str(), &secret.replacement));
                }
            }
        }
        let runs = partial_runs(registry, &out);
        if !runs.is_empty() {
            out = Cow::Owned(replace_ranges(&out, &runs));
        }
        if registry.key_like_words {
            let words = key_like_words(&out);
            if !words.is_empty() {
                out = Cow::Owned(replace_words(&out, &words));
            }
        }
        out
    }

    /// True when `text` still holds a registered secret or a long run of one: the last guard.
    fn leaks(&self, text: &str) -> bool {
        let registry = self;
        registry
            .secrets
            .iter()
            .any(|s| s.forms.iter().any(|f| text.contains(f.as_str())))
            || !partial_runs(registry, text).is_empty()
            || (registry.key_like_words && !key_like_words(text).is_empty())
    }
}

/// Byte ranges of `text` that are runs of at least [`PARTIAL_RUN`] consecutive characters of a
/// registered key, merged and extended as far as they match. One pass over the text, each
/// position looked up in the window index.
fn partial_runs(registry: &Registry, text: &str) -> Vec<(usize, usize)> {
    let t = text.as_bytes();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    if registry.windows.is_empty() {
        return merged;
    }
    let mut at = 0;
    while at + PARTIAL_RUN <= t.len() {
        let window: &Window = t[at..at + PARTIAL_RUN].try_into().expect("window size");
        let Some(hits) = registry.windows.get(window) else {
            at += 1;
            continue;
        };
        let mut furthest = at + PARTIAL_RUN;
        for &(index, start) in hits {
            let Some(k) = registry.secrets[index].core.as_deref().map(str::as_bytes) else {
                continue;
            };
            // Extend the match forward along the key.
            let mut end = at + PARTIAL_RUN;
            let mut ki = start + PARTIAL_RUN;
            while end < t.len() && ki < k.len() && t[end] == k[ki] {
                end += 1;
                ki += 1;
            }
            furthest = furthest.max(end);
        }
        match merged.last_mut() {
            Some(last) if at <= last.1 => last.1 = last.1.max(furthest),
            _ => merged.push((at, furthest)),
        }
        // Every position inside this run is hidden already: look on from its end, less the
        // length of a window, so an overlapping run of another key is still joined on.
        at = (furthest + 1).saturating_sub(PARTIAL_RUN).max(at + 1);
    }
    merged
}

fn replace_ranges(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (s, e) in ranges {
        // The runs are ASCII, so their ends are character boundaries.
        out.push_str(&text[last..*s]);
        out.push_str(PARTIAL_MARK);
        last = *e;
    }
    out.push_str(&text[last..]);
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Byte ranges of the key-like words of `text`: `sk-` at the start of a word, and at least
/// [`KEY_LIKE_MIN`] word characters in all. One scan.
fn key_like_words(text: &str) -> Vec<(usize, usize)> {
    let t = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("sk-") {
        let start = from + i;
        let mut end = start + 3;
        while end < t.len() && is_word_byte(t[end]) {
            end += 1;
        }
        if (start == 0 || !is_word_byte(t[start - 1])) && end - start >= KEY_LIKE_MIN {
            found.push((start, end));
        }
        from = end;
    }
    found
}

fn replace_words(text: &str, words: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (s, e) in words {
        out.push_str(&text[last..*s]);
        out.push_str(&Fingerprint::of(&text[*s..*e]).short);
        last = *e;
    }
    out.push_str(&text[last..]);
    out
}

/// Mask the password of a URL's userinfo (`https://user:***@host/`) and its query values
/// (`?key=***`) so a URL can be shown.
pub fn mask_url_credentials(raw: &str) -> Cow<'_, str> {
    let Some(scheme_end) = raw.find("://") else {
        return Cow::Borrowed(raw);
    };
    let rest = &raw[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = Cow::Borrowed(raw);
    if let Some(at) = authority.rfind('@') {
        let userinfo = &authority[..at];
        let user = userinfo.split(':').next().unwrap_or("");
        let masked = if userinfo.contains(':') {
            format!("{user}:***")
        } else {
            "***".to_owned()
        };
        out = Cow::Owned(format!(
            "{}{}@{}",
            &raw[..scheme_end + 3],
            masked,
            &rest[at + 1..]
        ));
    }
    if let Some(q) = out.find('?') {
        let (head, tail) = out.split_at(q + 1);
        let (query, fragment) = match tail.find('#') {
            Some(h) => tail.split_at(h),
            None => (tail, ""),
        };
        let masked: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if !value.is_empty() => format!("{name}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out = Cow::Owned(format!("{head}{}{fragment}", masked.join("&")));
    }
    out
}

/// The secrets of one run: its key, tokens found on the way, and whether every key-like word is
/// hidden (a paste). Owned by the run, so a long-running process forgets a run's secrets with it;
/// clones share one set. Its keys also reach the process guard, for errors and panics.
#[derive(Clone, Default)]
pub struct Redactor {
    registry: Arc<Mutex<Registry>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets themselves.
        let n = lock(&self.registry).secrets.len();
        write!(f, "Redactor {{ {n} secrets }}")
    }
}

impl Redactor {
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Hide a key: its configured and normalized forms, their escaped forms, and long runs of
    /// it, replaced by its short fingerprint.
    pub fn add_key(&mut self, key: &ApiKey) {
        if let Some((forms, core, shown)) = key_forms(key) {
            lock(&self.registry).register(&forms, core, &shown);
            guard().register(&forms, core, &shown);
        }
    }

    /// Hide any other secret text (a key a server echoed, a token in a pasted header).
    pub fn add_token(&mut self, token: &str) {
        lock(&self.registry).register(&[token], token, &Fingerprint::of(token).short);
    }

    /// From now on, hide every word that looks like a key (`sk-…`, at least 12 characters) by its
    /// fingerprint: for a paste, in one linear pass, however many keys it holds.
    pub fn hide_key_like_words(&mut self) {
        lock(&self.registry).key_like_words = true;
    }

    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        lock(&self.registry).redact(text)
    }

    /// True when `text` still holds a secret of this run or a long run of one: the last guard.
    pub fn leaks(&self, text: &str) -> bool {
        lock(&self.registry).leaks(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_configured_and_normalized_forms() {
        let mut r = Redactor::new();
        let key = ApiKey::new("\"sk-live-abcdefgh1234\"\n");
        r.add_key(&key);
        let text = "sent sk-live-abcdefgh1234 and \"sk-live-abcdefgh1234\"\n";
        let out = r.redact(text);
        assert!(!out.contains("abcdefgh"), "{out}");
        assert!(out.contains("sk-…1234"));
        assert!(!r.leaks(&out));
        assert!(r.leaks(text));
    }

    #[test]
    fn hides_long_runs_of_a_key_a_server_echoes() {
        let mut r = Redactor::new();
        let key = "sk-partial-0123456789abcdefXYZ";
        r.add_key(&ApiKey::new(key));
        let echoed =
            "Received sk-partial-0123456789ab..., hash tail 3456789abcdefXYZ, short sk-...fXYZ";
        let out = r.redact(echoed);
        assert!(!out.contains("0123456789ab"), "{out}");
        assert!(!out.contains("3456789abcdef"), "{out}");
        assert!(out.contains("sk-...fXYZ"), "short masks stay: {out}");
        assert_eq!(out.matches(PARTIAL_MARK).count(), 2, "{out}");
    }

    #[test]
    fn hides_escaped_forms() {
        let mut r = Redactor::new();
        let key = "sk-esc\"ape<&>|%key-0042";
        r.add_key(&ApiKey::new(key));
        for rendered in [
            serde_json::to_string(key).unwrap(),
            "sk-esc&quot;ape&lt;&amp;&gt;|%key-0042".to_owned(),
            "sk-esc\"ape<&>\\|%key-0042".to_owned(),
            "sk-esc\"ape<&>|%25key-0042".to_owned(),
        ] {
            let out = r.redact(&rendered);
            assert!(out.contains("sk-…0042"), "{rendered} → {out}");
            assert!(!r.leaks(&out), "{out}");
        }
    }

    #[test]
    fn each_run_owns_its_secrets() {
        let token = "sk-echoed-by-one-run-000042";
        let mut one = Redactor::new();
        one.add_token(token);
        let other = Redactor::new();
        let text = format!("the answer said {token}");
        assert!(!one.redact(&text).contains(token));
        assert_eq!(other.redact(&text), text, "another run knows nothing of it");
        // Clones share the run's set.
        let shared = one.clone();
        assert!(shared.leaks(&text));
        // A token is no key: the process guard (errors, panics) does not keep it.
        assert_eq!(redact(&text), text);
    }

    #[test]
    fn masks_url_passwords_and_query_values() {
        assert_eq!(
            mask_url_credentials("http://bob:hunter2@proxy:3128/x@y"),
            "http://bob:***@proxy:3128/x@y"
        );
        assert_eq!(mask_url_credentials("https://tok@h/v1"), "https://***@h/v1");
        assert_eq!(mask_url_credentials("https://h/v1"), "https://h/v1");
        assert_eq!(
            mask_url_credentials("https://h/v1?api_key=abc&x=&y#frag"),
            "https://h/v1?api_key=***&x=&y#frag"
        );
        assert_eq!(mask_url_credentials("not a url"), "not a url");
    }

    proptest::proptest! {
        #[test]
        fn partial_runs_are_found_wherever_they_stand(
            key in "sk-[A-Za-z0-9_-]{16,40}",
            before in "[ a-z]{0,10}",
            after in "[ a-z]{0,10}",
            cut in 0usize..100,
        ) {
            let mut r = Redactor::new();
            r.add_key(&ApiKey::new(key.as_str()));
            let start = cut % (key.len() - PARTIAL_RUN + 1);
            let run = &key[start..];
            let text = format!("{before}{run}{after}");
            let out = r.redact(&text);
            proptest::prop_assert!(!out.contains(run), "{out}");
            proptest::prop_assert!(!r.leaks(&out), "{out}");
        }
    }
}
