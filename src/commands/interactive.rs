//! `tlcheck` alone on a terminal: "What are you seeing?" with the troubleshooting page's symptoms,
//! then just the checks for the one chosen, or the explanation it needs. Off a terminal, in CI or
//! with `--no-input` it never prompts: it prints help and exits 2.

use super::Context;
use super::live::{self, Plan};
use crate::catalog::Code;
use crate::checks::ids::{CHAT, HEALTH, KEY_INFO, MODELS, STREAM};
use crate::cli::Cli;
use crate::output::Output;
use crate::redact::Redactor;
use crate::render;
use crate::report::exit;
use clap::CommandFactory;

/// What a symptom leads to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Action {
    /// These HTTP checks, after the key, URL and network checks.
    Checks(&'static [&'static str]),
    /// The base-URL rules, the network and the gateway's health; no key.
    BaseUrl,
    /// Print these explanations.
    Explain(&'static [Code]),
}

/// The page's symptoms, in its order, and what each one runs.
pub(crate) const SYMPTOMS: [(&str, Action); 9] = [
    (
        "Every call returns 401",
        Action::Checks(&[MODELS, KEY_INFO]),
    ),
    (
        "403 on a model that worked yesterday (sends one tiny billed request)",
        Action::Checks(&[MODELS, KEY_INFO, CHAT]),
    ),
    (
        "429 Too Many Requests (sends one tiny billed request)",
        Action::Checks(&[KEY_INFO, CHAT]),
    ),
    (
        "My spend looks wrong",
        Action::Explain(&[
            Code::SpendStreaming,
            Code::SpendFailedFree,
            Code::SpendRounding,
        ]),
    ),
    (
        "Streams disconnect early (sends one small billed stream)",
        Action::Checks(&[STREAM]),
    ),
    (
        "The OpenAI SDK can't find the model",
        Action::Checks(&[MODELS]),
    ),
    ("Base URL mistakes", Action::BaseUrl),
    (
        "CORS errors in the browser",
        Action::Explain(&[Code::CorsBrowser]),
    ),
    (
        "Not sure: check everything (sends tiny billed requests)",
        Action::Checks(&[HEALTH, MODELS, KEY_INFO, CHAT, STREAM]),
    ),
];

pub(super) fn run(ctx: &Context) -> anyhow::Result<u8> {
    if !ctx.can_prompt {
        let help = Cli::command().render_help();
        let help = if console::colors_enabled_stderr() {
            help.ansi().to_string()
        } else {
            help.to_string()
        };
        Output::new(Redactor::new()).stderr(&help)?;
        return Ok(exit::USAGE);
    }
    let items: Vec<&str> = SYMPTOMS.iter().map(|(label, _)| *label).collect();
    let terminal = crate::terminal::guard();
    let choice = dialoguer::Select::with_theme(&dialoguer::theme::ColorfulTheme::default())
        .with_prompt("What are you seeing?")
        .items(&items)
        .default(0)
        .interact_on_opt(&console::Term::stderr())?;
    drop(terminal);
    let Some(index) = choice else {
        return Ok(exit::OK);
    };
    match SYMPTOMS[index].1 {
        Action::Checks(checks) => live::run(
            ctx,
            "interactive",
            Plan {
                key: true,
                checks,
                no_spend: false,
            },
            None,
        ),
        Action::BaseUrl => live::run(
            ctx,
            "interactive",
            Plan {
                key: false,
                checks: &[HEALTH],
                no_spend: true,
            },
            None,
        ),
        Action::Explain(codes) => {
            let text: Vec<String> = codes
                .iter()
                .map(|c| render::human::entry(c.entry()))
                .collect();
            ctx.emit(&Output::new(Redactor::new()), &text.join("\n"))?;
            Ok(exit::OK)
        }
    }
}
