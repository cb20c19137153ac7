//! The command-line definition: every flag, subcommand and help text, and nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The exit-code table, as `--help`, the man page and README print it: built from the catalog's
/// layers and the report's own codes, so it cannot drift from what tlcheck returns.
pub fn exit_codes() -> String {
    use crate::catalog::Layer;
    use crate::report::exit;
    let mut rows = vec![
        (exit::OK, "every check passed (warnings allowed)".to_owned()),
        (
            exit::ERROR,
            "tlcheck itself could not run the checks or write the report".to_owned(),
        ),
        (
            exit::USAGE,
            "usage error (bad flags or arguments)".to_owned(),
        ),
        (
            exit::WARNINGS_STRICT,
            "only warnings, and --strict was given".to_owned(),
        ),
    ];
    for layer in Layer::PRECEDENCE {
        if let Some(code) = layer.exit_code() {
            rows.push((code, format!("{} ({})", layer.meaning(), layer.families())));
        }
    }
    rows.sort_by_key(|(code, _)| *code);
    let mut text = String::from("Exit codes:\n");
    for (code, meaning) in rows {
        text.push_str(&format!("  {code:>2}  {meaning}\n"));
    }
    let order: Vec<&str> = Layer::PRECEDENCE.iter().map(|l| l.as_str()).collect();
    text.push_str(&format!(
        "When several layers fail, the code is the first failing layer in this order:\n{}.",
        order.join(", ")
    ));
    text
}

/// Default deadline for each network step, in seconds.
pub const DEFAULT_TIMEOUT: f64 = 30.0;
/// Default deadline for a whole streamed answer, in seconds.
pub const DEFAULT_STREAM_TIMEOUT: f64 = 150.0;
/// Default longest silence inside a stream, in seconds.
pub const DEFAULT_IDLE_TIMEOUT: f64 = 130.0;

/// The environment variables tlcheck reads.
pub const ENVIRONMENT: &str = "\
Environment:
  TENSORLOOP_KEY, OPENAI_API_KEY            the key (first one set wins)
  TENSORLOOP_BASE_URL, OPENAI_BASE_URL      the base URL
  TENSORLOOP_MODEL                          the model
  A .env file in the working directory is read for the same names (never exported).
  HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY   proxies (lowercase forms first)
  SSL_CERT_FILE, SSL_CERT_DIR               CA certificates instead of the system's (Linux)
  NO_COLOR, CLICOLOR_FORCE                  colour, when --color is auto
  CI                                        no prompt, spinner or colour (unless asked)
  GITHUB_STEP_SUMMARY                       --format github appends a Markdown summary here";

/// Examples for the top-level help and the man page.
pub const EXAMPLES: &str = "\
Examples:
  tlcheck                                   interactive: \"what are you seeing?\" (on a terminal)
  tlcheck doctor                            the whole tree, first failing layer first
  tlcheck doctor --no-spend --format json   free checks only, one JSON document (CI)
  tlcheck report --output ticket.md         a Markdown report to paste into a support ticket
  tlcheck chat -v --curl                    the wire: each request and answer, and curl to redo it
  tlcheck header 'Authorization: bearer sk-...'
  curl -si $URL/v1/models -H \"Authorization: Bearer $TENSORLOOP_KEY\" | tlcheck classify
  tlcheck explain budget.exhausted";

/// A doctor for TensorLoop API integrations: finds the first layer that fails and prints the fix.
#[derive(Debug, Parser)]
#[command(
    name = "tlcheck",
    version,
    after_help = format!("{EXAMPLES}\n\n{}\n\n{ENVIRONMENT}\n\nRun `tlcheck explain` for every finding code, its cause and its fix.", exit_codes()),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// The interactive mode's inputs (`tlcheck --model gpt-4o`, with no command).
    #[command(flatten)]
    pub live: LiveArgs,

    /// Without a command, on a terminal: asks what you are seeing and runs the matching checks.
    /// Off a terminal, in CI or with --no-input: prints this help and exits 2.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The flags every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use colour in human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Never prompt (also implied when CI is set or stdin/stderr is not a terminal)
    #[arg(long, global = true)]
    pub no_input: bool,

    /// Show each request and answer on stderr (in JSON: `checks[].trace`); -vv: whole bodies
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// Where a report goes and how it is judged, whatever its format.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct Destination {
    /// Write the report to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write the JSON document to FILE, whatever the format (one run, two reports: CI)
    #[arg(long, value_name = "FILE")]
    pub json_report: Option<PathBuf>,

    /// Exit 3 when there are warnings but no failures
    #[arg(long)]
    pub strict: bool,
}

/// A report's format and destination.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub to: Destination,
}

/// Doctor's output: every format, and the metrics exposition for one-shot use.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct DoctorOutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = DoctorFormat::Human)]
    pub format: DoctorFormat,

    #[command(flatten)]
    pub to: Destination,
}

impl From<DoctorOutputArgs> for OutputArgs {
    fn from(o: DoctorOutputArgs) -> OutputArgs {
        OutputArgs {
            format: o.format.into(),
            to: o.to,
        }
    }
}

/// A support report's output: Markdown unless a machine format is asked for.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct ReportOutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,

    #[command(flatten)]
    pub to: Destination,
}

impl From<ReportOutputArgs> for OutputArgs {
    fn from(o: ReportOutputArgs) -> OutputArgs {
        OutputArgs {
            format: o.format.into(),
            to: o.to,
        }
    }
}

/// How requests go over the network.
#[derive(Debug, Args)]
#[command(next_help_heading = "Network")]
pub struct NetArgs {
    /// Deadline for each network step, in seconds
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT, value_parser = parse_seconds)]
    pub timeout: f64,

    /// Also trust the CA certificates in FILE (PEM), such as a TLS-inspecting proxy's root
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,

    /// Print a curl command that reproduces each request (the key as "$TENSORLOOP_KEY")
    #[arg(long)]
    pub curl: bool,
}

/// How long a streamed answer may take.
#[derive(Debug, Args)]
#[command(next_help_heading = "Stream")]
pub struct StreamArgs {
    /// Deadline for a whole streamed answer, in seconds (above the idle timeout, so a stall is
    /// told from a slow stream)
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_STREAM_TIMEOUT, value_parser = parse_seconds)]
    pub stream_timeout: f64,

    /// Longest time without an event inside a stream, in seconds (keepalive comments do not
    /// count). The default waits past the common proxy idle limits (30, 60, 100–125 s), so a
    /// proxy's cut is seen rather than pre-empted
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_IDLE_TIMEOUT, value_parser = parse_seconds)]
    pub idle_timeout: f64,
}

/// What `monitor` runs when, where it serves, and how it logs.
#[derive(Debug, Args)]
#[command(next_help_heading = "Schedule")]
pub struct ScheduleArgs {
    /// The address to serve on (only there)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:9464")]
    pub listen: std::net::SocketAddr,

    /// Seconds between runs of the free checks
    #[arg(long, value_name = "SECS", default_value_t = 60.0, value_parser = parse_interval)]
    pub interval: f64,

    /// Seconds between runs that include the billed chat and stream probes
    #[arg(long, value_name = "SECS", default_value_t = 900.0, value_parser = parse_interval)]
    pub spend_interval: f64,

    /// Never send a billed request
    #[arg(long)]
    pub no_spend: bool,

    /// A TOML file listing the targets (`[[target]]` with name, base_url, model, and key_file or
    /// key_env); without it, one target named `default` from the usual inputs
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// How each run is logged on stderr: one line of text, or one JSON object
    #[arg(long, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    pub log_format: LogFormat,
}

/// Everything a command that talks to the gateway takes.
#[derive(Debug, Args)]
pub struct LiveArgs {
    #[command(flatten)]
    pub inputs: InputFlags,
    #[command(flatten)]
    pub net: NetArgs,
    #[command(flatten)]
    pub stream: StreamArgs,
}

/// Where the key, base URL and model come from (flags win over the environment and `.env`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Inputs")]
pub struct InputFlags {
    /// Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Model to check [env: TENSORLOOP_MODEL] [default: gpt-4o-mini]
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,

    #[command(flatten)]
    pub key: KeyFlags,

    /// Send no key: check a route of your own backend that adds the key itself (its URL in
    /// --base-url). The models and stream checks run without a key; any key configured is unused
    #[arg(long, conflicts_with_all = ["key", "key_file"])]
    pub no_key: bool,

    /// With --no-key and a key in the environment or a key file: also stream through this
    /// gateway with the key, to compare your route with it [default: https://litellm.tensorloop.tech/v1]
    #[arg(long, value_name = "URL", requires = "no_key")]
    pub gateway: Option<String>,
}

/// Where the key comes from, for a command that needs only the key.
#[derive(Debug, Args)]
#[command(next_help_heading = "Inputs")]
pub struct KeyFlags {
    /// Read the key from a file [otherwise env: TENSORLOOP_KEY, OPENAI_API_KEY]
    #[arg(long, value_name = "PATH", conflicts_with = "key")]
    pub key_file: Option<PathBuf>,

    /// The key itself. Visible in the process list: prefer TENSORLOOP_KEY or --key-file
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
}

/// The base URL alone, for `url`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Inputs")]
pub struct BaseUrlFlag {
    /// Base URL of the gateway [env: TENSORLOOP_BASE_URL, OPENAI_BASE_URL] [default: https://litellm.tensorloop.tech/v1]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk the whole tree: key, base URL, network, gateway, models, key info, a chat probe
    #[command(after_help = "\
Examples:
  tlcheck doctor
  tlcheck doctor --no-spend                  # free checks only: no billed request
  tlcheck doctor --model gpt-4o --format json
  TENSORLOOP_BASE_URL=http://127.0.0.1:4000/v1 tlcheck doctor")]
    Doctor {
        /// Skip every billed request (the chat and stream probes)
        #[arg(long)]
        no_spend: bool,
        #[command(flatten)]
        output: DoctorOutputArgs,
        #[command(flatten)]
        live: LiveArgs,
    },

    /// Run doctor and print a Markdown report to paste into a support ticket (the key never shown)
    #[command(after_help = "\
Examples:
  tlcheck report > ticket.md
  tlcheck report --output ticket.md --no-spend")]
    Report {
        /// Skip every billed request (the chat and stream probes)
        #[arg(long)]
        no_spend: bool,
        #[command(flatten)]
        output: ReportOutputArgs,
        #[command(flatten)]
        live: LiveArgs,
    },

    /// List the models this key may use, the target marked, near misses named
    #[command(after_help = "\
Examples:
  tlcheck models
  tlcheck models --model GPT-4o-mini          # suggests the exact id")]
    Models {
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        inputs: InputFlags,
        #[command(flatten)]
        net: NetArgs,
    },

    /// Send one minimal chat completion (1 output token; billed) and classify the answer
    #[command(after_help = "\
Examples:
  tlcheck chat
  tlcheck chat --model gpt-4o")]
    Chat {
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        inputs: InputFlags,
        #[command(flatten)]
        net: NetArgs,
    },

    /// Send one small streamed completion (billed): does it reach `data: [DONE]`, and if not, why
    #[command(after_help = "\
Examples:
  tlcheck stream
  tlcheck stream --idle-timeout 5 --stream-timeout 30

Verdicts: [DONE] reached (pass); stream.error_event; stream.cut (the connection broke);
stream.no_done (ended, stalled or ran past a deadline without [DONE]); stream.not_sse (a JSON error
instead of a stream); stream.buffered (all events in one burst after a silence).")]
    Stream {
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        live: LiveArgs,
    },

    /// Classify a pasted response or what a client printed: `curl -i`/`curl -v`/HTTPie output, a JSON body, an SSE transcript, an SDK traceback or error dump, a log line (offline)
    #[command(after_help = "\
Examples:
  curl -si https://litellm.tensorloop.tech/v1/models -H \"Authorization: Bearer $TENSORLOOP_KEY\" | tlcheck classify
  tlcheck classify error.json --status 429
  python app.py 2>&1 | tlcheck classify
  pbpaste | tlcheck classify -")]
    Classify {
        /// File to read; stdin when absent or `-`
        file: Option<PathBuf>,

        /// The HTTP status, when the input is a bare JSON body (otherwise read from `error.code`)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(100..600))]
        status: Option<u16>,

        #[command(flatten)]
        output: OutputArgs,
    },

    /// Lint an Authorization header (offline)
    #[command(after_help = "\
Examples:
  tlcheck header 'Authorization: Bearer sk-...'
  tlcheck header \"-H 'Authorization: bearer $TENSORLOOP_KEY'\"
  pbpaste | tlcheck header -
  tlcheck header              # the header tlcheck would send with the configured key")]
    Header {
        /// `Authorization: Bearer x`, `Bearer x`, a curl `-H '...'` argument or command, or a bare
        /// value; `-` reads it from stdin. Without it, the header built from the configured key.
        #[arg(allow_hyphen_values = true)]
        value: Option<String>,

        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        key: KeyFlags,
    },

    /// Check a base URL: the rules (offline), then DNS, connect and "is this the gateway?"
    #[command(after_help = "\
Examples:
  tlcheck url https://litellm.tensorloop.tech/v1
  tlcheck url https://api.tensorloop.tech       # no such host, missing /v1
  tlcheck url --offline https://tensorloop.tech  # the rules only, no network
  tlcheck url                                    # the configured base URL")]
    Url {
        /// The base URL to check. Without it, the configured one (--base-url, TENSORLOOP_BASE_URL,
        /// OPENAI_BASE_URL, .env, default).
        url: Option<String>,

        /// Apply the rules only; open no connection
        #[arg(long)]
        offline: bool,

        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        base_url: BaseUrlFlag,
        #[command(flatten)]
        net: NetArgs,
    },

    /// Run the doctor's checks on a schedule and serve them to Prometheus (`/metrics`, `/probe`)
    #[command(after_help = "\
Examples:
  tlcheck monitor                                   # the configured target, on 127.0.0.1:9464
  tlcheck monitor --no-spend --interval 30          # free checks only, twice a minute
  tlcheck monitor --config targets.toml --listen 0.0.0.0:9464 --log-format json

Endpoints: GET /metrics (Prometheus text; OpenMetrics when Accept asks for it),
GET /probe?target=NAME (run the free checks of one target now, blackbox_exporter style),
GET /healthz. SIGTERM or SIGINT stops it (exit 0). The key is never in a URL, label, metric or
log line.")]
    Monitor {
        #[command(flatten)]
        schedule: ScheduleArgs,
        #[command(flatten)]
        live: LiveArgs,
    },

    /// Explain finding codes: what causes each and how to fix it (offline)
    #[command(after_help = "\
Examples:
  tlcheck explain                    # the whole catalog, grouped by layer
  tlcheck explain budget.exhausted
  tlcheck explain rate               # one family")]
    Explain {
        /// A finding code (`auth.invalid_key`) or a family (`auth`). Without it, every code.
        code: Option<String>,

        /// Output format
        #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
        format: ExplainFormat,

        /// Write the explanation to FILE instead of stdout
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err("expected a number of seconds between 0 and 3600, such as 30 or 2.5".to_owned()),
    }
}

/// A schedule's interval: from 1 second to a day.
fn parse_interval(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if (1.0..=86400.0).contains(&s) => Ok(s),
        _ => Err("expected a number of seconds between 1 and 86400, such as 60".to_owned()),
    }
}

/// How `monitor` logs its runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line of text per run
    Text,
    /// One JSON object per line per run
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable, coloured report
    Human,
    /// One JSON document on stdout
    Json,
    /// A Markdown report to paste into a support ticket
    Markdown,
    /// JUnit XML: one test case per check
    Junit,
    /// GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY
    Github,
    /// Prometheus metrics (OpenMetrics text; `doctor` only)
    #[value(skip)]
    Openmetrics,
}

/// The formats of `doctor`: every report format, and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    /// Readable, coloured report
    Human,
    /// One JSON document on stdout
    Json,
    /// A Markdown report to paste into a support ticket
    Markdown,
    /// JUnit XML: one test case per check
    Junit,
    /// GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY
    Github,
    /// Prometheus metrics in the OpenMetrics text format (node_exporter's textfile collector, a
    /// Pushgateway)
    Openmetrics,
}

impl From<DoctorFormat> for Format {
    fn from(f: DoctorFormat) -> Format {
        match f {
            DoctorFormat::Human => Format::Human,
            DoctorFormat::Json => Format::Json,
            DoctorFormat::Markdown => Format::Markdown,
            DoctorFormat::Junit => Format::Junit,
            DoctorFormat::Github => Format::Github,
            DoctorFormat::Openmetrics => Format::Openmetrics,
        }
    }
}

/// The formats of a support report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A Markdown report to paste into a support ticket
    Markdown,
    /// One JSON document on stdout
    Json,
    /// JUnit XML: one test case per check
    Junit,
    /// GitHub Actions workflow commands, and a summary in $GITHUB_STEP_SUMMARY
    Github,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Json => Format::Json,
            ReportFormat::Junit => Format::Junit,
            ReportFormat::Github => Format::Github,
        }
    }
}

/// The formats of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Readable text
    Human,
    /// One JSON document on stdout
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
