//! chat_server ADDRESS: every line a client sends goes to every other client
//! as "client N: LINE", N being the number the server gave it in its first
//! line, "welcome client N"; until SIGTERM or SIGINT.
use strata_tokio::{address_argument, listen, terminated};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::broadcast;

type Message = (usize, String);   // who said it, what

async fn serve(socket: TcpStream, number: usize, messages: broadcast::Sender<Message>) -> std::io::Result<()> {
    // Subscribe before the welcome, so that a client that has its welcome
    // hears everything said after it.
    let mut heard = messages.subscribe();
    let (reader, mut writer) = socket.into_split();
    writer.write_all(format!("welcome client {number}\n").as_bytes()).await?;
    let mut lines = BufReader::new(reader).lines();
    loop {
        tokio::select! {
            line = lines.next_line() => match line? {
                Some(line) => { let _ = messages.send((number, line)); }
                None => return Ok(()),
            },
            message = heard.recv() => match message {
                Ok((from, line)) if from != number => {
                    writer.write_all(format!("client {from}: {line}\n").as_bytes()).await?;
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    eprintln!("chat_server: client {number} missed {missed} messages");
                }
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
        }
    }
}

#[tokio::main]
async fn main() {
    let address = address_argument(1, "chat_server ADDRESS");
    let listener = listen("chat_server", address).await;
    let (messages, _) = broadcast::channel(1024);
    let stop = terminated();
    tokio::pin!(stop);
    let mut clients = 0;
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => {
                    clients += 1;
                    let messages = messages.clone();
                    tokio::spawn(async move {
                        if let Err(error) = serve(socket, clients, messages).await {
                            eprintln!("chat_server: client {clients}: {error}");
                        }
                    });
                }
                Err(error) => eprintln!("chat_server: accept: {error}"),
            },
            _ = &mut stop => break,
        }
    }
    println!("chat_server: stopped by a signal after {clients} clients");
}
