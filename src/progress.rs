//! Progress on stderr: one spinner per running check with its elapsed time, and a "still waiting
//! on …" line when one takes long. Shown only to a person at a terminal, never in CI.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// After this long, a running check earns a "still waiting on …" line.
pub const STILL_WAITING_AFTER: Duration = Duration::from_secs(5);

/// Spinners for the checks of one run; all no-ops when hidden.
#[derive(Clone)]
pub struct Progress {
    multi: Option<MultiProgress>,
    running: Arc<Mutex<Vec<Running>>>,
}

struct Running {
    id: u64,
    title: String,
    started: Instant,
    announced: bool,
}

impl Progress {
    /// Visible only when wanted (human output), stderr is a terminal, and `CI` is unset.
    pub fn new(wanted: bool) -> Self {
        let visible = wanted && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress {
            multi: visible.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
            running: Arc::default(),
        }
    }

    pub fn is_visible(&self) -> bool {
        self.multi.is_some()
    }

    /// Start a spinner for a check; it disappears when the returned guard is dropped.
    pub fn start(&self, title: &str) -> Spinner {
        let Some(multi) = &self.multi else {
            return Spinner {
                bar: None,
                id: 0,
                running: self.running.clone(),
            };
        };
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(title.to_owned());
        bar.enable_steady_tick(Duration::from_millis(100));
        let mut running = self.running.lock().expect("progress state");
        let id = running.iter().map(|r| r.id).max().unwrap_or(0) + 1;
        running.push(Running {
            id,
            title: title.to_owned(),
            started: Instant::now(),
            announced: false,
        });
        Spinner {
            bar: Some(bar),
            id,
            running: self.running.clone(),
        }
    }

    /// Print "still waiting on …" once for each check running longer than `after`.
    pub fn nag(&self, after: Duration) {
        let Some(multi) = &self.multi else { return };
        let mut running = self.running.lock().expect("progress state");
        for r in running
            .iter_mut()
            .filter(|r| !r.announced && r.started.elapsed() >= after)
        {
            r.announced = true;
            let _ = multi.println(format!(
                "still waiting on {} ({} s so far; --timeout bounds each step)",
                r.title,
                r.started.elapsed().as_secs()
            ));
        }
    }
}

/// A running check's spinner.
pub struct Spinner {
    bar: Option<ProgressBar>,
    id: u64,
    running: Arc<Mutex<Vec<Running>>>,
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
            if let Ok(mut running) = self.running.lock() {
                running.retain(|r| r.id != self.id);
            }
        }
    }
}
