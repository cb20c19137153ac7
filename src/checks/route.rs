//! A route of the customer's own backend checked without a key (`--no-key`): the backend adds the
//! key itself, so what the route sends back to its caller (a browser) must never carry one.

use crate::catalog::Code;
use crate::report::{Finding, Outcome};

/// The shortest run after `sk-` taken for a key: shorter runs are ids and prose.
const MIN_KEY_CHARS: usize = 16;

/// Everything in `text` that looks like an API key (`sk-` and 16 or more key characters).
pub fn keys_in(text: &str) -> Vec<String> {
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("sk-") {
        let tail = &rest[at + 3..];
        let len = tail.find(|c: char| !is_key_char(c)).unwrap_or(tail.len());
        // `sk-` inside a longer word (`task-…`) is not a key's start.
        let starts_word = !rest[..at].ends_with(is_key_char);
        if starts_word && len >= MIN_KEY_CHARS {
            let key = format!("sk-{}", &tail[..len]);
            if !found.contains(&key) {
                found.push(key);
            }
        }
        rest = &tail[len..];
    }
    found
}

/// A finding for each key the route's answers carried, in a header or the body. Each key found
/// joins the outcome's secrets, so that the run's redactor hides it from every output.
pub fn leaked_keys(out: &mut Outcome, check: &'static str) {
    let mut findings = Vec::new();
    for r in &out.requests {
        let path = url::Url::parse(&r.url).map_or(r.url.clone(), |u| u.path().to_owned());
        let mut places: Vec<(String, String)> = r
            .response_headers
            .iter()
            .map(|(n, v)| (format!("header `{n}`"), v.clone()))
            .collect();
        places.push((
            "body".to_owned(),
            String::from_utf8_lossy(&r.body).into_owned(),
        ));
        for (place, text) in places {
            for key in keys_in(&text) {
                let shown = crate::secret::Fingerprint::of(&key).short;
                findings.push(
                    Finding::new(Code::KeyLeaked, check)
                        .detail(format!(
                            "the answer to {} {path} carries a key ({shown}) in its {place}",
                            r.method
                        ))
                        .evidence("key", shown)
                        .evidence("where", place.clone()),
                );
                if !out.secrets.0.contains(&key) {
                    out.secrets.0.push(key);
                }
            }
        }
    }
    for f in findings {
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_in_prose_and_json() {
        let text = r#"{"error":"Invalid key sk-abcDEF0123456789xyz passed","id":"task-1234567890abcdefgh","short":"sk-abc"}"#;
        assert_eq!(keys_in(text), ["sk-abcDEF0123456789xyz"]);
        assert!(keys_in("no keys here; sk-").is_empty());
        assert_eq!(keys_in("sk-0123456789abcdef sk-0123456789abcdef").len(), 1);
    }
}
