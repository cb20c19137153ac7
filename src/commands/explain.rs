//! `tlcheck explain [CODE]`: the catalog, one family, or one code; unknown codes exit 2.

use super::Context;
use crate::catalog::Code;
use crate::checks::header::edit_distance;
use crate::cli::ExplainFormat;
use crate::output::Output;
use crate::redact::Redactor;
use crate::render;
use crate::report::exit;

pub(super) fn run(
    ctx: &Context,
    asked: Option<String>,
    format: ExplainFormat,
) -> anyhow::Result<u8> {
    let out = Output::new(Redactor::new());
    let codes: Vec<Code> = match asked.as_deref().map(|a| a.trim().to_ascii_lowercase()) {
        None => Code::ALL.to_vec(),
        Some(name) => match lookup(&name) {
            Some(codes) => codes,
            None => {
                out.stderr(&render::human::unknown_code(&name, &nearest(&name)))?;
                return Ok(exit::USAGE);
            }
        },
    };
    let text = match (format, codes.as_slice()) {
        (ExplainFormat::Json, _) => render::json::catalog(&codes),
        (ExplainFormat::Human, [one]) if asked.as_deref().is_some_and(|a| a.contains('.')) => {
            render::human::entry(one.entry())
        }
        (ExplainFormat::Human, _) => render::human::catalog(&codes),
    };
    ctx.emit(&out, &text)?;
    Ok(exit::OK)
}

/// A code, or every code of a family (`rate`, `rate.`).
fn lookup(name: &str) -> Option<Vec<Code>> {
    if let Some(code) = Code::parse(name) {
        return Some(vec![code]);
    }
    let family = name.trim_end_matches(['.', '*']);
    let codes: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| c.as_str().split('.').next() == Some(family))
        .collect();
    (!codes.is_empty()).then_some(codes)
}

/// The codes closest to a mistyped one: by edit distance to the whole code or to its name part.
fn nearest(name: &str) -> Vec<Code> {
    let mut scored: Vec<(usize, Code)> = Code::ALL
        .iter()
        .map(|c| {
            let full = c.as_str();
            let part = full.split_once('.').map_or(full, |(_, p)| p);
            let asked_part = name.split_once('.').map_or(name, |(_, p)| p);
            let distance = if full.starts_with(name) {
                0
            } else {
                edit_distance(name, full).min(edit_distance(asked_part, part) + 1)
            };
            (distance, *c)
        })
        .collect();
    scored.sort();
    let best = scored[0].0;
    scored
        .into_iter()
        .take_while(|(d, _)| *d <= best + 1)
        .take(5)
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_codes() {
        assert_eq!(lookup("key.missing"), Some(vec![Code::KeyMissing]));
        assert_eq!(lookup("rate").unwrap().len(), 5);
        assert_eq!(lookup("spend.").unwrap().len(), 3);
        assert_eq!(lookup("nope"), None);
    }

    #[test]
    fn nearest_finds_typos_and_bare_names() {
        assert_eq!(nearest("key.mising")[0], Code::KeyMissing);
        assert_eq!(nearest("expired_key")[0], Code::AuthExpiredKey);
        assert_eq!(nearest("budget.exceeded")[0], Code::BudgetExhausted);
        assert_eq!(nearest("auth.expired")[0], Code::AuthExpiredKey);
    }
}
