//! The command line: `serve [--demo]`, `migrate`, `policy validate|test|diff`, `audit`,
//! `import sessions`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::authz::policy_files::load_policy_dir;
use crate::authz::policy_tests::run_policy_tests;
use crate::config::Settings;
use crate::startup::Application;
use crate::store::Store;

pub mod demo;
mod policy_diff;
mod seat_commands;
mod table;

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
    Serve {
        /// On an empty database, seed a demo company (nine people on five seats, three shared team logins) and audit it first.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Check policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Run the seat audit and print the findings; exits with 3 when a high-severity finding
    /// is open, 2 when there is no database to audit.
    Audit {
        /// Audit this company only (default: every company).
        #[arg(long)]
        company: Option<String>,
        /// Print one JSON array (one audit summary per company, as the API's POST .../audit
        /// answers it) instead of the text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Import data from another app.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import sign-in events from a CSV or JSON file, like POST .../session-events.
    #[command(after_help = IMPORT_COLUMNS)]
    Sessions {
        /// The file: JSON when it ends in .json or starts with `[`, CSV otherwise.
        file: PathBuf,
        /// The company the events belong to (its id).
        #[arg(long)]
        company: String,
    },
}

/// What `import sessions --help` says of the file.
const IMPORT_COLUMNS: &str = "\
CSV columns (a header row names them, in any order; an unknown column refuses the file):
  login               required: the login's email, e.g. ventes@example.fr
  event               required: sign_in, sign_out or activity
  time                required: an RFC 3339 instant, e.g. 2026-03-02T09:15:00Z
                      (at most a day in the future)
  ip                  the IPv4 or IPv6 address the event came from
  user_agent          the browser's user agent (kept to 512 characters)
  device_id           the device's id in the accounting app
  latitude,longitude  where the event came from, in degrees: both or neither
  country             a two-letter country code (ISO 3166-1), e.g. FR
  role                the role given to a login Seatwarden does not know yet
                      (any role but primary_admin; default standard_all)
JSON: an array of objects with the same fields.
At most 100000 rows. Rows that cannot be read are reported and the others kept.
Exit status: 0 every row imported, 1 some rows rejected, 2 no database or bad settings.";

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
    /// Compare the policies of two folders policy by policy (by @id); exits with 1 when
    /// they differ.
    Diff { before: PathBuf, after: PathBuf },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Policy { command } => run_policy_command(command),
        Command::Serve { demo } => with_settings(cli.config, move |s| serve(s, demo)),
        Command::Migrate => with_settings(cli.config, migrate),
        Command::Audit { company, json } => with_settings(cli.config, move |s| {
            seat_commands::audit(s, company, seat_commands::Output::json(json))
        }),
        Command::Import {
            command: ImportCommand::Sessions { file, company },
        } => with_settings(cli.config, move |s| {
            seat_commands::import_sessions(s, &file, &company)
        }),
    }
}

fn with_settings(config: Option<PathBuf>, command: impl FnOnce(Settings) -> ExitCode) -> ExitCode {
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

fn serve(settings: Settings, demo: bool) -> ExitCode {
    let result = actix_web::rt::System::new().block_on(async move {
        let backend = settings.database.backend_name();
        let application = Application::build(settings).map_err(|e| e.to_string())?;
        if demo {
            seat_commands::seed_demo(&application).await?;
        }
        let scheduler = application
            .start_scheduler()
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(
            port = application.port(),
            backend,
            scheduler = scheduler.is_some(),
            "seatwarden is serving"
        );
        let served = application.run_until_stopped().await;
        if let Some(mut scheduler) = scheduler {
            // The jobs stop with the server; a failure to stop them is no reason to fail.
            let _ = scheduler.shutdown().await;
        }
        served.map_err(|e| e.to_string())
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
        PolicyCommand::Diff { before, after } => return policy_diff::run(&before, &after),
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
