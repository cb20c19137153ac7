//! `tlcheck` alone on a terminal: "What are you seeing?" with the troubleshooting page's symptoms,
//! then just the checks for the one chosen, or the explanation it needs. Off a terminal, in CI or
//! with `--no-input` it never prompts: it prints help and exits 2.

use super::Context;
use super::live;
use crate::catalog::Code;
use crate::checks::Live::{self, Chat, Health, KeyInfo, Models, Stream};
use crate::cli::Cli;
use crate::engine::Plan;
use crate::output::Output;
use crate::redact::Redactor;
use crate::render;
use crate::report::exit;
use clap::CommandFactory;

/// What a symptom leads to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Action {
    /// These HTTP checks, after the key, URL and network checks.
    Checks(&'static [Live]),
    /// These HTTP checks, for a model the user names first (picked from the key's list when the
    /// key works).
    ModelChecks(&'static [Live]),
    /// The base-URL rules, the network and the gateway's health; no key.
    BaseUrl,
    /// Print these explanations.
    Explain(&'static [Code]),
}

/// The page's symptoms, in its order, and what each one runs.
pub(crate) const SYMPTOMS: [(&str, Action); 9] = [
    ("Every call returns 401", Action::Checks(&[Models, KeyInfo])),
    (
        "403 on a model that worked yesterday (sends one tiny billed request)",
        Action::ModelChecks(&[Models, KeyInfo, Chat]),
    ),
    (
        "429 Too Many Requests (sends one tiny billed request)",
        Action::Checks(&[KeyInfo, Chat]),
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
        Action::Checks(&[Stream]),
    ),
    (
        "The OpenAI SDK can't find the model",
        Action::ModelChecks(&[Models]),
    ),
    ("Base URL mistakes", Action::BaseUrl),
    (
        "CORS errors in the browser",
        Action::Explain(&[Code::CorsBrowser]),
    ),
    (
        "Not sure: check everything (sends tiny billed requests)",
        Action::Checks(&[Health, Models, KeyInfo, Chat, Stream]),
    ),
];

pub(super) fn run(mut ctx: Context) -> anyhow::Result<u8> {
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
    let checks = match SYMPTOMS[index].1 {
        Action::ModelChecks(checks) => {
            ctx.inputs.model = ask_for_the_model(&ctx)?;
            Some(checks)
        }
        Action::Checks(checks) => Some(checks),
        _ => None,
    };
    if let Some(checks) = checks {
        Output::new(Redactor::new()).stderr(&announce(checks))?;
    }
    let ctx = &ctx;
    match SYMPTOMS[index].1 {
        Action::Checks(checks) | Action::ModelChecks(checks) => live::run(
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
                checks: &[Health],
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

/// Ask which model the user's code asks for: from the key's own list when the key works (with a
/// way to type another), else typed, the configured model as the default.
fn ask_for_the_model(ctx: &Context) -> anyhow::Result<Option<String>> {
    // The run itself resolves the inputs again and says their warnings: say them once.
    let quiet = Context {
        input_warnings: false,
        ..ctx.clone()
    };
    let target = quiet.resolve_target()?;
    let configured = target
        .model
        .as_ref()
        .map(|m| m.value.clone())
        .unwrap_or_else(|| crate::catalog::DEFAULT_MODEL.to_owned());
    let term = console::Term::stderr();
    let theme = dialoguer::theme::ColorfulTheme::default();
    if let Some(listed) = live::listed_models(&quiet, target) {
        const ANOTHER: &str = "Another model (type its id)";
        let mut items = listed.clone();
        items.push(ANOTHER.to_owned());
        let default = listed.iter().position(|id| *id == configured).unwrap_or(0);
        let Some(i) = dialoguer::Select::with_theme(&theme)
            .with_prompt("Which model does your code ask for? (the models this key lists)")
            .items(&items)
            .default(default)
            .interact_on_opt(&term)?
        else {
            return Ok(None);
        };
        if i < listed.len() {
            return Ok(Some(listed[i].clone()));
        }
    }
    let typed: String = dialoguer::Input::with_theme(&theme)
        .with_prompt("Which model does your code ask for?")
        .default(configured)
        .interact_text_on(&term)?;
    Ok(Some(typed.trim().to_owned()).filter(|m| !m.is_empty()))
}

/// What a choice will send, before it is sent: the free checks, and the billed ones named.
fn announce(checks: &[Live]) -> String {
    let (billed, free): (Vec<&Live>, Vec<&Live>) = checks.iter().partition(|c| c.spec().billed);
    let ids = |list: Vec<&Live>| list.iter().map(|c| c.id()).collect::<Vec<_>>();
    let (billed, free) = (ids(billed), ids(free));
    let mut text = String::new();
    if !free.is_empty() {
        text.push_str(&format!("Runs {} (free)", free.join(", ")));
    }
    if !billed.is_empty() {
        if !text.is_empty() {
            text.push_str(", then ");
        } else {
            text.push_str("Runs ");
        }
        text.push_str(&format!(
            "{} (billed: the smallest request that proves the point)",
            billed.join(" and ")
        ));
    }
    text.push_str(".\n");
    text
}
