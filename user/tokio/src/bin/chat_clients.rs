//! chat_clients ADDRESS CLIENTS: CLIENTS clients join chat_server one after
//! the other; once all have their welcome, each says hello, and each checks
//! that it hears exactly the other clients' hellos.  Exits 0 only if so.
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use strata_tokio::{address_argument, count_argument};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::Barrier;

struct Client {
    number: usize,
    lines: Lines<BufReader<OwnedReadHalf>>,
    writer: OwnedWriteHalf,
}

async fn join(address: SocketAddr) -> Result<Client, String> {
    let stream = TcpStream::connect(address).await.map_err(|error| format!("connect: {error}"))?;
    let (reader, writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    let welcome = lines.next_line().await.map_err(|error| format!("read: {error}"))?.unwrap_or_default();
    let number = welcome.strip_prefix("welcome client ").and_then(|number| number.parse().ok())
        .ok_or(format!("the first line was {welcome:?}, not a welcome"))?;
    Ok(Client { number, lines, writer })
}

async fn talk(mut client: Client, everyone: Vec<usize>, barrier: Arc<Barrier>) -> Result<(), String> {
    barrier.wait().await;
    client.writer.write_all(format!("hello from {}\n", client.number).as_bytes()).await
        .map_err(|error| format!("write: {error}"))?;
    let wanted: BTreeSet<String> = everyone.iter().filter(|&&other| other != client.number)
        .map(|other| format!("client {other}: hello from {other}")).collect();
    let mut heard = BTreeSet::new();
    while heard.len() < wanted.len() {
        match client.lines.next_line().await {
            Ok(Some(line)) if wanted.contains(&line) && !heard.contains(&line) => { heard.insert(line); }
            Ok(Some(line)) => return Err(format!("client {} heard {line:?}", client.number)),
            Ok(None) => return Err(format!("client {}: the server closed", client.number)),
            Err(error) => return Err(format!("client {}: read: {error}", client.number)),
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let usage = "chat_clients ADDRESS CLIENTS";
    let address = address_argument(1, usage);
    let count = count_argument(2, usage);
    let mut clients = Vec::new();
    for _ in 0..count {
        match join(address).await {
            Ok(client) => clients.push(client),
            Err(error) => {
                eprintln!("chat_clients: {error}");
                std::process::exit(1);
            }
        }
    }
    let everyone: Vec<usize> = clients.iter().map(|client| client.number).collect();
    let barrier = Arc::new(Barrier::new(count));
    let tasks: Vec<_> = clients.into_iter()
        .map(|client| tokio::spawn(talk(client, everyone.clone(), barrier.clone()))).collect();
    let mut failed = false;
    for task in tasks {
        if let Err(error) = task.await.expect("client task") {
            eprintln!("chat_clients: {error}");
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
    println!("chat_clients: {count} clients joined, and each heard the other {} say hello", count - 1);
}
