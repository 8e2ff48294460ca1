//! proxy LISTEN_ADDRESS TARGET_ADDRESS: relays each connection it accepts to
//! TARGET_ADDRESS, both ways, until SIGTERM or SIGINT; then says how many
//! connections and bytes it relayed.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use strata_tokio::{address_argument, listen, terminated};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() {
    let usage = "proxy LISTEN_ADDRESS TARGET_ADDRESS";
    let address = address_argument(1, usage);
    let target = address_argument(2, usage);
    let listener = listen("proxy", address).await;
    let relayed = Arc::new(AtomicU64::new(0));
    let mut connections = 0u64;
    let mut tasks = Vec::new();
    let stop = terminated();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((mut inbound, _)) => {
                    connections += 1;
                    let relayed = relayed.clone();
                    tasks.push(tokio::spawn(async move {
                        match TcpStream::connect(target).await {
                            Ok(mut outbound) => match tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await {
                                Ok((up, down)) => { relayed.fetch_add(up + down, Ordering::Relaxed); }
                                Err(error) => eprintln!("proxy: {error}"),
                            },
                            Err(error) => eprintln!("proxy: connect to {target}: {error}"),
                        }
                    }));
                }
                Err(error) => eprintln!("proxy: accept: {error}"),
            },
            _ = &mut stop => break,
        }
    }
    for task in tasks {
        let _ = task.await;
    }
    println!("proxy: stopped by a signal after relaying {connections} connections, {} bytes",
             relayed.load(Ordering::Relaxed));
}
