//! Facts in words and as values: the one place a check's typed facts become the text a person
//! reads and the numbers, lists and times a machine reads in JSON.

use crate::report::Fact;
use crate::time::ms;
use crate::time::{format_utc, relative};
use serde_json::{Value, json};
use std::time::Duration;

/// How many model ids a list shows in words before "… N more".
const SHOWN_MODELS: usize = 30;

/// A fact as a person reads it.
pub fn words(fact: &Fact) -> String {
    match fact {
        Fact::Text(text) => text.clone(),
        Fact::Usd(cost) => usd(*cost),
        Fact::Resolved {
            host,
            addresses,
            took,
        } => format!("{host} → {} ({})", addresses.join(", "), ms(*took)),
        Fact::Connected { address, took } => format!("{address} ({})", ms(*took)),
        Fact::Models { ids, target } => {
            if ids.is_empty() {
                return "(none)".to_owned();
            }
            let mut shown: Vec<String> = ids
                .iter()
                .take(SHOWN_MODELS)
                .map(|id| {
                    if id == target {
                        format!("{id} (target)")
                    } else {
                        id.clone()
                    }
                })
                .collect();
            if ids.len() > SHOWN_MODELS {
                shown.push(format!("… {} more", ids.len() - SHOWN_MODELS));
            }
            shown.join(", ")
        }
        Fact::Allowlist(models) if models.is_empty() => "all models of the plan".to_owned(),
        Fact::Allowlist(models) => models.join(", "),
        Fact::Expires { at: None, .. } => "never".to_owned(),
        Fact::Expires { at: Some(at), now } => {
            format!("{} ({})", format_utc(*at), relative(*now, *at))
        }
        Fact::Spend {
            spend,
            max_budget,
            window,
            resets,
            now,
        } => {
            let Some(max) = max_budget else {
                return format!("${spend:.4}, no budget limit");
            };
            let mut text = format!("${spend:.4} of ${max:.2} ({:.0}%)", spend / max * 100.0);
            if let Some(w) = window {
                text.push_str(&format!(", window {w}"));
            }
            if let Some(r) = resets {
                text.push_str(&format!(
                    ", resets {} ({})",
                    format_utc(*r),
                    relative(*now, *r)
                ));
            }
            text
        }
        Fact::Limits { rpm, tpm, parallel } => {
            let limit = |l: &Option<u64>| l.map_or("none".to_owned(), |n| n.to_string());
            format!(
                "rpm {}, tpm {}, parallel {}",
                limit(rpm),
                limit(tpm),
                limit(parallel)
            )
        }
    }
}

/// A cost to 4 decimals, as the dashboard shows it; a cost that rounds to $0.0000 says that it
/// still counts.
pub fn usd(cost: f64) -> String {
    let rounded = format!("${cost:.4}");
    if cost > 0.0 && rounded == "$0.0000" {
        format!("{rounded} ({cost:e} USD: shows as $0.0000 but still counts toward the budget)")
    } else {
        rounded
    }
}

/// A fact as a machine reads it: numbers for money and durations (milliseconds), arrays for
/// lists, RFC 3339 strings for times, `null` for "none".
pub fn value(fact: &Fact) -> Value {
    match fact {
        Fact::Text(text) => json!(text),
        Fact::Usd(cost) => json!(cost),
        Fact::Resolved {
            host,
            addresses,
            took,
        } => json!({ "host": host, "addresses": addresses, "ms": millis(*took) }),
        Fact::Connected { address, took } => {
            json!({ "address": address, "ms": millis(*took) })
        }
        Fact::Models { ids, target } => {
            json!({ "ids": ids, "target": target, "target_listed": ids.contains(target) })
        }
        Fact::Allowlist(models) => json!(models),
        Fact::Expires { at, .. } => json!(at.map(rfc3339)),
        Fact::Spend {
            spend,
            max_budget,
            window,
            resets,
            ..
        } => json!({
            "spend_usd": spend,
            "max_budget_usd": max_budget,
            "share": max_budget.map(|max| spend / max),
            "budget_duration": window,
            "budget_reset_at": resets.map(rfc3339),
        }),
        Fact::Limits { rpm, tpm, parallel } => {
            json!({ "rpm": rpm, "tpm": tpm, "max_parallel_requests": parallel })
        }
    }
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// `2026-11-23T11:13:39Z`.
pub fn rfc3339(unix: i64) -> String {
    format_utc(unix)
        .trim_end_matches(" UTC")
        .replacen(' ', "T", 1)
        + "Z"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_times_are_numbers_and_instants_for_machines() {
        let spend = Fact::Spend {
            spend: 1.5,
            max_budget: Some(1.0),
            window: Some("30d".into()),
            resets: Some(86_400),
            now: 0,
        };
        assert_eq!(
            words(&spend),
            "$1.5000 of $1.00 (150%), window 30d, resets 1970-01-02 00:00:00 UTC (in 1 day)"
        );
        assert_eq!(
            value(&spend),
            json!({"spend_usd": 1.5, "max_budget_usd": 1.0, "share": 1.5,
                   "budget_duration": "30d", "budget_reset_at": "1970-01-02T00:00:00Z"})
        );
        let limits = Fact::Limits {
            rpm: Some(60),
            tpm: None,
            parallel: None,
        };
        assert_eq!(words(&limits), "rpm 60, tpm none, parallel none");
        assert_eq!(
            value(&limits),
            json!({"rpm": 60, "tpm": null, "max_parallel_requests": null})
        );
        assert_eq!(value(&Fact::Usd(4.95e-6)), json!(4.95e-6));
        assert!(words(&Fact::Usd(4.95e-6)).contains("still counts"));
        assert_eq!(value(&Fact::Expires { at: None, now: 0 }), Value::Null);
    }

    #[test]
    fn cost_is_shown_to_four_decimals_and_tiny_costs_explained() {
        assert_eq!(usd(0.0123456), "$0.0123");
        assert_eq!(usd(0.0), "$0.0000");
        let tiny = usd(4.95e-6);
        assert!(tiny.starts_with("$0.0000 (4.95e-6 USD"), "{tiny}");
        assert!(tiny.contains("still counts toward the budget"));
    }

    #[test]
    fn model_lists_mark_the_target_and_stay_whole_for_machines() {
        let ids: Vec<String> = (0..35).map(|i| format!("m{i}")).collect();
        let fact = Fact::Models {
            ids: ids.clone(),
            target: "m1".into(),
        };
        let text = words(&fact);
        assert!(text.starts_with("m0, m1 (target), m2"), "{text}");
        assert!(text.ends_with("… 5 more"), "{text}");
        assert_eq!(value(&fact)["ids"].as_array().unwrap().len(), 35);
        assert_eq!(value(&fact)["target_listed"], true);
    }
}
