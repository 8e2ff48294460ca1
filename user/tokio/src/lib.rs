//! What the programs share: reading an address from the command line, and
//! saying when a server listens, so that a test waits for that line and never
//! sleeps.
use std::net::SocketAddr;
use std::process::exit;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

/// Argument `index` as an address such as 127.0.0.1:7101; prints the usage
/// line and exits 2 when it is missing or not an address.
pub fn address_argument(index: usize, usage: &str) -> SocketAddr {
    let argument = std::env::args().nth(index);
    match argument.as_deref().map(str::parse) {
        Some(Ok(address)) => address,
        _ => {
            eprintln!("usage: {usage}");
            exit(2);
        }
    }
}

/// Argument `index` as a count of at least 1, or the usage line and exit 2.
pub fn count_argument(index: usize, usage: &str) -> usize {
    match std::env::args().nth(index).map(|text| text.parse::<usize>()) {
        Some(Ok(count)) if count > 0 => count,
        _ => {
            eprintln!("usage: {usage}");
            exit(2);
        }
    }
}

/// Binds the listener, then prints "NAME: listening on ADDRESS".
pub async fn listen(name: &str, address: SocketAddr) -> TcpListener {
    let listener = TcpListener::bind(address).await.unwrap_or_else(|error| {
        eprintln!("{name}: cannot listen on {address}: {error}");
        exit(1);
    });
    println!("{name}: listening on {address}");
    listener
}

/// Resolves when SIGTERM or SIGINT arrives: the servers' way to stop, which
/// also exercises tokio's signal driver (a socketpair and a signal handler).
pub async fn terminated() {
    let mut terminate = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut interrupt = signal(SignalKind::interrupt()).expect("SIGINT handler");
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
}
