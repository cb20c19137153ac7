//! Where text leaves the process: colour decided once, every byte through the redactor, a last
//! guard against printing a secret, and quiet handling of a closed pipe.

use crate::cli::ColorChoice;
use crate::redact::Redactor;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

/// Decide whether to colour, from the flag, `NO_COLOR`, `CLICOLOR_FORCE` and the terminal.
pub fn use_color(
    choice: ColorChoice,
    env: &dyn Fn(&str) -> Option<String>,
    is_terminal: bool,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                true
            } else {
                // In CI there is no colour unless asked, even where the log is a terminal.
                is_terminal && env("CI").is_none()
            }
        }
    }
}

/// Apply the colour decision for everything printed from now on.
pub fn set_color(choice: ColorChoice) {
    let env = &crate::inputs::process_env;
    let on = use_color(choice, env, io::stdout().is_terminal());
    colored::control::set_override(on);
    // Prompts and spinners follow `console`, which decides apart from `colored`.
    console::set_colors_enabled(on);
    console::set_colors_enabled_stderr(use_color(choice, env, io::stderr().is_terminal()));
}

/// Set when standard output was closed at start (see the binary's initialiser).
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Record that standard output was closed when the process started: a report written there
/// would be lost, so writing it fails (exit 1).
pub fn stdout_was_closed() {
    STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Writes to stdout, redacted.
#[derive(Clone)]
pub struct Output {
    redactor: Redactor,
    /// The text is one JSON document, redacted value by value before it was serialised: it is
    /// only checked here, never rewritten (rewriting serialised JSON can break it).
    json: bool,
}

impl Output {
    pub fn new(redactor: Redactor) -> Self {
        Output {
            redactor,
            json: false,
        }
    }

    /// Treat what is written as one JSON document (see the field).
    pub fn json(&self, json: bool) -> Self {
        Output {
            json,
            ..self.clone()
        }
    }

    /// Print `text` to stdout after redaction. Refuses (an error, exit 1) if a secret survived;
    /// a stdout that cannot take the text is an error too (exit 1): the report would be lost.
    pub fn stdout(&self, text: &str) -> anyhow::Result<()> {
        let clean = self.checked(text)?;
        if STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
            anyhow::bail!("cannot write the report: standard output is closed");
        }
        write_all(&mut io::stdout().lock(), clean.as_bytes())
            .map_err(|e| write_error(e, "the report to standard output"))
    }

    /// Write `text` to a file (created or replaced) after redaction. Failing to write it is an
    /// error (exit 1); the path itself was checked before the run ([`check_destination`]).
    pub fn file(&self, path: &Path, text: &str) -> anyhow::Result<()> {
        let clean = self.checked(text)?;
        std::fs::write(path, clean.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write the report to {}: {e}", path.display()))
    }

    /// Append `text` to a regular file (created if missing) after redaction.
    pub fn append(&self, path: &Path, text: &str) -> anyhow::Result<()> {
        let clean = self.checked(text)?;
        crate::files::check_appendable(path)
            .map_err(|e| crate::UsageError(format!("cannot append to {}: {e}", path.display())))?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
        file.write_all(clean.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write to {}: {e}", path.display()))?;
        Ok(())
    }

    fn checked<'a>(&self, text: &'a str) -> anyhow::Result<std::borrow::Cow<'a, str>> {
        if self.json {
            let doc: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| anyhow::anyhow!("refusing to print a broken JSON document: {e}"))?;
            if json_leaks(&doc, &self.redactor) {
                anyhow::bail!("refusing to write output that would contain the key");
            }
            return Ok(std::borrow::Cow::Borrowed(text));
        }
        let clean = self.redactor.redact(text);
        if self.redactor.leaks(&clean) {
            anyhow::bail!("refusing to write output that would contain the key");
        }
        Ok(clean)
    }

    /// Print `text` to stderr after redaction.
    pub fn stderr(&self, text: &str) -> anyhow::Result<()> {
        let clean = self.redactor.redact(text);
        if self.redactor.leaks(&clean) {
            anyhow::bail!("refusing to print a message that would contain the key");
        }
        write_quietly(&mut io::stderr().lock(), clean.as_bytes())
    }
}

/// Whether any string value of a JSON document holds a secret. (Its object keys are tlcheck's own
/// names; names from a server's answer were redacted with the values.)
pub(crate) fn json_leaks(v: &serde_json::Value, redactor: &Redactor) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => redactor.leaks(s),
        Value::Array(items) => items.iter().any(|i| json_leaks(i, redactor)),
        Value::Object(map) => map.values().any(|i| json_leaks(i, redactor)),
        _ => false,
    }
}

/// The report could not be written because its reader went away (`tlcheck … | head`): exit 1,
/// without a message nobody asked for.
#[derive(Debug)]
pub struct ReaderGone;

impl std::fmt::Display for ReaderGone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the reader of standard output went away")
    }
}

impl std::error::Error for ReaderGone {}

fn write_all(w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    w.write_all(bytes).and_then(|()| w.flush())
}

fn write_error(e: io::Error, what: &str) -> anyhow::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        ReaderGone.into()
    } else {
        anyhow::anyhow!("cannot write {what}: {e}")
    }
}

/// Check, before anything runs, that a report can be written to `path`: not a directory, in a
/// directory that exists. A usage error (exit 2) now beats a lost report after billed requests.
pub fn check_destination(path: &Path) -> Result<(), crate::UsageError> {
    let bad = |why: String| crate::UsageError(format!("cannot write to {}: {why}", path.display()));
    if path.is_dir() {
        return Err(bad("it is a directory".to_owned()));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(bad(format!("there is no directory {}", parent.display())));
    }
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        return Err(bad("it is read-only".to_owned()));
    }
    // A FIFO nobody reads would block the write forever: ask without waiting.
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        if std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
            && std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path)
                .is_err()
        {
            return Err(bad("it is a FIFO that nobody reads".to_owned()));
        }
    }
    Ok(())
}

/// Write all of `bytes`; a reader that went away (`tlcheck … | head`) is not an error.
fn write_quietly(w: &mut impl Write, bytes: &[u8]) -> anyhow::Result<()> {
    match w.write_all(bytes).and_then(|()| w.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Print an error that stopped tlcheck, with its causes, on stderr.
pub fn print_error(err: &anyhow::Error) {
    if err.is::<ReaderGone>() {
        return;
    }
    let mut text = format!("error: {err}\n");
    for cause in err.chain().skip(1) {
        text.push_str(&format!("  caused by: {cause}\n"));
    }
    let clean = crate::redact::redact(&text);
    let _ = write_quietly(
        &mut io::stderr().lock(),
        crate::render::printable(&clean).as_bytes(),
    );
}

/// Install a panic hook that prints the panic through the redactor, so that not even a panic
/// message can show the key.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let text = format!(
            "tlcheck panicked: {info}\nThis is a bug; please report it with the command that was run.\n"
        );
        let _ = write_quietly(
            &mut io::stderr().lock(),
            crate::redact::redact(&text).as_bytes(),
        );
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::inputs::env_of as env;

    #[test]
    fn colour_rules_in_order() {
        use ColorChoice::*;
        assert!(use_color(Always, &env(&[("NO_COLOR", "1")]), false));
        assert!(!use_color(Never, &env(&[("CLICOLOR_FORCE", "1")]), true));
        assert!(!use_color(
            Auto,
            &env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]),
            true
        ));
        assert!(use_color(Auto, &env(&[("NO_COLOR", "")]), true));
        assert!(use_color(Auto, &env(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(!use_color(Auto, &env(&[("CLICOLOR_FORCE", "0")]), false));
        assert!(!use_color(Auto, &env(&[]), false));
        assert!(use_color(Auto, &env(&[]), true));
        assert!(!use_color(Auto, &env(&[("CI", "true")]), true));
        assert!(use_color(
            Auto,
            &env(&[("CI", "true"), ("CLICOLOR_FORCE", "1")]),
            false
        ));
    }

    /// Every byte tlcheck writes goes through this module, so that the redactor sees it: no other
    /// source file may print directly.
    #[test]
    fn nothing_else_prints_directly() {
        fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("output.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        let code = line.split("//").next().unwrap_or("");
                        for mac in [
                            "println!",
                            "print!",
                            "eprintln!",
                            "eprint!",
                            "dbg!",
                            "io::stdout()",
                            "io::stderr()",
                        ] {
                            if code.contains(mac)
                                && !code.contains("is_terminal")
                                && !code.contains("Term::stderr")
                                && !code.contains("ProgressDrawTarget::stderr")
                            {
                                found.push(format!(
                                    "{}:{}: {}",
                                    path.display(),
                                    n + 1,
                                    line.trim()
                                ));
                            }
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        visit(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "write through output.rs instead:\n{}",
            found.join("\n")
        );
    }
}
