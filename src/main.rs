use std::process::ExitCode;

fn main() -> ExitCode {
    seatwarden::cli::run()
}
