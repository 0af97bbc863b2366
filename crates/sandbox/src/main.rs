//! `gatehouse-sandbox`: serves the partner emulator on 127.0.0.1 only.
//!
//! `SANDBOX_PORT` (default 8790; 0 picks a free port) and `SANDBOX_PUBLIC_URL` (default
//! `http://127.0.0.1:{port}`). Prints one line, `sandbox listening on http://127.0.0.1:PORT`,
//! to stdout when ready; logs requests (method, path, status) to stderr; stops cleanly on
//! SIGINT or SIGTERM.

use gatehouse_sandbox::{app, Config};
use std::net::Ipv4Addr;
use std::process::ExitCode;

const DEFAULT_PORT: u16 = 8790;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let port = match std::env::var("SANDBOX_PORT") {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .parse::<u16>()
            .map_err(|_| format!("SANDBOX_PORT must be a port number, got {value:?}"))?,
        _ => DEFAULT_PORT,
    };
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let port = listener.local_addr()?.port();
    let public_url = std::env::var("SANDBOX_PUBLIC_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| format!("http://127.0.0.1:{port}"));
    let mut config = Config::new(public_url);
    config.log_requests = true;
    // Handlers are installed before the ready line, so a signal sent as soon as a supervisor
    // reads that line already shuts down cleanly.
    let shutdown = shutdown_signal()?;
    println!("sandbox listening on http://127.0.0.1:{port}");
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Installs SIGINT and SIGTERM handlers now; the future resolves on the first of them.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Ctrl-C where there are no Unix signals.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
