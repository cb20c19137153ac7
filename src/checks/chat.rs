//! The chat probe: the smallest billed completion that proves the model answers (one output
//! token), with its latency, call id and cost.

use super::ids;
use super::live::{Gateway, fetch, ms};
use crate::catalog::Code;
use crate::classify::{self, ErrorInfo};
use crate::gateway::litellm;
use crate::net::{Exchange, Http, Request};
use crate::report::{Fact, Finding, Outcome};
use crate::secret::ApiKey;
use serde_json::{Value, json};

/// The prompt: short, so the probe costs as little as a call can.
const PROMPT: &str = "Reply with OK.";

/// The request body, with the token cap under the name the model accepts.
pub fn body(model: &str, cap_name: &str) -> Value {
    json!({
        "model": model,
        "messages": [{"role": "user", "content": PROMPT}],
        cap_name: 1,
    })
}

/// The chat probe as a live check of the table.
pub fn probe(s: &super::live::Session) -> super::live::Running<'_> {
    Box::pin(async move {
        match &s.key {
            Some(key) => check(&s.http, &s.gateway, key, &s.model).await,
            None => Outcome::skip("not run: there is no key"),
        }
    })
}

pub async fn check(http: &Http, gateway: &Gateway, key: &ApiKey, model: &str) -> Outcome {
    let mut out = Outcome::default();
    let mut cap = litellm::TOKEN_CAP;
    loop {
        let request = Request {
            method: "POST",
            url: gateway.api("chat/completions"),
            key: Some(key),
            json: Some(body(model, cap)),
        };
        let Some(x) = fetch(http, ids::CHAT, request, &mut out).await else {
            return out;
        };
        // Reasoning models refuse `max_tokens` and ask for `max_completion_tokens`: ask again.
        if cap == litellm::TOKEN_CAP && wants_completion_tokens(&x) {
            cap = litellm::REASONING_TOKEN_CAP;
            out.fact("retried", litellm::RETRIED_WITH_REASONING_CAP);
            continue;
        }
        judge(&x, &mut out);
        return out;
    }
}

fn wants_completion_tokens(x: &Exchange) -> bool {
    x.status == 400
        && ErrorInfo::from_body(&x.body)
            .and_then(|i| i.message)
            .is_some_and(|m| litellm::asks_for_reasoning_cap(&m))
}

/// Judge a chat completion answer.
pub fn judge(x: &Exchange, out: &mut Outcome) {
    if let Some(id) = x.call_id() {
        out.fact("call id", id);
    }
    if let Some(cost) = x
        .header(crate::gateway::litellm::RESPONSE_COST)
        .and_then(|c| c.trim().parse::<f64>().ok())
    {
        out.fact("cost", Fact::Usd(cost));
    }
    if !(200..300).contains(&x.status) {
        out.findings
            .extend(classify::classify(&x.response(), ids::CHAT));
        return;
    }
    let findings = classify::classify(&x.response(), ids::CHAT);
    if !findings.is_empty() {
        out.findings.extend(findings);
        return;
    }
    let Some(choice) = x
        .json()
        .and_then(|j| j.get("choices").and_then(|c| c.get(0)).cloned())
    else {
        out.push(
            Finding::new(Code::UpstreamBadResponse, ids::CHAT)
                .detail("200, but the body is not a chat completion (no `choices`)")
                .evidence(
                    "body",
                    classify::excerpt(&String::from_utf8_lossy(&x.body), 200),
                ),
        );
        return;
    };
    let finish = choice
        .get("finish_reason")
        .and_then(Value::as_str)
        .unwrap_or("none");
    let content = choice
        .pointer("/message/content")
        .and_then(Value::as_str)
        .unwrap_or("");
    out.fact("finish_reason", finish);
    if let Some(model) = x
        .json()
        .and_then(|j| j.get("model").and_then(Value::as_str).map(str::to_owned))
    {
        out.fact("answered by", model);
    }
    out.note = Some(if content.trim().is_empty() && finish == "length" {
        // A reasoning model can spend its one token thinking: it answered, it is not broken.
        format!(
            "the model answered in {} (it spent its 1-token budget before writing: a reasoning model)",
            ms(x.elapsed)
        )
    } else {
        format!("the model answered in {}", ms(x.elapsed))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_asks_for_one_token() {
        let b = body("gpt-4o-mini", "max_tokens");
        assert_eq!(b["max_tokens"], 1);
        assert_eq!(b["model"], "gpt-4o-mini");
        let b = body("o3-mini", "max_completion_tokens");
        assert_eq!(b["max_completion_tokens"], 1);
        assert!(b.get("max_tokens").is_none());
    }
}
