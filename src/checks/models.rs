//! `GET /v1/models` with the key: the ids the key may use, the target marked, near misses named.

use super::ids;
use super::live::{Gateway, fetch};
use crate::catalog::{Code, DEFAULT_MODEL};
use crate::checks::header::edit_distance;
use crate::classify;
use crate::net::{Http, Request};
use crate::report::{Fact, Finding, Outcome};
use crate::secret::ApiKey;

/// The models check's outcome, and the ids it listed (for the doctor's cross-checks).
pub struct Listed {
    pub outcome: Outcome,
    pub ids: Option<Vec<String>>,
}

/// The models check as a live check of the table (the ids are in its `ids` fact).
pub fn probe(s: &super::live::Session) -> super::live::Running<'_> {
    Box::pin(async move {
        check(&s.http, &s.gateway, s.key.as_ref(), &s.model)
            .await
            .outcome
    })
}

pub async fn check(http: &Http, gateway: &Gateway, key: Option<&ApiKey>, model: &str) -> Listed {
    let request = Request {
        method: "GET",
        url: gateway.api("models"),
        key,
        json: None,
    };
    let mut out = Outcome::default();
    let Some(x) = fetch(http, ids::MODELS, request, &mut out).await else {
        return Listed {
            outcome: out,
            ids: None,
        };
    };
    if !(200..300).contains(&x.status) {
        out.findings
            .extend(classify::classify(&x.response(), ids::MODELS));
        return Listed {
            outcome: out,
            ids: None,
        };
    }
    let Some(listed) = model_ids(&x.body) else {
        let mut findings = classify::classify(&x.response(), ids::MODELS);
        if findings.is_empty() {
            findings.push(
                Finding::new(Code::UpstreamBadResponse, ids::MODELS)
                    .detail("200, but the body is not a model list (`{\"data\": [{\"id\": …}]}`)")
                    .evidence(
                        "body",
                        classify::excerpt(&String::from_utf8_lossy(&x.body), 200),
                    ),
            );
        }
        out.findings.extend(findings);
        return Listed {
            outcome: out,
            ids: None,
        };
    };
    out.facts = verdict(&listed, model, &mut out.findings);
    if out.findings.is_empty() {
        let count = match listed.len() {
            1 => "the only model".to_owned(),
            n => format!("one of {n} models"),
        };
        out.note = Some(format!("`{model}` is listed ({count})"));
    }
    Listed {
        outcome: out,
        ids: Some(listed),
    }
}

/// The ids in a `/v1/models` body.
pub fn model_ids(body: &[u8]) -> Option<Vec<String>> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let data = json.get("data")?.as_array()?;
    Some(
        data.iter()
            .filter_map(|m| m.get("id").and_then(|id| id.as_str()).map(str::to_owned))
            .collect(),
    )
}

/// Judge the list against the target model; returns the facts to show.
pub fn verdict(
    listed: &[String],
    model: &str,
    findings: &mut Vec<Finding>,
) -> Vec<(&'static str, Fact)> {
    let facts = vec![(
        "ids",
        Fact::Models {
            ids: listed.to_vec(),
            target: model.to_owned(),
        },
    )];
    if listed.iter().any(|id| id == model) {
        return facts;
    }
    if let Some(near) = listed.iter().find(|id| same_model(id, model)) {
        findings.push(
            Finding::new(Code::ModelNearMiss, ids::MODELS)
                .detail(format!(
                    "`{model}` is not listed, but `{near}` is: IDs must match exactly"
                ))
                .suggest(near.clone()),
        );
        return facts;
    }
    if crate::gateway::tensorloop::is_free_plan(listed, model) {
        findings.push(
            Finding::new(Code::ModelFreePlan, ids::MODELS)
                .detail(format!(
                    "the key lists only `{DEFAULT_MODEL}`, and `{model}` was asked for"
                ))
                .suggest(DEFAULT_MODEL),
        );
        return facts;
    }
    let mut f = Finding::new(Code::ModelNotListed, ids::MODELS).detail(if listed.is_empty() {
        "the key can list no models at all".to_owned()
    } else {
        format!(
            "`{model}` is not among the {} models this key lists",
            listed.len()
        )
    });
    if let Some(closest) = closest(listed, model) {
        f = f.suggest(closest.to_owned());
    }
    findings.push(f);
    facts
}

/// Two ids that differ only by case, dashes, dots, underscores, spaces or a provider prefix.
pub fn same_model(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> String {
        let base = s.rsplit('/').next().unwrap_or(s);
        base.chars()
            .filter(|c| !matches!(c, '-' | '.' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    }
    norm(a) == norm(b)
}

/// The listed id closest by edit distance, if it is close enough to be a plausible typo.
fn closest<'a>(listed: &'a [String], model: &str) -> Option<&'a str> {
    let (distance, best) = listed
        .iter()
        .map(|id| (edit_distance(&id.to_lowercase(), &model.to_lowercase()), id))
        .min()?;
    (distance <= 3.max(model.len() / 4)).then_some(best.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(listed: &[&str], model: &str) -> Vec<(Code, Option<String>)> {
        let listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
        let mut f = Vec::new();
        verdict(&listed, model, &mut f);
        f.into_iter().map(|f| (f.code, f.suggestion)).collect()
    }

    #[test]
    fn listed_target_passes() {
        assert!(codes(&["gpt-4o-mini", "gpt-4o"], "gpt-4o").is_empty());
    }

    #[test]
    fn free_plan_list() {
        assert_eq!(
            codes(&["gpt-4o-mini"], "gpt-4o"),
            [(Code::ModelFreePlan, Some("gpt-4o-mini".into()))]
        );
        // A near miss of the one free model is a near miss, not the plan.
        assert_eq!(
            codes(&["gpt-4o-mini"], "GPT-4o-Mini"),
            [(Code::ModelNearMiss, Some("gpt-4o-mini".into()))]
        );
    }

    #[test]
    fn near_misses_by_case_dash_dot_prefix() {
        for asked in [
            "GPT-4o-mini",
            "gpt4o-mini",
            "gpt-4o_mini",
            "openai/gpt-4o-mini",
            "gpt-4o-Mini",
        ] {
            assert_eq!(
                codes(&["gpt-4o-mini", "claude-3.5-sonnet"], asked),
                [(Code::ModelNearMiss, Some("gpt-4o-mini".into()))],
                "{asked}"
            );
        }
        assert_eq!(
            codes(&["claude-3-5-sonnet"], "claude-3.5-sonnet"),
            [(Code::ModelNearMiss, Some("claude-3-5-sonnet".into()))]
        );
    }

    #[test]
    fn not_listed_suggests_the_closest() {
        assert_eq!(
            codes(&["gpt-4o-mini", "gpt-4.1"], "gpt-4.2"),
            [(Code::ModelNotListed, Some("gpt-4.1".into()))]
        );
        assert_eq!(
            codes(&["llama-3-70b", "claude-3-opus"], "gpt-5"),
            [(Code::ModelNotListed, None)]
        );
        assert_eq!(codes(&[], "gpt-5"), [(Code::ModelNotListed, None)]);
    }

    #[test]
    fn parses_the_recorded_list() {
        let body = br#"{"data":[{"id":"gpt-4o-mini","object":"model"}],"object":"list"}"#;
        assert_eq!(model_ids(body), Some(vec!["gpt-4o-mini".to_owned()]));
        assert_eq!(model_ids(b"<html>"), None);
    }
}
