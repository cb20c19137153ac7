//! The terminal as tlcheck found it, given back on every way out of a prompt or the menu: when
//! the prompt ends, when it fails, and when an interrupt (Ctrl-C, SIGINT, SIGTERM, SIGHUP) ends
//! the process, echo, line mode and the cursor are restored.

/// While held, an interrupt restores the terminal before the process ends; dropping it restores
/// the terminal too.
pub struct Guard(());

/// Remember the terminal's settings now, and restore them on every way out.
pub fn guard() -> Guard {
    imp::remember();
    Guard(())
}

impl Drop for Guard {
    fn drop(&mut self) {
        imp::restore();
    }
}

#[cfg(unix)]
mod imp {
    use std::sync::OnceLock;

    /// The terminal's descriptor and its settings as tlcheck found them.
    static SAVED: OnceLock<(libc::c_int, libc::termios)> = OnceLock::new();

    pub fn remember() {
        let Some(fd) = [libc::STDIN_FILENO, libc::STDERR_FILENO]
            .into_iter()
            .find(|fd| unsafe { libc::isatty(*fd) } == 1)
        else {
            return;
        };
        let mut settings = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills the struct when it returns 0.
        if unsafe { libc::tcgetattr(fd, settings.as_mut_ptr()) } != 0 {
            return;
        }
        // SAFETY: initialised by tcgetattr above.
        let settings = unsafe { settings.assume_init() };
        if SAVED.set((fd, settings)).is_err() {
            return;
        }
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
            // SAFETY: the handler only calls async-signal-safe functions.
            unsafe {
                libc::signal(signal, on_signal as *const () as libc::sighandler_t);
            }
        }
    }

    /// Put the settings back and show the cursor. Async-signal-safe: tcsetattr and write only.
    pub fn restore() {
        if let Some((fd, settings)) = SAVED.get() {
            const SHOW_CURSOR: &[u8] = b"\x1b[?25h";
            // SAFETY: plain system calls on a descriptor and a struct tlcheck owns.
            unsafe {
                libc::tcsetattr(*fd, libc::TCSANOW, settings);
                libc::write(
                    libc::STDERR_FILENO,
                    SHOW_CURSOR.as_ptr().cast(),
                    SHOW_CURSOR.len(),
                );
            }
        }
    }

    extern "C" fn on_signal(signal: libc::c_int) {
        restore();
        // End as the signal would have ended the process, so the shell sees why.
        // SAFETY: async-signal-safe calls.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn remember() {}
    pub fn restore() {
        let _ = console::Term::stderr().show_cursor();
    }
}
