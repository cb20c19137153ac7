//! `tlcheck monitor`: builds the targets from the command line or `--config`, runs each on its
//! schedule, serves the metrics, and stops cleanly on SIGTERM or SIGINT.

use super::{Context, live};
use crate::checks::{LIVE, Live};
use crate::engine::Session;
use crate::inputs::Target;
use crate::monitor::config::{self, KeySource, TargetConfig};
use crate::monitor::{LogFormat, Monitor, Runner, Settings, server};
use crate::output::Output;
use crate::redact::Redactor;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What `monitor` was asked for, beyond the context.
pub(crate) struct Args {
    pub listen: SocketAddr,
    pub interval: f64,
    pub spend_interval: f64,
    pub no_spend: bool,
    pub config: Option<PathBuf>,
    pub log: LogFormat,
}

pub(crate) fn run(ctx: Context, args: Args) -> anyhow::Result<u8> {
    if ctx.curl {
        return Err(crate::UsageError(
            "--curl prints curl commands with a report; monitor prints no report".to_owned(),
        )
        .into());
    }
    let targets = match &args.config {
        Some(path) => {
            let i = &ctx.inputs;
            if i.base_url.is_some() || i.model.is_some() || i.key.is_some() || i.key_file.is_some()
            {
                return Err(crate::UsageError(
                    "--config lists the targets: --base-url, --model, --key and --key-file \
                     belong in its [[target]] tables"
                        .to_owned(),
                )
                .into());
            }
            let targets = config::load(path).map_err(crate::UsageError)?;
            for t in &targets {
                if let KeySource::Env(var) = &t.key
                    && std::env::var_os(var).is_none_or(|v| v.is_empty())
                {
                    return Err(crate::UsageError(format!(
                        "target `{}`: the environment variable {var} (key_env) is not set",
                        t.name
                    ))
                    .into());
                }
            }
            targets
        }
        None => vec![TargetConfig {
            name: "default".to_owned(),
            base_url: None,
            model: None,
            key: KeySource::Inputs,
        }],
    };
    let names = targets.iter().map(|t| t.name.clone()).collect();
    let base = Context {
        // No prompt, no spinner: nobody watches a monitor's terminal.
        can_prompt: false,
        format: crate::cli::Format::Json,
        ..ctx
    };
    // Each target's inputs once, before serving: an unreadable key file stops the monitor here
    // (exit 2), and a warning about an input is said once, not at every run.
    for target in &targets {
        context_for(&base, target, None)?.resolve_target()?;
    }
    let base = Context {
        input_warnings: false,
        ..base
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Runs are driven on the monitor's own runtime (from the blocking thread each run gets), so
    // that a target's session, and its client's connections, serve run after run.
    let handle = runtime.handle().clone();
    let sessions = Sessions::default();
    let runner: Runner = Arc::new(move |name, billed, deadline| {
        let target = targets
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| anyhow::anyhow!("no target {name}"))?;
        let ctx = context_for(&base, target, deadline)?;
        let plan = crate::engine::Plan {
            key: true,
            checks: Live::ALL,
            no_spend: !billed,
        };
        let (target, mut redactor, _) = live::target(&ctx, plan, None)?;
        let session = sessions.for_run(name, deadline, target, &ctx)?;
        let report = handle.block_on(crate::engine::run_async(
            "monitor",
            plan,
            &session,
            ctx.strict,
            crate::report::Detail::default(),
            crate::progress::Progress::new(false),
        ));
        // Secrets a check found (a key an answer carried) are hidden like the key.
        for secret in &report.secrets.0 {
            redactor.add_token(secret);
        }
        Ok(report.map_text(&|text| redactor.redact(text).into_owned()))
    });
    let settings = Settings {
        interval: Duration::from_secs_f64(args.interval),
        spend_interval: (!args.no_spend).then(|| Duration::from_secs_f64(args.spend_interval)),
        log: args.log,
        // The checks a billed run adds to a free one: the billed rows of the live-check table.
        billed_checks: LIVE.iter().filter(|s| s.billed).map(|s| s.id).collect(),
    };
    let monitor = Arc::new(Monitor::new(names, runner, settings));
    let code = runtime.block_on(serve(monitor, args.listen))?;
    // A run still going (a slow gateway) is abandoned: the process is exiting.
    runtime.shutdown_background();
    Ok(code)
}

/// Two open sessions at most per target, one for the scheduled runs and one for `/probe` (whose
/// deadline the client carries), each reused run after run while what shaped it stays the same;
/// a change (a rotated key, another scrape timeout) replaces it. Bounded by the targets, whatever
/// the runs or the probes ask: memory stays flat.
#[derive(Default)]
struct Sessions(Mutex<HashMap<Slot, (String, Arc<Session>)>>);

/// A target's name, and whether the session serves `/probe`.
type Slot = (String, bool);

impl Sessions {
    fn for_run(
        &self,
        name: &str,
        deadline: Option<Duration>,
        target: Target,
        ctx: &Context,
    ) -> anyhow::Result<Arc<Session>> {
        // What the session was opened for: the inputs that shape it, the key by its hash only.
        let value =
            |v: &Option<crate::inputs::Sourced<String>>| v.as_ref().map(|s| s.value.clone());
        let opened_for = format!(
            "{:?} {:?} {:?} {:?}",
            value(&target.base_url),
            value(&target.model),
            target.key.as_ref().map(|k| k.value.fingerprint().sha256),
            deadline.map(|d| d.as_millis())
        );
        let slot = (name.to_owned(), deadline.is_some());
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((was, session)) = open.get(&slot)
            && *was == opened_for
        {
            return Ok(session.clone());
        }
        let session = Arc::new(Session::open(target, &live::options(ctx))?);
        open.insert(slot, (opened_for, session.clone()));
        Ok(session)
    }
}

/// The context of one run of `target`: its inputs, and a probe's deadline on each step.
fn context_for(
    base: &Context,
    target: &TargetConfig,
    deadline: Option<Duration>,
) -> anyhow::Result<Context> {
    let mut ctx = base.clone();
    if let Some(d) = deadline {
        ctx.timeout = ctx.timeout.min(d.as_secs_f64());
    }
    match &target.key {
        KeySource::Inputs => return Ok(ctx),
        KeySource::File(path) => ctx.inputs.key_file = Some(path.clone()),
        KeySource::Env(var) => {
            // Read at every run, so that a rotated key is picked up; never falls back to another.
            let key = std::env::var(var)
                .ok()
                .filter(|k| !k.is_empty())
                .ok_or_else(|| anyhow::anyhow!("the environment variable {var} is not set"))?;
            ctx.inputs.key = Some(key);
        }
    }
    ctx.inputs.base_url = target.base_url.clone();
    ctx.inputs.model = target.model.clone();
    Ok(ctx)
}

async fn serve(monitor: Arc<Monitor>, listen: SocketAddr) -> anyhow::Result<u8> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let bound = listener.local_addr()?;
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let names: Vec<&str> = monitor.targets.iter().map(|t| t.name.as_str()).collect();
    Output::new(Redactor::new()).stderr(&format!(
        "tlcheck monitor: serving http://{bound}/metrics for {} (every {}s{})\n",
        names.join(", "),
        monitor.settings.interval.as_secs_f64(),
        match monitor.settings.spend_interval {
            Some(s) => format!("; billed probes every {}s", s.as_secs_f64()),
            None => "; no billed probes".to_owned(),
        }
    ))?;
    for i in 0..monitor.targets.len() {
        tokio::spawn(schedule(monitor.clone(), i, stop.clone()));
    }
    let server = tokio::spawn(server::serve(listener, monitor.clone(), stop.clone()));
    stopped().await?;
    let _ = stop_tx.send(true);
    let _ = server.await;
    Output::new(Redactor::new()).stderr("tlcheck monitor: stopped\n")?;
    Ok(crate::report::exit::OK)
}

/// One target's schedule: free checks every interval, the billed probes with the first run and
/// then every spend interval. A run that outlasts the interval delays the next; none overlap.
async fn schedule(monitor: Arc<Monitor>, i: usize, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(monitor.settings.interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut next_billed = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.changed() => return,
        }
        let billed = match monitor.settings.spend_interval {
            Some(every) if tokio::time::Instant::now() >= next_billed => {
                next_billed = tokio::time::Instant::now() + every;
                true
            }
            _ => false,
        };
        tokio::select! {
            _ = monitor.run(i, billed, None) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Wait for SIGTERM or SIGINT.
async fn stopped() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    Ok(())
}
