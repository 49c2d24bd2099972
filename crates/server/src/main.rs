//! `ecrf-server`: the sync server and the app's web server in one binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use ecrf_server::{
    app, setup_token, AppState, Config, PgStore, SqliteStore, SyncStore, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_RATE_BURST, DEFAULT_RATE_PER_SECOND,
};

/// The eCRF sync server. Serves the built app and the sync API from one process, with an
/// embedded SQLite store, or a PostgreSQL database with `--postgres`.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "ECRF_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder for the SQLite database and the set-up token's file (created if missing).
    #[arg(long, env = "ECRF_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Store in this PostgreSQL database instead of SQLite: a libpq connection string
    /// (`host=/run/postgresql dbname=ecrf user=ecrf`) or `postgresql://` URL. No TLS: reach the
    /// database over a local socket or a private network.
    #[arg(long, env = "ECRF_POSTGRES")]
    postgres: Option<String>,
    /// Folder of the built app (Trunk's `dist/`); not served when absent.
    #[arg(long, env = "ECRF_STATIC_DIR", default_value = "dist")]
    static_dir: PathBuf,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "ECRF_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Requests per second allowed from one client address (0: no limit).
    #[arg(long, env = "ECRF_RATE_LIMIT_PER_SECOND", default_value_t = DEFAULT_RATE_PER_SECOND)]
    rate_limit_per_second: u32,
    /// Requests allowed at once above that rate.
    #[arg(long, env = "ECRF_RATE_LIMIT_BURST", default_value_t = DEFAULT_RATE_BURST)]
    rate_limit_burst: u32,
    /// Print the bound address as the first line of standard output (for tests using port 0).
    #[arg(long)]
    print_addr: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating the data folder {}", args.data_dir.display()))?;
    let (store, db): (Arc<dyn SyncStore>, String) = match &args.postgres {
        Some(url) => {
            let store = PgStore::open(url).context("opening the PostgreSQL store")?;
            (Arc::new(store), "postgresql".to_owned())
        }
        None => {
            let db = args.data_dir.join("ecrf.sqlite");
            let store = SqliteStore::open(&db)
                .with_context(|| format!("opening the store {}", db.display()))?;
            (Arc::new(store), db.display().to_string())
        }
    };
    let prepared = {
        // The store is synchronous; a PostgreSQL client must not block an async worker.
        let store = Arc::clone(&store);
        tokio::task::spawn_blocking(move || setup_token::prepare(store.as_ref())).await?
    };
    let token_file = match prepared.context("making a set-up token")? {
        Some(token) => {
            Some(setup_token::write(&args.data_dir, &token).context("writing the set-up token")?)
        }
        None => None,
    };
    let static_dir = args
        .static_dir
        .join("index.html")
        .is_file()
        .then_some(args.static_dir.clone());
    if static_dir.is_none() {
        tracing::warn!(dir = %args.static_dir.display(), "no built app found; serving the API only");
    }
    let state = AppState::new(
        store,
        Config {
            static_dir,
            max_body_bytes: args.max_body_bytes,
            rate_per_second: args.rate_limit_per_second,
            rate_burst: args.rate_limit_burst,
            setup_token_file: Some(args.data_dir.join(setup_token::FILE_NAME)),
        },
    );
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("listening on {}", args.addr))?;
    let local = listener.local_addr()?;
    if args.print_addr {
        println!("{local}");
    }
    if let Some(path) = &token_file {
        // Not the token itself: the file is readable by this account only.
        println!("set-up token written to {}", path.display());
        tracing::info!(file = %path.display(), "no study yet: set-up token written");
    }
    tracing::info!(addr = %local, db = %db, "ecrf-server listening");
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so that both a user and a test harness stop the server cleanly.
async fn shutdown_signal() {
    let ctrl_c = async {
        // If a handler cannot be installed, that signal simply never arrives.
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
