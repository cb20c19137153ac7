//! The network check: which proxy applies, DNS for the host (or the proxy), and a TCP connection,
//! each timed and within the deadline. TLS is judged by the first HTTPS request.

use super::ids;
use crate::catalog::Code;
use crate::net::Http;
use crate::net::proxy::ProxyDecision;
use crate::report::{Fact, Finding, Outcome};
use std::time::Instant;
use url::Url;

pub async fn check(http: &Http, url: &Url, proxy: &ProxyDecision) -> Outcome {
    let mut out = Outcome::default();
    let (host, port, via) = match proxy {
        ProxyDecision::Use(choice) => {
            out.fact(
                "proxy",
                format!("{} from {}", choice.shown(), choice.variable),
            );
            let Some(p) = choice.parsed() else {
                out.push(Finding::new(Code::NetProxy, ids::NETWORK).detail(format!(
                    "{} is not a URL: {}",
                    choice.variable,
                    choice.shown()
                )));
                return out;
            };
            let host = p.host_str().unwrap_or("").to_owned();
            (
                host,
                p.port_or_known_default().unwrap_or(80),
                Some(choice.variable),
            )
        }
        ProxyDecision::Bypassed { by, entry } => {
            out.fact("proxy", format!("none: {by} lists `{entry}`"));
            (
                host_of(url),
                url.port_or_known_default().unwrap_or(443),
                None,
            )
        }
        ProxyDecision::Loopback => {
            out.fact(
                "proxy",
                "none: this machine is never reached through a proxy",
            );
            (
                host_of(url),
                url.port_or_known_default().unwrap_or(443),
                None,
            )
        }
        ProxyDecision::None => (
            host_of(url),
            url.port_or_known_default().unwrap_or(443),
            None,
        ),
    };
    let what = if via.is_some() { "proxy" } else { "host" };
    let with_proxy = |f: Finding| match proxy {
        ProxyDecision::Use(choice) => f.evidence(
            "proxy",
            format!("{} from {}", choice.shown(), choice.variable),
        ),
        _ => f,
    };

    let started = Instant::now();
    let addrs = match http.resolver().lookup(&host).await {
        Ok(addrs) => addrs,
        Err(e) => {
            let code = if via.is_some() {
                Code::NetProxy
            } else {
                Code::NetDns
            };
            out.push(with_proxy(
                Finding::new(code, ids::NETWORK)
                    .detail(e.to_string())
                    .evidence("host", host),
            ));
            return out;
        }
    };
    let shown: Vec<String> = addrs.iter().take(3).map(|a| a.ip().to_string()).collect();
    out.fact(
        "dns",
        Fact::Resolved {
            host: host.clone(),
            addresses: shown,
            took: started.elapsed(),
        },
    );

    let started = Instant::now();
    let mut last_error = None;
    for addr in addrs.iter().take(4) {
        let target = std::net::SocketAddr::new(addr.ip(), port);
        match tokio::time::timeout(http.timeout(), tokio::net::TcpStream::connect(target)).await {
            Ok(Ok(_stream)) => {
                out.fact(
                    "connect",
                    Fact::Connected {
                        address: target.to_string(),
                        took: started.elapsed(),
                    },
                );
                out.note = Some(format!("{what} {host}:{port} reachable"));
                return out;
            }
            Ok(Err(e)) => last_error = Some((target, e.to_string(), false)),
            Err(_) => {
                last_error = Some((
                    target,
                    format!("no answer within {:?}", http.timeout()),
                    true,
                ))
            }
        }
    }
    let (target, reason, timed_out) = last_error.expect("at least one address");
    let code = match (via.is_some(), timed_out) {
        (true, _) => Code::NetProxy,
        (false, true) => Code::NetTimeout,
        (false, false) => Code::NetConnect,
    };
    out.push(with_proxy(
        Finding::new(code, ids::NETWORK)
            .detail(format!(
                "cannot connect to the {what} at {target}: {reason}"
            ))
            .evidence("address", target.to_string()),
    ));
    out
}

fn host_of(url: &Url) -> String {
    crate::host::canonical(url).map_or(String::new(), |h| h.as_lookup())
}
