//! `ecrf-server`: the sync server and the app's web server in one binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use ecrf_server::{app, AppState, Store, DEFAULT_MAX_BODY_BYTES};

/// The eCRF sync server. Serves the built app and the sync API from one process, with an
/// embedded SQLite store.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "ECRF_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder for the SQLite database (created if missing).
    #[arg(long, env = "ECRF_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Folder of the built app (Trunk's `dist/`); not served when absent.
    #[arg(long, env = "ECRF_STATIC_DIR", default_value = "dist")]
    static_dir: PathBuf,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "ECRF_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
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
    let db = args.data_dir.join("ecrf.sqlite");
    let store = Store::open(&db).with_context(|| format!("opening the store {}", db.display()))?;
    let static_dir = args
        .static_dir
        .join("index.html")
        .is_file()
        .then_some(args.static_dir.clone());
    if static_dir.is_none() {
        tracing::warn!(dir = %args.static_dir.display(), "no built app found; serving the API only");
    }
    let state = AppState {
        store: Arc::new(store),
        static_dir,
        max_body_bytes: args.max_body_bytes,
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("listening on {}", args.addr))?;
    let local = listener.local_addr()?;
    if args.print_addr {
        println!("{local}");
    }
    tracing::info!(addr = %local, db = %db.display(), "ecrf-server listening");
    axum::serve(listener, app(state))
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
