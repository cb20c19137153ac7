//! Subcommand dispatch: turns parsed arguments into a report (or catalog text) and an exit code.

mod classify;
mod explain;
mod header;
mod interactive;
mod live;
mod monitor;
mod url;

use crate::cli::{self, Cli, Command, Format, GlobalArgs};
use crate::inputs::{self, DotEnv, InputArgs, Target};
use crate::output::{self, Output};
use crate::redact::Redactor;
use crate::render;
use crate::report::Report;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// What every command shares: the parsed global flags.
#[derive(Clone)]
pub(crate) struct Context {
    pub format: Format,
    pub strict: bool,
    /// Deadline for each network step, in seconds.
    pub timeout: f64,
    /// Deadline for a whole stream, and for silence inside it, in seconds.
    pub stream_timeout: f64,
    pub idle_timeout: f64,
    pub inputs: InputArgs,
    /// Extra CA certificates to trust (`--cacert`).
    pub cacert: Option<PathBuf>,
    /// The trace level (`-v`, `-vv`) and whether to print curl reproductions (`--curl`).
    pub verbose: u8,
    pub curl: bool,
    /// Check a keyless route of the customer's own backend (`--no-key`).
    pub no_key: bool,
    /// The gateway to compare such a route with (`--gateway`).
    pub gateway: Option<String>,
    /// Where the report goes instead of stdout (`--output`).
    pub output: Option<PathBuf>,
    /// The colour choice (`--color`): a report written to a file is coloured only when asked.
    pub color: cli::ColorChoice,
    /// Where a copy of the report goes as JSON (`--json-report`).
    pub json_report: Option<PathBuf>,
    /// Whether someone can answer a prompt: a terminal on stdin and stderr, no `CI`, no
    /// `--no-input`.
    pub can_prompt: bool,
    /// Whether resolving the inputs says its warnings (a monitor says them once, at start).
    pub input_warnings: bool,
}

impl Context {
    /// The context of a command that takes only the global flags; the `with_*` methods add the
    /// groups of flags a command has.
    fn new(global: &GlobalArgs) -> Self {
        Context {
            format: Format::Human,
            strict: false,
            timeout: cli::DEFAULT_TIMEOUT,
            stream_timeout: cli::DEFAULT_STREAM_TIMEOUT,
            idle_timeout: cli::DEFAULT_IDLE_TIMEOUT,
            inputs: InputArgs::default(),
            output: None,
            cacert: None,
            json_report: None,
            verbose: global.verbose,
            curl: false,
            color: global.color,
            no_key: false,
            gateway: None,
            can_prompt: !global.no_input
                && std::env::var_os("CI").is_none()
                && std::io::stdin().is_terminal()
                && std::io::stderr().is_terminal(),
            input_warnings: true,
        }
    }

    fn with_output(self, o: cli::OutputArgs) -> Self {
        Context {
            format: o.format,
            output: o.to.output,
            json_report: o.to.json_report,
            strict: o.to.strict,
            ..self
        }
    }

    fn with_key(mut self, k: cli::KeyFlags) -> Self {
        self.inputs.key = k.key;
        self.inputs.key_file = k.key_file;
        self
    }

    fn with_inputs(mut self, i: cli::InputFlags) -> Self {
        self.inputs.base_url = i.base_url;
        self.inputs.model = i.model;
        self.no_key = i.no_key;
        self.gateway = i.gateway;
        self.with_key(i.key)
    }

    fn with_net(self, n: cli::NetArgs) -> Self {
        Context {
            timeout: n.timeout,
            cacert: n.cacert,
            curl: n.curl,
            ..self
        }
    }

    fn with_live(self, l: cli::LiveArgs) -> Self {
        Context {
            stream_timeout: l.stream.stream_timeout,
            idle_timeout: l.stream.idle_timeout,
            ..self.with_inputs(l.inputs).with_net(l.net)
        }
    }

    /// Resolve key, base URL and model from flags, environment, `./.env` and defaults.
    /// Problems that do not stop the run (an unreadable `.env`, a key file others can read) are
    /// said on standard error, as ssh does.
    pub fn resolve_target(&self) -> anyhow::Result<Target> {
        let mut warnings = Vec::new();
        let dotenv = match std::env::current_dir().map(|d| DotEnv::load(&d)) {
            Ok(Ok(found)) => found,
            Ok(Err(why)) => {
                warnings.push(why);
                None
            }
            Err(_) => None,
        };
        let mut target = inputs::resolve(&self.inputs, &inputs::process_env, dotenv.as_ref())?;
        warnings.append(&mut target.warnings);
        if !self.input_warnings {
            return Ok(target);
        }
        let out = Output::new(Redactor::new());
        for w in warnings {
            out.stderr(&format!("warning: {}\n", crate::render::printable(&w)))?;
        }
        Ok(target)
    }

    /// Render a finished report in the chosen format, write it, and return its exit code.
    ///
    /// The report is correlated first (one cause, one finding). Every text in it is redacted
    /// before any renderer sees it, and made printable for the formats a person reads; the output
    /// layer then only guards.
    pub fn finish(&self, mut report: Report, redactor: Redactor) -> anyhow::Result<u8> {
        crate::correlate::correlate(&mut report);
        let mut redactor = redactor;
        for secret in &report.secrets.0 {
            redactor.add_token(secret);
        }
        let view = |printable: bool| {
            report.clone().map_text(&|text| {
                let clean = redactor.redact(text);
                if printable {
                    render::printable(&clean).into_owned()
                } else {
                    clean.into_owned()
                }
            })
        };
        let json = self.format == Format::Json;
        let shown = view(!json);
        let report = &shown;
        // The colour decided at start-up is for stdout; a file is a sink of its own.
        if self.output.is_some() && self.color != cli::ColorChoice::Always {
            colored::control::set_override(false);
        }
        let text = match self.format {
            Format::Human => render::human::report(report),
            Format::Json => render::json::report(report),
            Format::Markdown => render::markdown::report(report),
            Format::Junit => render::junit::report(report),
            Format::Github => render::github::report(report),
            Format::Openmetrics => render::openmetrics::report(report),
        };
        let out = Output::new(redactor.clone());
        // The wire: on stderr, apart from the report, except in JSON where it is part of it.
        if report.detail.trace > 0 && !json {
            out.stderr(&render::trace::text(report))?;
        }
        if report.detail.curl && matches!(self.format, Format::Junit | Format::Github) {
            out.stderr(&render::curl::commands(report))?;
        }
        self.emit(&out.json(json), &text)?;
        if let Some(path) = &self.json_report {
            let document = if json {
                text.clone()
            } else {
                render::json::report(&view(false))
            };
            out.json(true).file(path, &document)?;
        }
        if self.format == Format::Github
            && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty())
        {
            out.json(false)
                .append(Path::new(&summary), &render::markdown::report(report))?;
        }
        Ok(report.exit_code())
    }

    /// Write the command's main text to `--output`, or to stdout.
    pub fn emit(&self, out: &Output, text: &str) -> anyhow::Result<()> {
        match &self.output {
            Some(path) => out.file(path, text),
            None => out.stdout(text),
        }
    }

    /// Check, before any request is sent, that the report can be written where it goes.
    fn check_destinations(&self) -> anyhow::Result<()> {
        for path in [&self.output, &self.json_report].into_iter().flatten() {
            output::check_destination(path)?;
        }
        if self.format == Format::Github
            && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty())
        {
            crate::files::check_appendable(Path::new(&summary)).map_err(|e| {
                crate::UsageError(format!(
                    "GITHUB_STEP_SUMMARY names {}: {e}",
                    Path::new(&summary).display()
                ))
            })?;
        }
        Ok(())
    }
}

/// What a command line asks for, once its flags are in the context.
enum Job {
    Interactive,
    Live(&'static str, crate::engine::Plan),
    Classify(Option<PathBuf>, Option<u16>),
    Header(Option<String>),
    Url(Option<String>, bool),
    Explain(Option<String>, cli::ExplainFormat),
    Monitor(monitor::Args),
}

/// Run the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    output::set_color(cli.global.color);
    let ctx = Context::new(&cli.global);
    use crate::checks::Live;
    let plan = |checks, no_spend| crate::engine::Plan {
        key: true,
        checks,
        no_spend,
    };
    let (ctx, job) = match cli.command {
        None => (ctx.with_live(cli.live), Job::Interactive),
        Some(Command::Doctor {
            no_spend,
            output,
            live,
        }) => (
            ctx.with_output(output.into()).with_live(live),
            Job::Live("doctor", plan(Live::ALL, no_spend)),
        ),
        Some(Command::Report {
            no_spend,
            output,
            live,
        }) => (
            ctx.with_live(live).with_output(output.into()),
            Job::Live("report", plan(Live::ALL, no_spend)),
        ),
        Some(Command::Models {
            output,
            inputs,
            net,
        }) => (
            ctx.with_output(output).with_inputs(inputs).with_net(net),
            Job::Live("models", plan(&[Live::Models], false)),
        ),
        Some(Command::Chat {
            output,
            inputs,
            net,
        }) => (
            ctx.with_output(output).with_inputs(inputs).with_net(net),
            Job::Live("chat", plan(&[Live::Chat], false)),
        ),
        Some(Command::Stream { output, live }) => (
            ctx.with_output(output).with_live(live),
            Job::Live("stream", plan(&[Live::Stream], false)),
        ),
        Some(Command::Classify {
            file,
            status,
            output,
        }) => (ctx.with_output(output), Job::Classify(file, status)),
        Some(Command::Header { value, output, key }) => {
            (ctx.with_output(output).with_key(key), Job::Header(value))
        }
        Some(Command::Url {
            url,
            offline,
            output,
            base_url,
            net,
        }) => {
            let mut ctx = ctx.with_output(output).with_net(net);
            ctx.inputs.base_url = base_url.base_url;
            (ctx, Job::Url(url, offline))
        }
        Some(Command::Monitor { schedule, live }) => (
            ctx.with_live(live),
            Job::Monitor(monitor::Args {
                listen: schedule.listen,
                interval: schedule.interval,
                spend_interval: schedule.spend_interval,
                no_spend: schedule.no_spend,
                config: schedule.config,
                log: match schedule.log_format {
                    cli::LogFormat::Text => crate::monitor::LogFormat::Text,
                    cli::LogFormat::Json => crate::monitor::LogFormat::Json,
                },
            }),
        ),
        Some(Command::Explain {
            code,
            format,
            output,
        }) => (Context { output, ..ctx }, Job::Explain(code, format)),
    };
    // Before any request is sent: a report that could not be written must not cost a probe.
    ctx.check_destinations()?;
    match job {
        Job::Interactive => interactive::run(ctx),
        Job::Live(command, plan) => live::run(&ctx, command, plan, None),
        Job::Classify(file, status) => classify::run(&ctx, file, status),
        Job::Header(value) => header::run(&ctx, value),
        Job::Url(url, offline) => url::run(&ctx, url, offline),
        Job::Explain(code, format) => explain::run(&ctx, code, format),
        Job::Monitor(args) => monitor::run(ctx, args),
    }
}
