//! The checked-in shell completions and man pages: how they are generated from the clap
//! definition, and the test that fails when the files in `completions/` and `man/` are stale.
//!
//! Refresh them with `cargo test --test cli generated::regenerate -- --ignored`.

use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use roff::{Roff, roman};
use std::path::{Path, PathBuf};
use tlcheck::cli::Cli;

const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// Every generated file: its path relative to the project root, and its content.
fn generated_files() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for shell in SHELLS {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "tlcheck", &mut buf);
        let path = Path::new("completions").join(shell.file_name("tlcheck"));
        files.push((path, String::from_utf8(buf).expect("completions are UTF-8")));
    }
    let mut top = Cli::command().disable_help_subcommand(true);
    top.build();
    let pages: Vec<String> = top
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_display_name().unwrap_or(c.get_name()).to_owned())
        .collect();
    files.push((Path::new("man").join("tlcheck.1"), man_page(&top, &pages)));
    for sub in top.get_subcommands().filter(|c| !c.is_hide_set()) {
        let name = sub.get_display_name().unwrap_or(sub.get_name());
        let page = man_page(sub, &["tlcheck".to_owned()]);
        files.push((Path::new("man").join(format!("{name}.1")), page));
    }
    files
}

/// One man page: clap_mangen's sections, then the help's trailing blocks as sections of their
/// own (`Examples:` → EXAMPLES, `Exit codes:` → EXIT STATUS, `Environment:` → ENVIRONMENT, any
/// other paragraph under NOTES), then SEE ALSO.
fn man_page(cmd: &clap::Command, see_also: &[String]) -> String {
    let after_help = cmd
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone().after_help(None::<&str>))
        .render(&mut page)
        .unwrap();
    let page = String::from_utf8(page).expect("man page is UTF-8");
    // clap_mangen leaves an empty date unquoted, which shifts the source and manual into the
    // wrong .TH fields; write the title line whole.
    let name = cmd.get_display_name().unwrap_or(cmd.get_name());
    let title = format!(
        ".TH {name} 1 \"\" \"tlcheck {}\" \"tlcheck manual\"",
        env!("CARGO_PKG_VERSION")
    );
    let page: Vec<&str> = page
        .lines()
        .map(|line| {
            if line.starts_with(".TH ") {
                &title
            } else {
                line
            }
        })
        .collect();
    let page = page.join("\n") + "\n";

    let mut extra = Roff::new();
    let mut notes = Vec::new();
    for block in after_help.split("\n\n") {
        let mut lines = block.lines();
        let first = lines.next().unwrap_or_default();
        let heading = match first.strip_suffix(':') {
            Some("Exit codes") => "EXIT STATUS".to_owned(),
            Some(heading) => heading.to_uppercase(),
            None => {
                notes.push(block.split_whitespace().collect::<Vec<_>>().join(" "));
                continue;
            }
        };
        extra.control("SH", [heading.as_str()]).control("nf", []);
        for line in lines {
            extra.text([roman(line)]);
        }
        extra.control("fi", []);
    }
    if !notes.is_empty() {
        extra.control("SH", ["NOTES"]);
        for note in notes {
            extra.control("PP", []).text([roman(note)]);
        }
    }
    let see_also: Vec<String> = see_also.iter().map(|p| format!("{p}(1)")).collect();
    extra
        .control("SH", ["SEE ALSO"])
        .control("nh", [])
        .text([roman(see_also.join(", "))]);
    // Each rendering repeats roff's preamble; the page already has it. The sections go before
    // VERSION, which clap_mangen puts last.
    let extra = extra.render();
    let extra = &extra[extra.find(".SH").expect("a section")..];
    match page.find(".SH VERSION") {
        Some(at) => format!("{}{extra}{}", &page[..at], &page[at..]),
        None => page + extra,
    }
}

fn project_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn checked_in_completions_and_man_pages_are_current() {
    let mut stale = Vec::new();
    for (path, expected) in generated_files() {
        let actual = std::fs::read_to_string(project_root().join(&path)).unwrap_or_default();
        if actual != expected {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}\n\
         refresh them with `cargo test --test cli generated::regenerate -- --ignored`"
    );
}

#[test]
fn man_page_has_the_contract_sections() {
    let files = generated_files();
    let (_, top) = files
        .iter()
        .find(|(p, _)| p.ends_with("tlcheck.1"))
        .expect("the top-level page");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH EXAMPLES",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH \"SEE ALSO\"",
    ] {
        assert!(top.contains(section), "tlcheck.1 lacks {section}");
    }
    // The exit-code table and the variables come from the same text `--help` prints.
    for fact in [
        "15  budget exhausted",
        "TENSORLOOP_KEY",
        "GITHUB_STEP_SUMMARY",
    ] {
        assert!(top.contains(fact), "tlcheck.1 lacks {fact:?}");
    }
    let doctor = files
        .iter()
        .find(|(p, _)| p.ends_with("tlcheck-doctor.1"))
        .map(|(_, page)| page)
        .expect("a page for doctor");
    assert!(doctor.contains(".SH EXAMPLES") && doctor.contains("tlcheck doctor \\-\\-no\\-spend"));
}

#[test]
fn completions_offer_every_command_and_format() {
    for (path, text) in generated_files()
        .iter()
        .filter(|(p, _)| p.starts_with("completions"))
    {
        for word in ["doctor", "classify", "explain", "no-spend", "cacert"] {
            assert!(text.contains(word), "{} lacks {word}", path.display());
        }
        // PowerShell and elvish completions name flags, not their values.
        if !path.ends_with("_tlcheck.ps1") && !path.ends_with("tlcheck.elv") {
            assert!(
                text.contains("junit"),
                "{} lacks --format values",
                path.display()
            );
        }
    }
}

/// Write the generated files into the project (run on purpose, never by `cargo test`).
#[test]
#[ignore = "writes completions/ and man/; run it to refresh them"]
fn regenerate() {
    for (path, text) in generated_files() {
        let path = project_root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// README's exit-code table says what `--help` and the man page say, which the catalog's layers
/// generate: one definition.
#[test]
fn readme_exit_codes_match_the_generated_table() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let section = readme
        .split("## Exit codes")
        .nth(1)
        .expect("an exit-code section")
        .split("\n## ")
        .next()
        .unwrap();
    let in_readme: Vec<(String, String)> = section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let code: u8 = cells.first()?.parse().ok()?;
            Some((code.to_string(), cells.get(1)?.replace('`', "")))
        })
        .collect();
    let generated: Vec<(String, String)> = tlcheck::cli::exit_codes()
        .lines()
        .filter_map(|l| {
            let (code, meaning) = l.trim().split_once("  ")?;
            code.parse::<u8>().ok()?;
            Some((code.to_owned(), meaning.trim().to_owned()))
        })
        .collect();
    assert_eq!(
        in_readme.len(),
        generated.len(),
        "{in_readme:#?}\n{generated:#?}"
    );
    for ((code, readme), (gen_code, generated)) in in_readme.iter().zip(&generated) {
        assert_eq!(code, gen_code);
        assert!(
            readme.starts_with(generated.as_str()),
            "exit {code}: README says {readme:?}, tlcheck says {generated:?}"
        );
    }
}
