//! Where the key may go, and inputs that must neither hang nor corrupt the output: wrong hosts in
//! any spelling, proxies and loopback, hostile files, echoed keys and control bytes.

use crate::support::{Reply, Seen, Server, healthy, json_reply};
use crate::{outcome, tempdir, tlcheck};
use serde_json::Value;

const KEY: &str = "sk-secrets-test-key-24680";

/// A logging proxy: records where each request went and what it carried, and refuses it.
fn logging_proxy() -> Server {
    Server::start(|_req: &Seen| {
        Reply::Bytes(json_reply(403, "Forbidden", &[], r#"{"proxy":"refused"}"#))
    })
}

fn doctor_json(
    dir: &std::path::Path,
    base_url: &str,
    env: &[(&str, &str)],
) -> (i32, Value, String) {
    let mut cmd = tlcheck(dir);
    cmd.args(["doctor", "--format", "json", "--timeout", "5"])
        .env("TENSORLOOP_KEY", KEY)
        .env("TENSORLOOP_BASE_URL", base_url);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (code, stdout, stderr) = outcome(&mut cmd);
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, doc, stderr)
}

#[test]
fn a_loopback_gateway_is_never_reached_through_a_proxy() {
    let gateway = Server::start(healthy);
    let proxy = logging_proxy();
    let proxy_url = format!("http://{}", proxy.addr);
    let port = gateway.addr.port();
    for base in [
        format!("http://127.0.0.1:{port}/v1"),
        format!("http://localhost:{port}/v1"),
        format!("http://LOCALHOST.:{port}/v1"),
    ] {
        let dir = tempdir();
        let (code, doc, stderr) = doctor_json(
            dir.path(),
            &base,
            &[
                ("HTTP_PROXY", &proxy_url),
                ("http_proxy", &proxy_url),
                ("HTTPS_PROXY", &proxy_url),
                ("ALL_PROXY", &proxy_url),
            ],
        );
        assert_eq!(code, 0, "{base}: {doc:#} {stderr}");
    }
    assert!(
        proxy.requests().is_empty(),
        "the proxy saw: {:?}",
        proxy.requests()
    );
    let keyed = gateway
        .requests()
        .iter()
        .filter(|r| r.header("authorization") == Some(&format!("Bearer {KEY}")))
        .count();
    assert!(
        keyed >= 12,
        "models, key info, chat and stream, three times"
    );
}

/// Every spelling of a known-wrong TensorLoop host sends the requests to the gateway instead.
/// A logging proxy stands in for the internet: every CONNECT names the host it would reach.
#[test]
fn no_spelling_of_a_wrong_host_receives_a_request() {
    let proxy = logging_proxy();
    let proxy_url = format!("http://{}", proxy.addr);
    for base in [
        "https://tensorloop.tech./v1",
        "https://TensorLoop.Tech./v1",
        "https://api.tensorloop.tech./v1",
        "https://www.tensorloop.tech./v1",
        "https://tensorloop%2etech/v1",
        "https://tensorloop\u{FF0E}tech./v1",
        "https://user:pw@tensorloop.tech.:443/v1",
    ] {
        let dir = tempdir();
        let (_, doc, _) = doctor_json(dir.path(), base, &[("HTTPS_PROXY", &proxy_url)]);
        let codes: Vec<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(
            codes.iter().any(|c| matches!(
                *c,
                "url.marketing_site" | "url.no_such_host" | "url.dashboard_api"
            )),
            "{base}: {codes:?}"
        );
    }
    let targets: Vec<String> = proxy.requests().iter().map(|r| r.path.clone()).collect();
    assert!(!targets.is_empty());
    for (seen, target) in proxy.requests().iter().zip(&targets) {
        assert_eq!(seen.method, "CONNECT");
        assert_eq!(target, "litellm.tensorloop.tech:443", "{targets:?}");
    }
}
