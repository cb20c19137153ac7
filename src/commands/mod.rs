//! Subcommand dispatch: turns parsed arguments into a report (or catalog text) and an exit code.

mod classify;
mod explain;
mod header;
mod interactive;
mod live;
mod url;

use crate::cli::{Cli, Command, Format, GlobalArgs};
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
    /// Where the report goes instead of stdout (`--output`).
    pub output: Option<PathBuf>,
    /// Whether someone can answer a prompt: a terminal on stdin and stderr, no `CI`, no
    /// `--no-input`.
    pub can_prompt: bool,
}

impl Context {
    fn new(global: GlobalArgs) -> Self {
        let f = global.inputs;
        Context {
            format: global.format,
            strict: global.strict,
            timeout: global.timeout,
            stream_timeout: global.stream_timeout,
            idle_timeout: global.idle_timeout,
            inputs: InputArgs {
                key: f.key,
                key_file: f.key_file,
                base_url: f.base_url,
                model: f.model,
            },
            output: global.output,
            cacert: global.cacert,
            verbose: global.verbose,
            curl: global.curl,
            can_prompt: !global.no_input
                && std::env::var_os("CI").is_none()
                && std::io::stdin().is_terminal()
                && std::io::stderr().is_terminal(),
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
        let out = Output::new(Redactor::new());
        for w in warnings {
            out.stderr(&format!("warning: {}\n", crate::render::printable(&w)))?;
        }
        Ok(target)
    }

    /// Render a finished report in the chosen format, write it, and return its exit code.
    ///
    /// Every text in the report is redacted before any renderer sees it, and made printable for
    /// the formats a person reads; the output layer then only guards.
    pub fn finish(&self, report: &Report, redactor: Redactor) -> anyhow::Result<u8> {
        let json = self.format == Format::Json;
        let shown = report.clone().map_text(&|text| {
            let clean = redactor.redact(text);
            if json {
                clean.into_owned()
            } else {
                render::printable(&clean).into_owned()
            }
        });
        let report = &shown;
        let text = match self.format {
            Format::Human => render::human::report(report),
            Format::Json => render::json::report(report),
            Format::Markdown => render::markdown::report(report),
            Format::Junit => render::junit::report(report),
            Format::Github => render::github::report(report),
        };
        let out = Output::new(redactor);
        // The wire: on stderr, apart from the report, except in JSON where it is part of it.
        if report.detail.trace > 0 && !json {
            out.stderr(&render::trace::text(report))?;
        }
        if report.detail.curl && matches!(self.format, Format::Junit | Format::Github) {
            out.stderr(&render::curl::commands(report))?;
        }
        self.emit(&out.json(json), &text)?;
        if self.format == Format::Github
            && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty())
        {
            out.json(false)
                .append(Path::new(&summary), &render::markdown::report(report))?;
        }
        Ok(report.exit_code())
    }
}

impl Context {
    /// Write the command's main text to `--output`, or to stdout.
    pub fn emit(&self, out: &Output, text: &str) -> anyhow::Result<()> {
        match &self.output {
            Some(path) => out.file(path, text),
            None => out.stdout(text),
        }
    }

    /// Check, before any request is sent, that the report can be written where it goes.
    fn check_destinations(&self) -> anyhow::Result<()> {
        if let Some(path) = &self.output {
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
    let ctx = Context::new(cli.global);
    ctx.check_destinations()?;
    use crate::checks::ids::{CHAT, MODELS, STREAM};
    let plan = |checks, no_spend| live::Plan {
        key: true,
        checks,
        no_spend,
    };
    let Some(command) = cli.command else {
        return interactive::run(&ctx);
    };
    match command {
        Command::Doctor { no_spend } => live::run(&ctx, "doctor", plan(&DOCTOR, no_spend), None),
        Command::Report { no_spend } => {
            // A report is doctor in Markdown, unless another machine format was asked for.
            let ctx = Context {
                format: match ctx.format {
                    Format::Human => Format::Markdown,
                    other => other,
                },
                ..ctx
            };
            live::run(&ctx, "report", plan(&DOCTOR, no_spend), None)
        }
        Command::Models => live::run(&ctx, "models", plan(&[MODELS], false), None),
        Command::Chat => live::run(&ctx, "chat", plan(&[CHAT], false), None),
        Command::Stream => live::run(&ctx, "stream", plan(&[STREAM], false), None),
        Command::Classify { file, status } => classify::run(&ctx, file, status),
        Command::Header { value } => header::run(&ctx, value),
        Command::Url { url, offline } => url::run(&ctx, url, offline),
        Command::Explain { code } => explain::run(&ctx, code),
    }
}
