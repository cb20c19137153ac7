//! `tlcheck classify [FILE]`: diagnose a pasted response, or what a client printed, offline.

use super::Context;
use crate::UsageError;
use crate::catalog::{Code, Layer, Severity};
use crate::checks::stream;
use crate::classify::facts::{self, Facts, NetFailure};
use crate::classify::{self, ErrorInfo, excerpt, paste};
use crate::files;
use crate::redact::Redactor;
use crate::report::{Finding, Outcome, Report};
use anyhow::Context as _;
use std::path::PathBuf;
use std::time::Instant;

pub(super) fn run(ctx: &Context, file: Option<PathBuf>, status: Option<u16>) -> anyhow::Result<u8> {
    let (bytes, truncated) = match file.as_deref() {
        None => read_stdin()?,
        Some(p) if p.as_os_str() == "-" => read_stdin()?,
        Some(p) => files::read_regular_capped(p, files::PASTE_CAP).map_err(|e| {
            UsageError(format!(
                "cannot read {}: {e} (pipe it on standard input instead)",
                p.display()
            ))
        })?,
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut facts = facts::read(&text);
    let pasted = paste::parse(&bytes);

    let mut redactor = Redactor::new();
    if let Ok(target) = ctx.resolve_target()
        && let Some(k) = target.key
    {
        redactor.add_key(&k.value);
    }
    // A key echoed by a server and pasted here is never printed back.
    redactor.hide_key_like_words();

    let started = Instant::now();
    let mut outcome = Outcome::default();
    match pasted {
        Ok(pasted) if pasted.is_sse() => {
            if !pasted.skipped.is_empty() {
                outcome.fact("skipped", pasted.skipped.join("; "));
            }
            let verdict = stream::verdict_on_transcript(&pasted.body, &pasted.headers, "classify");
            outcome.findings = verdict.findings;
            outcome.facts.extend(verdict.facts);
            outcome.note = verdict.note;
            if let Some((NetFailure::Cut, line)) = &facts.network {
                explain_cut(&mut outcome.findings, line);
            }
            call_id_fact(
                &mut outcome,
                pasted.header(crate::gateway::litellm::CALL_ID),
            );
        }
        Ok(pasted)
            if pasted.status.is_some()
                || ErrorInfo::from_body(&pasted.body).is_some()
                || !facts.has_error() =>
        {
            if !pasted.skipped.is_empty() {
                outcome.fact("skipped", pasted.skipped.join("; "));
            }
            let info = ErrorInfo::from_body(&pasted.body);
            let (status, origin) = match (
                pasted.status,
                status,
                info.as_ref().and_then(ErrorInfo::status_from_code),
            ) {
                (Some(s), _, _) => (s, "status line"),
                (None, Some(s), _) => (s, "--status"),
                (None, None, Some(s)) => (s, "the body's error.code"),
                (None, None, None) if info.is_some() => {
                    return Err(UsageError(
                        "the body carries an error but no status: pass --status N".to_owned(),
                    )
                    .into());
                }
                (None, None, None) => (200, "no error in the body"),
            };
            outcome.fact("status", format!("{status} (from {origin})"));
            call_id_fact(
                &mut outcome,
                pasted.header(crate::gateway::litellm::CALL_ID),
            );
            let response = classify::Response {
                status,
                headers: &pasted.headers,
                body: &pasted.body,
            };
            outcome.findings = classify::base_url_findings(&facts, "classify");
            outcome
                .findings
                .extend(classify::classify(&response, "classify"));
            classify::first_of_each_code(&mut outcome.findings);
            if outcome.findings.is_empty() {
                outcome.note = Some(format!("{status}: a successful answer"));
            }
        }
        pasted => {
            if facts.status.is_none() {
                facts.status = status;
            }
            outcome.findings = classify::classify_facts(&facts, "classify");
            if outcome.findings.is_empty() {
                let why = pasted.err().unwrap_or_else(|| {
                    "the text looks like JSON but is neither a response body nor a client's error"
                        .to_owned()
                });
                return Err(UsageError(format!("cannot classify the input: {why}")).into());
            }
            if let Some(s) = facts.status {
                outcome.fact("status", s.to_string());
            }
            call_id_fact(&mut outcome, facts.call_id.as_deref());
        }
    }
    context_facts(&mut outcome, &facts);
    let mut report = Report::new("classify", Default::default(), ctx.strict);
    if truncated {
        report.notices.push(format!(
            "The input is longer than {}: only its first {} were classified.",
            files::size(files::PASTE_CAP),
            files::size(files::PASTE_CAP)
        ));
    }
    report.record("classify", "Pasted response", started.elapsed(), outcome);
    ctx.finish(report, redactor)
}

fn call_id_fact(outcome: &mut Outcome, id: Option<&str>) {
    if let Some(id) = id {
        outcome.fact("call id", id);
    }
}

/// A transcript without `[DONE]` whose paste also shows the transfer breaking (curl's `(18)`, a
/// runtime's "incomplete chunked read"): the stream was cut, not ended.
fn explain_cut(findings: &mut [Finding], line: &str) {
    for f in findings.iter_mut() {
        if f.code == Code::StreamNoDone && f.severity == Severity::Fail {
            let mut cut = Finding::new(Code::StreamCut, f.check).detail(format!(
                "the connection broke mid-stream: {}",
                excerpt(line, 200)
            ));
            for (name, value) in f.evidence.iter() {
                cut = cut.evidence(name, value.clone());
            }
            *f = cut;
        }
    }
}

/// What the paste tells besides the cause: the client, the request, and what the client does
/// about this kind of failure.
fn context_facts(outcome: &mut Outcome, f: &Facts) {
    if let Some(client) = f.client {
        let version = f
            .client_version
            .as_deref()
            .map(|v| format!(" ({v})"))
            .unwrap_or_default();
        outcome.fact("client", format!("{client}{version}"));
    }
    if let Some(url) = &f.url {
        outcome.fact("url", url.clone());
    } else if let Some((host, path)) = &f.host {
        outcome.fact("host", host.clone());
        if !path.is_empty() {
            outcome.fact("path", path.clone());
        }
    }
    if let Some(model) = &f.model {
        outcome.fact("model", model.clone());
    }
    if let Some(id) = &f.request_id {
        outcome.fact("request id", id.clone());
    }
    if let Some(n) = f.attempts.filter(|n| *n > 1) {
        outcome.fact(
            "attempts",
            format!("{n}: the client retried, and this is the last answer"),
        );
    }
    let codes: Vec<Code> = outcome.findings.iter().map(|x| x.code).collect();
    let has = |c: Code| codes.contains(&c);
    // What the SDKs retry by default: 429, 5xx, timeouts and failed connections; never a stream
    // that already started.
    let retried = !f.in_stream
        && codes.iter().any(|c| {
            c.entry().layer == Layer::Rate
                || matches!(
                    c,
                    Code::UpstreamError
                        | Code::NetTimeout
                        | Code::NetConnect
                        | Code::NetDns
                        | Code::NetTls
                )
        });
    let behaviour = if has(Code::StreamNoDone) {
        Some(
            "openai-python and openai-node do not raise when a stream ends without `[DONE]`: code using them sees a short answer, not an error",
        )
    } else if has(Code::StreamErrorEvent) && f.client.is_none_or(|c| c == "curl" || c == "HTTPie") {
        Some(
            "the status stays 200: a client that checks only the status sees success; openai-python and openai-node raise `APIError` when they read the error frame",
        )
    } else if f.client == Some("Vercel AI SDK") && f.in_stream {
        Some(
            "the AI SDK's `streamText` prints a stream error and the process still exits 0: the script's exit status does not show this failure",
        )
    } else if retried {
        match f.client {
            Some("openai-python" | "openai-node" | "LangChain") => Some(
                "the SDK retries 429s, 5xx answers, timeouts and connection errors twice by default (after `retry-after` for a 429): this error is what was left after its retries",
            ),
            Some("Vercel AI SDK") => Some(
                "the AI SDK retries 429s, 5xx answers and connection errors (`maxRetries`, 2 by default) before giving up",
            ),
            _ => None,
        }
    } else {
        None
    };
    if let Some(b) = behaviour {
        outcome.fact("client behaviour", b);
    }
}

/// Standard input up to [`files::PASTE_CAP`], and whether there was more.
fn read_stdin() -> anyhow::Result<(Vec<u8>, bool)> {
    files::read_capped(std::io::stdin().lock(), files::PASTE_CAP)
        .context("cannot read standard input")
}
