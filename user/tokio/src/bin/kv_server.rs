//! kv_server ADDRESS: a key-value store that many clients share, one command
//! per line, until SIGTERM or SIGINT:
//!   SET key value   ->  OK
//!   GET key         ->  VALUE value   or  NONE
//!   DEL key         ->  DELETED       or  NONE
//!   COUNT           ->  COUNT n
//! anything else     ->  ERROR unknown command
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use strata_tokio::{address_argument, listen, terminated};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

type Store = Arc<Mutex<HashMap<String, String>>>;

fn answer(store: &Store, line: &str) -> String {
    let mut words = line.splitn(3, ' ');
    let mut store = store.lock().expect("store lock");
    match (words.next(), words.next(), words.next()) {
        (Some("SET"), Some(key), Some(value)) => {
            store.insert(key.to_string(), value.to_string());
            "OK".to_string()
        }
        (Some("GET"), Some(key), None) => match store.get(key) {
            Some(value) => format!("VALUE {value}"),
            None => "NONE".to_string(),
        },
        (Some("DEL"), Some(key), None) => match store.remove(key) {
            Some(_) => "DELETED".to_string(),
            None => "NONE".to_string(),
        },
        (Some("COUNT"), None, None) => format!("COUNT {}", store.len()),
        _ => "ERROR unknown command".to_string(),
    }
}

async fn serve(socket: TcpStream, store: Store) -> std::io::Result<()> {
    let (reader, mut writer) = socket.into_split();
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = lines.next_line().await? {
        let mut reply = answer(&store, &line);
        reply.push('\n');
        writer.write_all(reply.as_bytes()).await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let address = address_argument(1, "kv_server ADDRESS");
    let listener = listen("kv_server", address).await;
    let store: Store = Arc::default();
    let stop = terminated();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => {
                    let store = store.clone();
                    tokio::spawn(async move {
                        if let Err(error) = serve(socket, store).await {
                            eprintln!("kv_server: {error}");
                        }
                    });
                }
                Err(error) => eprintln!("kv_server: accept: {error}"),
            },
            _ = &mut stop => break,
        }
    }
    let keys = store.lock().expect("store lock").len();
    println!("kv_server: stopped by a signal holding {keys} keys");
}
