//! The two PostgreSQL clusters `scripts/failover-harness` made: which one is the primary, killing
//! its postmaster, promoting the standby and rebuilding the old primary as the new standby
//! (the script does the PostgreSQL steps; the driver times them).

use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One cluster, as `NAME:PORT:DATA_DIR` in the script's environment.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    pub port: u16,
    pub data_dir: PathBuf,
}

impl Cluster {
    fn from_env(var: &str) -> Option<Cluster> {
        let value = std::env::var(var).ok()?;
        let mut parts = value.splitn(3, ':');
        Some(Cluster {
            name: parts.next()?.to_owned(),
            port: parts.next()?.parse().ok()?,
            data_dir: PathBuf::from(parts.next()?),
        })
    }

    /// The postmaster's pid: the first line of `postmaster.pid`.
    pub fn postmaster_pid(&self) -> u32 {
        let file = self.data_dir.join("postmaster.pid");
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        text.lines()
            .next()
            .and_then(|line| line.trim().parse().ok())
            .unwrap_or_else(|| panic!("no pid in {}", file.display()))
    }
}

/// The harness's setup, from the environment `scripts/failover-harness` exports.
#[derive(Debug, Clone)]
pub struct Harness {
    pub script: PathBuf,
    pub primary: Cluster,
    pub standby: Cluster,
    pub database_url: String,
    /// The replica URL the nodes get as `database_read_url` (`--read-replica`), if any.
    pub read_url: Option<String>,
    pub rounds: usize,
    pub nodes: usize,
    pub log_dir: PathBuf,
}

impl Harness {
    /// None when the test was not started by `scripts/failover-harness`.
    pub fn from_env() -> Option<Harness> {
        let number = |var: &str, default: usize| {
            std::env::var(var)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        Some(Harness {
            script: PathBuf::from(std::env::var("SW_FAILOVER_SCRIPT").ok()?),
            primary: Cluster::from_env("SW_FAILOVER_PRIMARY")?,
            standby: Cluster::from_env("SW_FAILOVER_STANDBY")?,
            database_url: std::env::var("SW_FAILOVER_DATABASE_URL").ok()?,
            read_url: std::env::var("SW_FAILOVER_READ_URL")
                .ok()
                .filter(|url| !url.is_empty()),
            rounds: number("SW_FAILOVER_ROUNDS", 10),
            nodes: number("SW_FAILOVER_NODES", 1),
            log_dir: PathBuf::from(
                std::env::var("SW_FAILOVER_LOG_DIR").unwrap_or_else(|_| "/tmp".into()),
            ),
        })
    }

    /// The node settings for database `database` on these clusters: `DATABASE_URL`, and
    /// `SEATWARDEN_DATABASE_READ_URL` with `--read-replica`.
    pub fn urls_for(&self, database: &str) -> Vec<(String, String)> {
        let mut urls = vec![(
            "DATABASE_URL".to_owned(),
            with_database(&self.database_url, database),
        )];
        if let Some(read_url) = &self.read_url {
            urls.push((
                "SEATWARDEN_DATABASE_READ_URL".to_owned(),
                with_database(read_url, database),
            ));
        }
        urls
    }

    /// A URL of one server alone (the harness's role and database), not the multi-host one.
    fn single_server_url(&self, cluster: &Cluster) -> String {
        let (credentials, _) = self
            .database_url
            .split_once('@')
            .expect("credentials in the URL");
        format!("{credentials}@127.0.0.1:{}/seatwarden", cluster.port)
    }

    /// Watches the standby from a connection opened now, and sends the instant it first
    /// answers that it is out of recovery (promoted), polling every 5 ms for 60 s at most.
    /// The first message says it is watching.
    pub fn watch_promotion(&self) -> mpsc::Receiver<Option<Instant>> {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Recovery {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            in_recovery: bool,
        }
        let url = self.single_server_url(&self.standby);
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut conn = PgConnection::establish(&url).ok();
            let _ = sender.send(None);
            while Instant::now() < deadline {
                if conn.is_none() {
                    conn = PgConnection::establish(&url).ok();
                }
                if let Some(c) = conn.as_mut() {
                    match diesel::sql_query("SELECT pg_is_in_recovery() AS in_recovery")
                        .get_result::<Recovery>(c)
                    {
                        Ok(row) if !row.in_recovery => {
                            let _ = sender.send(Some(Instant::now()));
                            return;
                        }
                        Ok(_) => {}
                        Err(_) => conn = None,
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        receiver
    }

    /// Runs one of the script's steps; panics with its output when it fails.
    pub fn step(&self, args: &[&str]) -> Duration {
        let started = Instant::now();
        let output = Command::new(&self.script)
            .args(args)
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("the failover script runs");
        assert!(
            output.status.success(),
            "scripts/failover-harness {args:?} failed (its messages are above):\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
        started.elapsed()
    }

    /// Kills the primary's postmaster with SIGKILL; the instant of the kill.
    pub fn kill_primary(&self) -> (u32, Instant) {
        let pid = self.primary.postmaster_pid();
        let killed_at = Instant::now();
        let status = Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -9 {pid} failed");
        (pid, killed_at)
    }

    /// Promotes the standby (the script first clears its synchronous_standby_names, so that
    /// its commits wait for no standby until one streams again).
    pub fn promote_standby(&self) -> Duration {
        self.step(&["__promote", &self.standby.name])
    }

    /// Rebuilds the old primary as a synchronous streaming standby of the new one, and swaps
    /// their roles here.
    pub fn rebuild_old_primary(&mut self) -> Duration {
        let took = self.step(&["__rebuild", &self.primary.name, &self.standby.name]);
        std::mem::swap(&mut self.primary, &mut self.standby);
        took
    }
}

/// A URL with another database name (same hosts and parameters).
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let slash = base.rfind('/').expect("a database name in the URL");
    format!("{}/{database}?{query}", &base[..slash])
}
