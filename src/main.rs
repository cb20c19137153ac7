use clap::Parser;
use std::process::ExitCode;

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
