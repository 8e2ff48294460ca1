//! hello_client [ADDRESS]: tokio's "hello world" client: connects to ADDRESS
//! (10.0.2.2:6142, the host as QEMU's guest sees it, by default), writes
//! "hello world\n", and prints the line the server answers.
use std::net::SocketAddr;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() {
    let address: SocketAddr = match std::env::args().nth(1) {
        None => "10.0.2.2:6142".parse().expect("the default address"),
        Some(text) => text.parse().unwrap_or_else(|_| {
            eprintln!("usage: hello_client [ADDRESS]");
            std::process::exit(2);
        }),
    };
    let result: std::io::Result<String> = async {
        let mut stream = TcpStream::connect(address).await?;
        stream.write_all(b"hello world\n").await?;
        let mut answer = String::new();
        BufReader::new(stream).read_line(&mut answer).await?;
        Ok(answer)
    }.await;
    match result {
        Ok(answer) => println!("hello_client: sent hello world to {address}, which answered {:?}", answer.trim_end()),
        Err(error) => {
            eprintln!("hello_client: {address}: {error}");
            std::process::exit(1);
        }
    }
}
