//! Seatwarden nodes as real processes (the built binary, `serve`), configured the way an
//! operator configures them: `DATABASE_URL` and `SEATWARDEN_*` variables.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::cluster::Harness;

pub struct Node {
    pub name: String,
    pub port: u16,
    /// `DATABASE_URL` and `SEATWARDEN_*` settings.
    envs: Vec<(String, String)>,
    log: PathBuf,
    child: Option<Child>,
}

/// A port free now (the node binds it a moment later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl Node {
    /// Starts a node; it is ready when `wait_ready` returns.
    pub fn start(name: &str, envs: &[(String, String)], log_dir: &Path) -> Node {
        let mut node = Node {
            name: name.to_owned(),
            port: free_port(),
            envs: envs.to_vec(),
            log: log_dir.join(format!("{name}.log")),
            child: None,
        };
        node.spawn();
        node
    }

    fn spawn(&mut self) {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("the node's log file");
        let log_filter =
            std::env::var("SW_FAILOVER_LOG_FILTER").unwrap_or_else(|_| "warn".to_owned());
        let mut command = Command::new(env!("CARGO_BIN_EXE_seatwarden"));
        command
            .arg("serve")
            .env_remove("SEATWARDEN_CONFIG")
            .env("SEATWARDEN_HOST", "127.0.0.1")
            .env("SEATWARDEN_PORT", self.port.to_string())
            .env("SEATWARDEN_LOG_FILTER", log_filter)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log);
        for (key, value) in &self.envs {
            command.env(key, value);
        }
        self.child = Some(command.spawn().expect("the seatwarden binary starts"));
    }

    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// Waits until `/readyz` answers 200 (migrations done, database answering).
    pub async fn wait_ready(&mut self, client: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = format!("{}/readyz", self.address());
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!(
                        "node {} exited at start ({status}); its log: {}",
                        self.name,
                        self.log.display()
                    );
                }
            }
            if let Ok(response) = client.get(&url).send().await {
                if response.status().is_success() {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "node {} not ready after 60 s; its log: {}",
                self.name,
                self.log.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// kill -9 of the node's process.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the node again on the same port and database.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// The process exited on its own (a crash), while it should run.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `count` nodes, the first alone since it runs the migrations, and waits until each
/// answers.
pub async fn start_nodes(
    count: usize,
    prefix: &str,
    envs: &[(String, String)],
    harness: &Harness,
    client: &reqwest::Client,
) -> Vec<Node> {
    let mut nodes = Vec::new();
    // The first alone: it runs the migrations.
    for i in 0..count {
        let mut node = Node::start(&format!("{prefix}-{}", i + 1), envs, &harness.log_dir);
        if i == 0 {
            node.wait_ready(client).await;
        }
        nodes.push(node);
    }
    for node in &mut nodes {
        node.wait_ready(client).await;
    }
    nodes
}
