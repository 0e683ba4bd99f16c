//! The command line: `serve`, `migrate`, `policy validate|test`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::authz::policy_files::load_policy_dir;
use crate::authz::policy_tests::run_policy_tests;
use crate::config::Settings;
use crate::startup::Application;
use crate::store::Store;

#[derive(Parser)]
#[command(
    name = "seatwarden",
    version,
    about = "Access policies and seat audit for small-business accounting"
)]
struct Cli {
    /// A TOML settings file (default: ./seatwarden.toml when present).
    #[arg(long, global = true, env = "SEATWARDEN_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and pages.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Check policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Parse and strictly validate the policies of DIR against its schema.
    Validate {
        #[arg(default_value = "policies")]
        dir: PathBuf,
    },
    /// Run the request files of DIR/tests against the policies of DIR.
    Test {
        #[arg(default_value = "policies")]
        dir: PathBuf,
    },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Policy { command } => run_policy_command(command),
        Command::Serve => with_settings(cli.config, serve),
        Command::Migrate => with_settings(cli.config, migrate),
    }
}

fn with_settings(config: Option<PathBuf>, command: fn(Settings) -> ExitCode) -> ExitCode {
    match Settings::load(config.as_deref()) {
        Ok(settings) => {
            crate::telemetry::init(&settings.log_filter);
            command(settings)
        }
        Err(error) => {
            eprintln!("seatwarden: {error}");
            ExitCode::from(2)
        }
    }
}

fn serve(settings: Settings) -> ExitCode {
    let result = actix_web::rt::System::new().block_on(async move {
        let backend = settings.database.backend_name();
        let application = Application::build(settings).map_err(|e| e.to_string())?;
        tracing::info!(port = application.port(), backend, "seatwarden is serving");
        application
            .run_until_stopped()
            .await
            .map_err(|e| e.to_string())
    });
    report(result)
}

fn migrate(settings: Settings) -> ExitCode {
    let result = Store::open(&settings.database, 1)
        .and_then(|store| store.migrate())
        .map(|applied| println!("{applied} migration(s) applied"))
        .map_err(|e| e.to_string());
    report(result)
}

fn run_policy_command(command: PolicyCommand) -> ExitCode {
    let result = match command {
        PolicyCommand::Validate { dir } => load_policy_dir(&dir).map(|loaded| {
            println!(
                "{}: {} policies valid against the schema",
                dir.display(),
                loaded.policies.policies().count()
            );
        }),
        PolicyCommand::Test { dir } => match load_policy_dir(&dir) {
            Ok(loaded) => {
                return match run_policy_tests(&loaded, &dir.join("tests")) {
                    Ok(report) => {
                        println!("{report}");
                        if report.failed() == 0 {
                            ExitCode::SUCCESS
                        } else {
                            ExitCode::FAILURE
                        }
                    }
                    Err(error) => {
                        eprintln!("seatwarden: {error}");
                        ExitCode::FAILURE
                    }
                };
            }
            Err(error) => Err(error),
        },
    };
    report(result.map_err(|e| e.to_string()))
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("seatwarden: {error}");
            ExitCode::FAILURE
        }
    }
}
