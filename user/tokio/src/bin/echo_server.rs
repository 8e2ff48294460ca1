//! echo_server ADDRESS: sends every client back what it sends, many clients
//! at once, until SIGTERM or SIGINT; then says how many it served and exits 0.
use strata_tokio::{address_argument, listen, terminated};

#[tokio::main]
async fn main() {
    let address = address_argument(1, "echo_server ADDRESS");
    let listener = listen("echo_server", address).await;
    let stop = terminated();
    tokio::pin!(stop);
    let mut served = 0u64;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (mut socket, _) = match accepted {
                    Ok(connection) => connection,
                    Err(error) => {
                        eprintln!("echo_server: accept: {error}");
                        continue;
                    }
                };
                served += 1;
                tokio::spawn(async move {
                    let (mut reader, mut writer) = socket.split();
                    if let Err(error) = tokio::io::copy(&mut reader, &mut writer).await {
                        eprintln!("echo_server: {error}");
                    }
                });
            }
            _ = &mut stop => break,
        }
    }
    println!("echo_server: stopped by a signal after serving {served} connections");
}
