//! "Is it the gateway?": `GET /health/liveliness` without the key. Never `/health`, which calls
//! every model upstream.

use super::ids;
use super::live::{Gateway, fetch};
use crate::catalog::Code;
use crate::classify::{self, excerpt};
use crate::net::{Exchange, Http, Request};
use crate::report::{Finding, Outcome};

/// The health check as a live check of the table.
pub fn probe(s: &super::live::Session) -> super::live::Running<'_> {
    Box::pin(check(&s.http, &s.gateway))
}

pub async fn check(http: &Http, gateway: &Gateway) -> Outcome {
    let request = Request {
        method: "GET",
        url: gateway.at_root("health/liveliness"),
        key: None,
        json: None,
    };
    let mut out = Outcome::default();
    if let Some(x) = fetch(http, ids::HEALTH, request, &mut out).await {
        judge(&x, &mut out);
    }
    out
}

fn judge(x: &Exchange, out: &mut Outcome) {
    if let Some(v) = x.header(crate::gateway::litellm::VERSION) {
        out.fact("version", format!("LiteLLM {v}"));
    }
    let is_json = x.json().is_some();
    match x.status {
        200..=299 if is_json => {
            let body = excerpt(&String::from_utf8_lossy(&x.body), 60);
            out.note = Some(format!("the gateway is alive ({body})"));
        }
        200..=299 => out.push(
            Finding::new(Code::NetNotGateway, ids::HEALTH)
                .detail(not_json_detail(x))
                .evidence("status", x.status)
                .evidence("content_type", x.content_type())
                .evidence("body", excerpt(&String::from_utf8_lossy(&x.body), 200)),
        ),
        404 | 405 if is_json => {
            out.skipped = Some(format!(
                "no /health/liveliness here ({}): not a LiteLLM gateway, or it hides its health routes",
                x.status
            ));
        }
        401 | 403 if is_json => {
            out.skipped = Some(format!(
                "/health/liveliness needs credentials here ({})",
                x.status
            ));
        }
        _ => out
            .findings
            .extend(classify::classify(&x.response(), ids::HEALTH)),
    }
}

fn not_json_detail(x: &Exchange) -> String {
    let ct = x.content_type();
    if ct.contains("html")
        || String::from_utf8_lossy(&x.body)
            .trim_start()
            .starts_with('<')
    {
        "an HTML page answered where the gateway's health route should be: the marketing site, a \
         captive portal or a proxy's block page"
            .to_owned()
    } else {
        format!("the health route answered with a body that is not JSON (content-type `{ct}`)")
    }
}
