//! Builds the application: settings in, a bound listener and a running server out.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use tracing_actix_web::TracingLogger;

use tokio_cron_scheduler::JobScheduler;

use crate::alerts::scheduler::{self, JobContext, JobSettings};
use crate::app::AppState;
use crate::authz::group_commit::GroupCommit;
use crate::authz::{self, ActionQueue, Authz, Engines, Gate};
use crate::config::Settings;
use crate::http;
use crate::paging::CursorKey;
use crate::store::Store;
use crate::web::limits::RequestLimits;
use crate::web::metrics::Metrics;
use crate::web::rate_limit::CompanyRateLimiter;

/// The name of the shared secret that seals list cursors.
const CURSOR_KEY: &str = "cursor_key";

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("storage: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("policies: {0}")]
    Policies(#[from] authz::policy_files::PolicyLoadError),
    #[error("alerts: {0}")]
    Alerts(#[from] crate::alerts::AlertsError),
    #[error("policies: {0}")]
    Engine(#[from] authz::engines::BuildError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

/// The engines, starting from the configured policy directory or the built-in policies.
pub fn load_engines(settings: &Settings) -> Result<Engines, StartupError> {
    let base = match &settings.policies_dir {
        Some(dir) => authz::BasePolicies::from_dir(dir)?,
        None => authz::builtin_base(),
    };
    Ok(Engines::new(base)?)
}

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    jobs: JobContext,
    store: Store,
}

impl Application {
    /// Opens and migrates the database, loads and validates the policies (refusing to start on
    /// any error), and binds the listener (port 0 picks a free one).
    pub fn build(settings: Settings) -> Result<Self, StartupError> {
        let engines = load_engines(&settings)?;
        let mut store = Store::open(&settings.database, settings.database_pool_size)?;
        store.migrate()?;
        if let Some(replica) = &settings.database_read {
            store = store.with_read_replica(replica, settings.database_pool_size)?;
        }
        let address = format!("{}:{}", settings.host, settings.port);
        let listener = TcpListener::bind(&address).map_err(|source| StartupError::Bind {
            address: address.clone(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { address, source })?
            .port();
        let cursor_key = CursorKey::from_bytes(store.shared_secret(CURSOR_KEY)?);
        let authz = Arc::new(Authz::new(engines));
        let limiter = CompanyRateLimiter::per_second(settings.decision_point_requests_per_second);
        let state = AppState {
            decision_point: GroupCommit::start(
                store.clone(),
                authz.clone(),
                Arc::new(move |company: &str, questions| limiter.allow(company, questions)),
            ),
            gate: Gate::new(store.clone(), ActionQueue::start(store.clone()), authz),
            settings: Arc::new(settings),
            cursor_key,
        };
        let jobs = JobContext::new(store.clone(), job_settings(&state))?;
        let server = serve(listener, state.clone())?;
        Ok(Self {
            port,
            server,
            state,
            jobs,
            store,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The database, for what no request writes: the demo company, and the data tests and
    /// benches seed directly.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What the scheduled jobs of this node work with (tests run them directly).
    pub fn jobs(&self) -> &JobContext {
        &self.jobs
    }

    /// Starts the scheduled jobs, unless `scheduler_enabled` is off; keep the scheduler
    /// while serving.
    pub async fn start_scheduler(&self) -> Result<Option<JobScheduler>, StartupError> {
        Ok(scheduler::start(self.jobs.clone()).await?)
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// What the scheduled jobs take from the configuration.
fn job_settings(state: &AppState) -> JobSettings {
    JobSettings {
        schedule: state.settings.schedule.clone(),
        audit: state.settings.audit_config(),
        session_timeouts: state.session_timeouts(),
        mail: state.settings.mail.clone(),
    }
}

fn serve(listener: TcpListener, state: AppState) -> Result<Server, StartupError> {
    let limits = web::Data::new(RequestLimits::new(
        state.settings.request_body_timeout,
        state.settings.requests_in_flight_per_address,
    ));
    let metrics = web::Data::new(Metrics::new());
    let data = web::Data::new(state);
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(limits.clone())
            .app_data(metrics.clone())
            .wrap(from_fn(crate::web::credentials::authenticate_first))
            // Before authentication reads the database; inside the locale and the metrics,
            // so that its 408 and 429 speak the request's language and are counted.
            .wrap(from_fn(crate::web::limits::bound_requests))
            .wrap(from_fn(crate::web::metrics::record))
            .wrap(from_fn(crate::web::locale::scope_locale))
            .wrap(TracingLogger::default())
            .configure(http::configure)
            .configure(crate::ui::configure)
            .default_service(web::to(http::not_found))
    })
    .listen(listener)
    .map_err(|source| StartupError::Bind { address, source })?
    .run();
    Ok(server)
}
