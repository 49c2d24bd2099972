//! `ecrf-server`: the sync server and the app's web server in one binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ecrf_server::tls::ca_page::{self, CaCertificate};
use ecrf_server::tls::init::{self as tls_init, InitError};
use ecrf_server::{
    app, setup_token, AppState, Config, PgStore, SqliteStore, SyncStore, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_RATE_BURST, DEFAULT_RATE_PER_SECOND,
};

/// The eCRF sync server. Serves the built app and the sync API from one process, with an
/// embedded SQLite store, or a PostgreSQL database with `--postgres`; over HTTPS with
/// `--tls-cert` and `--tls-key`.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
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
    /// Seconds a client has to send its first request's head (method, path, headers) after
    /// connecting; else the connection is closed. Between requests a connection may idle 75 s
    /// (or this, if longer).
    #[arg(long, env = "ECRF_REQUEST_HEAD_TIMEOUT", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=3600))]
    request_head_timeout_secs: u64,
    /// Print the bound address as the first line of standard output (for tests using port 0).
    #[arg(long)]
    print_addr: bool,
    /// Serve HTTPS with this certificate chain (PEM: the server's certificate first).
    #[arg(long, env = "ECRF_TLS_CERT", requires = "tls_key", value_name = "FILE")]
    tls_cert: Option<PathBuf>,
    /// The private key of `--tls-cert` (PEM).
    #[arg(long, env = "ECRF_TLS_KEY", requires = "tls_cert", value_name = "FILE")]
    tls_key: Option<PathBuf>,
    /// Also serve, over plain HTTP on this address, the page from which tablets install the
    /// certificate authority (the last certificate of `--tls-cert`, as `tls init` writes it).
    #[arg(
        long,
        env = "ECRF_CA_PAGE_ADDR",
        requires = "tls_cert",
        value_name = "ADDR"
    )]
    ca_page_addr: Option<SocketAddr>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// TLS certificates for a site without one of its own.
    #[command(subcommand)]
    Tls(TlsCommand),
}

#[derive(Debug, Subcommand)]
enum TlsCommand {
    /// Make a local certificate authority and a server certificate signed by it, in
    /// `DATA_DIR/tls/`.
    Init(TlsInitArgs),
}

#[derive(Debug, clap::Args)]
struct TlsInitArgs {
    /// The server's data folder; the files go to its `tls/` folder.
    #[arg(long, env = "ECRF_DATA_DIR", value_name = "DIR")]
    data_dir: PathBuf,
    /// A DNS name or IP address the tablets use to reach the server (repeat for several).
    #[arg(long = "host", required = true, value_name = "NAME_OR_IP")]
    hosts: Vec<String>,
    /// Replace existing files (a new authority: every tablet must install it again).
    #[arg(long)]
    force: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    match &args.command {
        Some(Command::Tls(TlsCommand::Init(init))) => tls_init_command(init),
        None => serve(args),
    }
}

/// `ecrf-server tls init`: writes the four files, or exits with status 2 and a one-line reason
/// when the command line is at fault (existing files, a bad host).
fn tls_init_command(args: &TlsInitArgs) -> anyhow::Result<()> {
    let now = time::OffsetDateTime::now_utc();
    let written = match tls_init::init(&args.data_dir, &args.hosts, args.force, now) {
        Ok(written) => written,
        Err(err @ InitError::Exists(_))
        | Err(err @ InitError::BadHost(_))
        | Err(err @ InitError::NoHost) => {
            eprintln!("ecrf-server: {err}");
            std::process::exit(2);
        }
        Err(err) => return Err(err.into()),
    };
    let until = written.server_not_after.date();
    println!(
        "wrote {} (the certificate authority, for the tablets)",
        written.ca_cert.display()
    );
    println!(
        "wrote {} (the authority's private key: keep it secret; not needed to run the server)",
        written.ca_key.display()
    );
    println!(
        "wrote {} (the server certificate, valid until {until}, then the authority)",
        written.server_cert.display()
    );
    println!(
        "wrote {} (the server's private key)",
        written.server_key.display()
    );
    println!("authority SHA-256 fingerprint: {}", written.ca_fingerprint);
    let first = args.hosts.first().map(String::as_str).unwrap_or("HOST");
    println!(
        "start the server with TLS (DIST: the built app's folder; the tablets install the \
         authority from http://{first}:8081/ and then open https://{first}:8443/):"
    );
    println!(
        "  ecrf-server --addr 0.0.0.0:8443 --data-dir {} --static-dir DIST --tls-cert {} --tls-key {} --ca-page-addr 0.0.0.0:8081",
        shell_word(&args.data_dir.display().to_string()),
        shell_word(&written.server_cert.display().to_string()),
        shell_word(&written.server_key.display().to_string()),
    );
    Ok(())
}

/// `word`, quoted for a POSIX shell when it holds anything but plain path characters.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:=@%,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[tokio::main]
async fn serve(args: Args) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // Read the certificate before anything else, so that a wrong file stops the server at once.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(http1_only_tls(
            axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .with_context(|| {
                    format!(
                        "loading the TLS certificate {} and key {}",
                        cert.display(),
                        key.display()
                    )
                })?,
        )),
        _ => None,
    };
    let ca_page = match (&args.ca_page_addr, &args.tls_cert) {
        (Some(addr), Some(cert)) => Some((*addr, CaCertificate::from_chain_file(cert)?)),
        _ => None,
    };
    private_data_dir(&args.data_dir)
        .with_context(|| format!("creating the data folder {}", args.data_dir.display()))?;
    let (store, db): (Arc<dyn SyncStore>, String) = match &args.postgres {
        Some(url) => {
            let store = PgStore::open(url).context("opening the PostgreSQL store")?;
            (Arc::new(store), "postgresql".to_owned())
        }
        None => {
            let db = args.data_dir.join("ecrf.sqlite");
            // It holds the users' credential hashes and wrapped keys: its owner's only (SQLite
            // gives its journal files the database file's mode).
            private_new_file(&db)
                .with_context(|| format!("creating the store {}", db.display()))?;
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
            ..Config::default()
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
    let head = std::time::Duration::from_secs(args.request_head_timeout_secs);
    if let Some((addr, ca)) = ca_page {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr} for the CA page"))?;
        let page = listener.local_addr()?;
        println!("CA certificate page: http://{page}/");
        tracing::info!(addr = %page, fingerprint = ca.fingerprint(), "CA page listening (plain HTTP)");
        // It stops with the process; it holds no state worth a graceful shutdown. Its
        // connections are limited as the API's are (they share the process's descriptors).
        let server = with_timeouts(axum_server::from_tcp(listener.into_std()?)?, head);
        tokio::spawn(async move {
            if let Err(err) = server.serve(ca_page::router(ca).into_make_service()).await {
                tracing::error!(error = %err, "the CA page stopped");
            }
        });
    }
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    // A stop (Ctrl-C, SIGTERM) lets requests under way finish, for 30 s at most.
    let handle = axum_server::Handle::new();
    let stop = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        stop.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
    });
    match tls {
        None => {
            tracing::info!(addr = %local, db = %db, "ecrf-server listening");
            let server = axum_server::from_tcp(listener.into_std()?)?.handle(handle);
            with_timeouts(server, head).serve(service).await?;
        }
        Some(config) => {
            tracing::info!(addr = %local, db = %db, "ecrf-server listening (TLS)");
            let server = axum_server::from_tcp_rustls(listener.into_std()?, config)?.handle(handle);
            with_timeouts(server, head).serve(service).await?;
        }
    }
    Ok(())
}

/// `server` limited so that connections that send no request are closed (else idle
/// connections, opened by anyone, would use up the process's file descriptors): HTTP/1.1 only
/// (HTTP/2 keeps an idle connection open for as long as the client answers its pings); the
/// first request's head within `head` of the connection (after the TLS handshake, which has its
/// own 10 s); a kept-alive connection waits 75 s at most for the next (longer than clients keep
/// idle connections, 15 s for ureq, so that none sends on one being closed).
fn with_timeouts<A: axum_server::Address, Acc>(
    server: axum_server::Server<A, Acc>,
    head: std::time::Duration,
) -> axum_server::Server<A, Acc> {
    let mut server = server.http1_only().first_request_timeout(head);
    server
        .http_builder()
        .http1()
        .header_read_timeout(head.max(KEEP_ALIVE));
    server
}

/// `config` offering HTTP/1.1 only in the TLS handshake (ALPN), as [`with_timeouts`] serves.
fn http1_only_tls(
    config: axum_server::tls_rustls::RustlsConfig,
) -> axum_server::tls_rustls::RustlsConfig {
    let mut inner = (*config.get_inner()).clone();
    inner.alpn_protocols = vec![b"http/1.1".to_vec()];
    axum_server::tls_rustls::RustlsConfig::from_config(std::sync::Arc::new(inner))
}

/// How long a kept-alive connection waits for its next request (nginx's default).
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(75);

/// Makes the data folder, if missing, with mode 0700 on Unix (an existing one is left as it is).
fn private_data_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates `path` empty with mode 0600 on Unix if it does not exist yet (an existing one is
/// left as it is).
fn private_new_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
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
