//! kv_client ADDRESS CLIENTS: CLIENTS connections to kv_server at once, each
//! setting, reading back and deleting keys of its own; then one more checks
//! what they left and the server's answers to bad commands.  Exits 0 only if
//! every answer was the one the protocol (kv_server.rs) requires.
use std::net::SocketAddr;
use strata_tokio::{address_argument, count_argument};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

const KEYS_PER_CLIENT: usize = 100;

struct Connection {
    lines: Lines<BufReader<OwnedReadHalf>>,
    writer: OwnedWriteHalf,
}

impl Connection {
    async fn open(address: SocketAddr) -> Result<Connection, String> {
        let stream = TcpStream::connect(address).await.map_err(|error| format!("connect: {error}"))?;
        let (reader, writer) = stream.into_split();
        Ok(Connection { lines: BufReader::new(reader).lines(), writer })
    }

    /// Sends one command and checks the one line that answers it.
    async fn expect(&mut self, command: &str, wanted: &str) -> Result<(), String> {
        self.writer.write_all(format!("{command}\n").as_bytes()).await
            .map_err(|error| format!("{command}: write: {error}"))?;
        match self.lines.next_line().await {
            Ok(Some(answer)) if answer == wanted => Ok(()),
            Ok(Some(answer)) => Err(format!("{command}: answered {answer:?}, want {wanted:?}")),
            Ok(None) => Err(format!("{command}: the server closed the connection")),
            Err(error) => Err(format!("{command}: read: {error}")),
        }
    }
}

async fn one_client(address: SocketAddr, client: usize) -> Result<(), String> {
    let mut connection = Connection::open(address).await?;
    for key in 0..KEYS_PER_CLIENT {
        connection.expect(&format!("SET c{client}k{key} value {client} {key}"), "OK").await?;
    }
    for key in 0..KEYS_PER_CLIENT {
        connection.expect(&format!("GET c{client}k{key}"), &format!("VALUE value {client} {key}")).await?;
    }
    // Every odd key goes; the even ones stay for the final check.
    for key in (1..KEYS_PER_CLIENT).step_by(2) {
        connection.expect(&format!("DEL c{client}k{key}"), "DELETED").await?;
        connection.expect(&format!("DEL c{client}k{key}"), "NONE").await?;
    }
    Ok(())
}

async fn final_check(address: SocketAddr, clients: usize) -> Result<usize, String> {
    let mut connection = Connection::open(address).await?;
    let kept = clients * KEYS_PER_CLIENT / 2;
    connection.expect("COUNT", &format!("COUNT {kept}")).await?;
    for client in 0..clients {
        connection.expect(&format!("GET c{client}k0"), &format!("VALUE value {client} 0")).await?;
        connection.expect(&format!("GET c{client}k1"), "NONE").await?;
    }
    connection.expect("FLY me to the moon", "ERROR unknown command").await?;
    connection.expect("GET", "ERROR unknown command").await?;
    Ok(kept)
}

#[tokio::main]
async fn main() {
    let usage = "kv_client ADDRESS CLIENTS";
    let address = address_argument(1, usage);
    let clients = count_argument(2, usage);
    let tasks: Vec<_> = (0..clients).map(|client| tokio::spawn(one_client(address, client))).collect();
    let mut failed = false;
    for (client, task) in tasks.into_iter().enumerate() {
        if let Err(error) = task.await.expect("client task") {
            eprintln!("kv_client: client {client}: {error}");
            failed = true;
        }
    }
    match final_check(address, clients).await {
        Ok(kept) if !failed => println!(
            "kv_client: {clients} clients set, read and deleted {KEYS_PER_CLIENT} keys each; the {kept} kept were all there"),
        Ok(_) => std::process::exit(1),
        Err(error) => {
            eprintln!("kv_client: final check: {error}");
            std::process::exit(1);
        }
    }
}
