//! Progress on stderr: one spinner per running check, shown only to a person at a terminal.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Spinners for the checks of one run; all no-ops when hidden.
#[derive(Clone)]
pub struct Progress {
    multi: Option<MultiProgress>,
}

impl Progress {
    /// Visible only when asked for (human output), stderr is a terminal, and `CI` is unset.
    pub fn new(wanted: bool) -> Self {
        let visible = wanted && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress {
            multi: visible.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    pub fn hidden() -> Self {
        Progress { multi: None }
    }

    /// Start a spinner for a check; it disappears when the returned guard is dropped.
    pub fn start(&self, title: &str) -> Spinner {
        let Some(multi) = &self.multi else {
            return Spinner(None);
        };
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(title.to_owned());
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner(Some(bar))
    }
}

/// A running check's spinner.
pub struct Spinner(Option<ProgressBar>);

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}
