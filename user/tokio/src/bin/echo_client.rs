//! echo_client ADDRESS CONNECTIONS: opens CONNECTIONS connections to an echo
//! server at once; on each, one task writes a pattern of writes from 1 byte
//! to 256 KiB while another reads the echo and checks it byte for byte.
//! Exits 0 only if every connection got back exactly what it sent.
use std::net::SocketAddr;
use strata_tokio::{address_argument, count_argument};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const WRITE_SIZES: [usize; 7] = [1, 100, 1460, 1461, 4096, 65536, 262144];

/// The bytes connection `number` sends: different on every connection.
fn pattern(number: usize) -> Vec<u8> {
    let total: usize = WRITE_SIZES.iter().sum();
    (0..total).map(|index| (index * 7 + number * 13 + index / 251) as u8).collect()
}

async fn echo_once(address: SocketAddr, number: usize) -> Result<usize, String> {
    let stream = TcpStream::connect(address).await.map_err(|error| format!("connect: {error}"))?;
    let (mut reader, mut writer) = stream.into_split();
    let sent = pattern(number);
    let to_send = sent.clone();
    let writing = tokio::spawn(async move {
        let mut start = 0;
        for size in WRITE_SIZES {
            writer.write_all(&to_send[start..start + size]).await?;
            start += size;
        }
        writer.shutdown().await
    });
    let mut received = Vec::with_capacity(sent.len());
    reader.read_to_end(&mut received).await.map_err(|error| format!("read: {error}"))?;
    writing.await.map_err(|error| error.to_string())?.map_err(|error| format!("write: {error}"))?;
    if received != sent {
        let first = received.iter().zip(&sent).position(|(a, b)| a != b);
        return Err(format!("got {} bytes back of {}, first difference at {:?}",
                           received.len(), sent.len(), first));
    }
    Ok(sent.len())
}

#[tokio::main]
async fn main() {
    let usage = "echo_client ADDRESS CONNECTIONS";
    let address = address_argument(1, usage);
    let connections = count_argument(2, usage);
    let tasks: Vec<_> = (0..connections).map(|number| tokio::spawn(echo_once(address, number))).collect();
    let mut failures = 0;
    let mut bytes = 0;
    for (number, task) in tasks.into_iter().enumerate() {
        match task.await.expect("connection task") {
            Ok(sent) => bytes = sent,
            Err(error) => {
                eprintln!("echo_client: connection {number}: {error}");
                failures += 1;
            }
        }
    }
    if failures > 0 {
        println!("echo_client: {failures} of {connections} connections failed");
        std::process::exit(1);
    }
    println!("echo_client: {connections} connections each sent {bytes} bytes and got every byte back in order");
}
