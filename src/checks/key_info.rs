//! `GET /key/info` with the key itself (free): expiry, spend against budget, limits, allowlist.
//! A missing endpoint, or a refusal for a reason other than the key, is a skip, not a failure.

use super::ids;
use super::live::{Gateway, fetch};
use crate::catalog::{Code, Layer};
use crate::classify::{self, ErrorInfo};
use crate::net::{Http, Request};
use crate::report::{Fact, Finding, Outcome};
use crate::secret::ApiKey;
use crate::time::{format_utc, parse_utc, relative};
use serde_json::Value;

/// Warn when the key expires within this many seconds.
const EXPIRY_WARNING: i64 = 7 * 86_400;
/// Warn when spend reaches this share of the budget.
const BUDGET_WARNING: f64 = 0.9;

/// The key-info check as a live check of the table.
pub fn probe(s: &super::live::Session) -> super::live::Running<'_> {
    Box::pin(async move {
        match &s.key {
            Some(key) => check(&s.http, &s.gateway, key, crate::time::now_unix()).await,
            None => Outcome::skip("not run: there is no key"),
        }
    })
}

pub async fn check(http: &Http, gateway: &Gateway, key: &ApiKey, now: i64) -> Outcome {
    let request = Request {
        method: "GET",
        url: gateway.at_root("key/info"),
        key: Some(key),
        json: None,
    };
    let mut out = Outcome::default();
    let Some(x) = fetch(http, ids::KEY_INFO, request, &mut out).await else {
        return out;
    };
    if matches!(x.status, 404 | 405) {
        out.skipped = Some(format!("this gateway has no /key/info ({})", x.status));
        return out;
    }
    if !(200..300).contains(&x.status) {
        let findings = classify::classify(&x.response(), ids::KEY_INFO);
        let message = ErrorInfo::from_body(&x.body)
            .and_then(|i| i.message)
            .unwrap_or_default()
            .to_ascii_lowercase();
        // A route closed to non-admins says "admin" too; a diagnosis that names the key's own
        // state (blocked: "…Update via `/key/unblock` if you're admin.") is about the key.
        let names_the_key = findings.iter().any(|f| {
            matches!(
                f.code,
                Code::AuthExpiredKey | Code::AuthBlockedKey | Code::AuthInvalidKey
            )
        });
        let about_the_key = findings.iter().all(|f| f.layer() == Layer::Auth)
            && (names_the_key || (!message.contains("route") && !message.contains("admin")));
        if about_the_key {
            out.findings = findings;
        } else {
            let code = findings.first().map_or("no finding", |f| f.code.as_str());
            out.skipped = Some(format!(
                "/key/info refused for a reason other than the key ({}: {code})",
                x.status
            ));
        }
        return out;
    }
    match x.json().as_ref().and_then(|j| j.get("info")) {
        Some(info) => read_info(info, now, &mut out),
        None => out.skipped = Some("/key/info answered without an `info` object".to_owned()),
    }
    out
}

/// Turn the key's row into facts and findings.
pub fn read_info(info: &Value, now: i64, out: &mut Outcome) {
    let text = |k: &str| info.get(k).and_then(Value::as_str).map(str::to_owned);
    let number = |k: &str| info.get(k).and_then(Value::as_f64);

    if let Some(alias) = text("key_alias").or_else(|| text("key_name")) {
        out.fact("alias", alias);
    }

    match text("expires").and_then(|e| parse_utc(&e)) {
        Some(at) => {
            out.fact("expires", Fact::Expires { at: Some(at), now });
            if at <= now {
                out.push(
                    Finding::new(Code::AuthExpiredKey, ids::KEY_INFO)
                        .detail(format!("the key expired at {}", format_utc(at)))
                        .evidence("expires", format_utc(at)),
                );
            } else if at - now <= EXPIRY_WARNING {
                out.push(
                    Finding::new(Code::KeyExpiring, ids::KEY_INFO)
                        .detail(format!(
                            "the key expires {} ({})",
                            relative(now, at),
                            format_utc(at)
                        ))
                        .evidence("expires", format_utc(at)),
                );
            }
        }
        None => out.fact("expires", Fact::Expires { at: None, now }),
    }

    if info.get("blocked").and_then(Value::as_bool) == Some(true) {
        out.push(
            Finding::new(Code::AuthBlockedKey, ids::KEY_INFO)
                .detail("/key/info reports `blocked: true`"),
        );
    }

    let spend = number("spend").unwrap_or(0.0);
    let reset = text("budget_reset_at").and_then(|r| parse_utc(&r));
    let max_budget = number("max_budget").filter(|b| *b > 0.0);
    out.fact(
        "spend",
        Fact::Spend {
            spend,
            max_budget,
            window: text("budget_duration"),
            resets: reset,
            now,
        },
    );
    if let Some(max) = max_budget {
        let share = spend / max;
        let code = if share >= 1.0 {
            Some(Code::BudgetExhausted)
        } else if share >= BUDGET_WARNING {
            Some(Code::BudgetLow)
        } else {
            None
        };
        if let Some(code) = code {
            let mut f = Finding::new(code, ids::KEY_INFO)
                .detail(format!(
                    "spent ${spend:.4} of ${max:.2} ({:.0}%)",
                    share * 100.0
                ))
                .evidence("spend", spend)
                .evidence("max_budget", max);
            if let Some(r) = reset {
                f = f.evidence("budget_reset_at", format_utc(r));
            }
            out.push(f);
        }
    }

    let limit = |k: &str| info.get(k).and_then(Value::as_u64);
    out.fact(
        "limits",
        Fact::Limits {
            rpm: limit("rpm_limit"),
            tpm: limit("tpm_limit"),
            parallel: limit("max_parallel_requests"),
        },
    );
    let models: Vec<String> = info
        .get("models")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    out.fact("allowlist", Fact::Allowlist(models));
    if out.findings.is_empty() {
        out.note = Some("the key is active".to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_795_000_000;

    fn run(info: Value) -> Outcome {
        let mut out = Outcome::default();
        read_info(&info, NOW, &mut out);
        out
    }

    fn codes(out: &Outcome) -> Vec<Code> {
        out.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_healthy_key_shows_its_facts() {
        let out = run(
            json!({"key_alias": "vk-good", "spend": 0.0, "max_budget": null, "expires": null, "models": [], "rpm_limit": 60}),
        );
        assert!(out.findings.is_empty());
        let facts: Vec<_> = out.facts.iter().map(|(k, _)| *k).collect();
        assert_eq!(facts, ["alias", "expires", "spend", "limits", "allowlist"]);
        assert_eq!(
            crate::render::facts::words(&out.facts[3].1),
            "rpm 60, tpm none, parallel none"
        );
    }

    #[test]
    fn expiry_within_a_week_warns_and_past_expiry_fails() {
        let soon = format_utc(NOW + 3 * 86_400).replace(" UTC", "+00:00");
        assert_eq!(codes(&run(json!({"expires": soon}))), [Code::KeyExpiring]);
        let later = format_utc(NOW + 8 * 86_400).replace(" UTC", "+00:00");
        assert!(codes(&run(json!({"expires": later}))).is_empty());
        let past = format_utc(NOW - 60).replace(" UTC", "+00:00");
        assert_eq!(
            codes(&run(json!({"expires": past}))),
            [Code::AuthExpiredKey]
        );
    }

    #[test]
    fn budget_thresholds() {
        assert!(codes(&run(json!({"spend": 8.9, "max_budget": 10.0}))).is_empty());
        assert_eq!(
            codes(&run(json!({"spend": 9.0, "max_budget": 10.0}))),
            [Code::BudgetLow]
        );
        assert_eq!(
            codes(&run(json!({"spend": 1.5, "max_budget": 1.0}))),
            [Code::BudgetExhausted]
        );
    }

    #[test]
    fn blocked_keys() {
        assert_eq!(
            codes(&run(json!({"blocked": true}))),
            [Code::AuthBlockedKey]
        );
    }
}
