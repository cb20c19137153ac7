//! Subcommand dispatch: turns parsed arguments into a report (or catalog text) and an exit code.

mod classify;
mod explain;
mod header;
mod interactive;
mod live;
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
    /// Where the report goes instead of stdout (`--output`).
    pub output: Option<PathBuf>,
    /// The colour choice (`--color`): a report written to a file is coloured only when asked.
    pub color: cli::ColorChoice,
    /// Where a copy of the report goes as JSON (`--json-report`).
    pub json_report: Option<PathBuf>,
    /// Whether someone can answer a prompt: a terminal on stdin and stderr, no `CI`, no
    /// `--no-input`.
    pub can_prompt: bool,
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
            can_prompt: !global.no_input
                && std::env::var_os("CI").is_none()
                && std::io::stdin().is_terminal()
                && std::io::stderr().is_terminal(),
        }
    }

    fn with_output(self, o: cli::OutputArgs) -> Self {
        Context {
            format: o.format,
            output: o.output,
            json_report: o.json_report,
            strict: o.strict,
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
    pub fn resolve_target(&self) -> anyhow::Result<Target> {
        let dotenv = std::env::current_dir().ok().and_then(|d| DotEnv::load(&d));
        Ok(inputs::resolve(
            &self.inputs,
            &inputs::process_env,
            dotenv.as_ref(),
        )?)
    }

    /// Render a finished report in the chosen format, write it, and return its exit code.
    pub fn finish(&self, mut report: Report, redactor: Redactor) -> anyhow::Result<u8> {
        // One cause, one finding, before any renderer reads the report.
        crate::correlate::correlate(&mut report);
        let report = &report;
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
        };
        let out = Output::new(redactor);
        // The wire: on stderr, apart from the report, except in JSON where it is part of it.
        if report.detail.trace > 0 && self.format != Format::Json {
            out.stderr(&render::trace::text(report))?;
        }
        if report.detail.curl && matches!(self.format, Format::Junit | Format::Github) {
            out.stderr(&render::curl::commands(report))?;
        }
        match &self.output {
            Some(path) => out.file(path, &text)?,
            None => out.stdout(&text)?,
        }
        if let Some(path) = &self.json_report {
            out.file(path, &render::json::report(report))?;
        }
        if self.format == Format::Github
            && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty())
        {
            out.append(Path::new(&summary), &render::markdown::report(report))?;
        }
        Ok(report.exit_code())
    }
}

/// The HTTP checks `doctor` runs, in report order.
pub(crate) const DOCTOR: [&str; 5] = [
    crate::checks::ids::HEALTH,
    crate::checks::ids::MODELS,
    crate::checks::ids::KEY_INFO,
    crate::checks::ids::CHAT,
    crate::checks::ids::STREAM,
];

/// Run the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    output::set_color(cli.global.color);
    let ctx = Context::new(&cli.global);
    use crate::checks::ids::{CHAT, MODELS, STREAM};
    let plan = |checks, no_spend| live::Plan {
        key: true,
        checks,
        no_spend,
    };
    let Some(command) = cli.command else {
        return interactive::run(ctx.with_live(cli.live));
    };
    match command {
        Command::Doctor {
            no_spend,
            output,
            live,
        } => {
            let ctx = ctx.with_output(output).with_live(live);
            live::run(&ctx, "doctor", plan(&DOCTOR, no_spend), None)
        }
        Command::Report {
            no_spend,
            output,
            live,
        } => {
            let ctx = Context {
                format: output.format.into(),
                output: output.output,
                json_report: output.json_report,
                strict: output.strict,
                ..ctx.with_live(live)
            };
            live::run(&ctx, "report", plan(&DOCTOR, no_spend), None)
        }
        Command::Models {
            output,
            inputs,
            net,
        } => {
            let ctx = ctx.with_output(output).with_inputs(inputs).with_net(net);
            live::run(&ctx, "models", plan(&[MODELS], false), None)
        }
        Command::Chat {
            output,
            inputs,
            net,
        } => {
            let ctx = ctx.with_output(output).with_inputs(inputs).with_net(net);
            live::run(&ctx, "chat", plan(&[CHAT], false), None)
        }
        Command::Stream { output, live } => {
            let ctx = ctx.with_output(output).with_live(live);
            live::run(&ctx, "stream", plan(&[STREAM], false), None)
        }
        Command::Classify {
            file,
            status,
            output,
        } => classify::run(&ctx.with_output(output), file, status),
        Command::Header { value, output, key } => {
            header::run(&ctx.with_output(output).with_key(key), value)
        }
        Command::Url {
            url,
            offline,
            output,
            base_url,
            net,
        } => {
            let mut ctx = ctx.with_output(output).with_net(net);
            ctx.inputs.base_url = base_url.base_url;
            url::run(&ctx, url, offline)
        }
        Command::Explain {
            code,
            format,
            output,
        } => explain::run(&Context { output, ..ctx }, code, format),
    }
}
