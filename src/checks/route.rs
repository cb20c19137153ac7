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

/// How a stream came through, as one word: `buffered`, `incremental`, `produced at once`,
/// `inconclusive`, or `unknown` when the probe never got that far.
fn delivery(o: &Outcome) -> String {
    if o.findings.iter().any(|f| f.code == Code::StreamBuffered) {
        return "buffered".to_owned();
    }
    o.facts
        .iter()
        .find(|(name, _)| *name == "delivery")
        .map(|(_, fact)| crate::render::facts::words(fact))
        .and_then(|w| w.split(':').next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Whether a stream ended as the gateway ends it: `[DONE]`, no cut, no error frame.
fn completed(o: &Outcome) -> bool {
    o.skipped.is_none()
        && !o.findings.iter().any(|f| {
            matches!(
                f.code,
                Code::StreamNoDone | Code::StreamCut | Code::StreamNotSse | Code::StreamErrorEvent
            )
        })
}

/// The route's stream beside the gateway's, in words: what the route changes (it buffers what
/// the gateway streams, drops `[DONE]`, swallows an error frame), or that it passes the stream on
/// as the gateway sends it.
pub fn compare(route: &Outcome, gateway: &Outcome) -> String {
    if gateway.skipped.is_some() {
        return "the gateway's stream did not run, so there is nothing to compare".to_owned();
    }
    let (r, g) = (delivery(route), delivery(gateway));
    let mut differences = Vec::new();
    match (r == "buffered", g == "buffered") {
        (true, false) => differences.push(format!(
            "the gateway's stream arrives unbuffered here ({g}), your route's buffered: the \
             buffering is in your route or in front of it"
        )),
        (true, true) => differences.push(
            "the gateway's stream arrives buffered here too: the buffering is between the \
             gateway and this machine, not only in your route"
                .to_owned(),
        ),
        _ => {}
    }
    if completed(gateway) && !completed(route) {
        differences.push(
            "the gateway's stream ends with [DONE]; your route's does not (see its findings)"
                .to_owned(),
        );
    }
    let errors = |o: &Outcome| o.findings.iter().any(|f| f.code == Code::StreamErrorEvent);
    if errors(gateway) && !errors(route) {
        differences.push(
            "the gateway sent an error frame that your route's stream did not carry".to_owned(),
        );
    }
    if differences.is_empty() {
        format!(
            "your route passes the stream on as the gateway sends it (route: {r}; gateway: {g}{})",
            if completed(route) {
                "; [DONE] reached"
            } else {
                ""
            }
        )
    } else {
        differences.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(codes: &[Code], delivery: Option<&str>) -> Outcome {
        let mut o = Outcome::default();
        for code in codes {
            o.findings.push(Finding::new(*code, "stream"));
        }
        if let Some(d) = delivery {
            o.fact("delivery", format!("{d}: …"));
        }
        o
    }

    #[test]
    fn a_route_is_compared_with_the_gateway_on_what_it_changes() {
        let gateway = stream(&[], Some("incremental"));
        let same = compare(&stream(&[], Some("incremental")), &gateway);
        assert!(
            same.starts_with("your route passes the stream on"),
            "{same}"
        );
        let buffers = compare(&stream(&[Code::StreamBuffered], None), &gateway);
        assert!(
            buffers.contains("the buffering is in your route"),
            "{buffers}"
        );
        let cut = compare(
            &stream(&[Code::StreamNoDone], Some("incremental")),
            &gateway,
        );
        assert!(cut.contains("your route's does not"), "{cut}");
        let errors = stream(&[Code::StreamErrorEvent], Some("incremental"));
        let swallowed = compare(&stream(&[], Some("incremental")), &errors);
        assert!(swallowed.contains("did not carry"), "{swallowed}");
        let both = compare(
            &stream(&[Code::StreamBuffered], None),
            &stream(&[Code::StreamBuffered], None),
        );
        assert!(both.contains("not only in your route"), "{both}");
    }

    #[test]
    fn keys_are_found_in_prose_and_json() {
        let text = r#"{"error":"Invalid key sk-abcDEF0123456789xyz passed","id":"task-1234567890abcdefgh","short":"sk-abc"}"#;
        assert_eq!(keys_in(text), ["sk-abcDEF0123456789xyz"]);
        assert!(keys_in("no keys here; sk-").is_empty());
        assert_eq!(keys_in("sk-0123456789abcdef sk-0123456789abcdef").len(), 1);
    }
}
