//! The binary: parse the command line, run it, print an error once, exit with the code.

use clap::Parser;
use std::process::ExitCode;

/// Whether standard output was closed when the process started (`tlcheck … >&-`). The standard
/// library reopens a closed descriptor on /dev/null before `main`, where the report would be
/// lost without a word; this runs before it, among the program's initialisers.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = {
    extern "C" fn note() {
        // SAFETY: F_GETFD only asks whether descriptor 1 is open.
        if unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } == -1 {
            tlcheck::output::stdout_was_closed();
        }
    }
    note
};

fn main() -> ExitCode {
    tlcheck::output::install_panic_hook();
    let cli = tlcheck::cli::Cli::parse();
    match tlcheck::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            tlcheck::output::print_error(&err);
            ExitCode::from(tlcheck::exit_code_for_error(&err))
        }
    }
}
