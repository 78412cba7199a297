//! A real SMTP conversation with a tiny sink started by the test.

use crate::helpers::{PASSWORD, decode_quoted_printable, spawn_app_with_smtp, token_in};
use app::portal::{
    invitation::RequestInvitation,
    verify::{AcceptInvitation, InvitationStatus},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    sync::oneshot,
};

/// Accepts one SMTP session on a random port and hands over the message it received.
async fn smtp_sink() -> (String, oneshot::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 sink ready\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        let mut tx = Some(tx);
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.unwrap();
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(std::mem::take(&mut data));
                    }
                } else {
                    data.push_str(&line);
                    data.push_str("\r\n");
                }
                continue;
            }
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 sink\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
    });
    (url, rx)
}

#[tokio::test]
async fn an_invitation_sent_through_a_real_smtp_server_carries_a_working_link() {
    let (url, received) = smtp_sink().await;
    let app = spawn_app_with_smtp(Some(url)).await;
    app.add_customer("Maria", "maria@example.com").await;
    let request = RequestInvitation {
        email: "maria@example.com".into(),
    };
    app.call(request, None).await.unwrap();
    let message = decode_quoted_printable(&received.await.unwrap());
    assert!(message.contains("maria@example.com"));
    let token = token_in(&message, "/verify?token=");
    let status = InvitationStatus {
        token: token.clone(),
    };
    assert_eq!(app.call(status, None).await, Ok(true));
    let accept = AcceptInvitation {
        token,
        password: PASSWORD.into(),
        confirm: PASSWORD.into(),
        next: None,
        switch_account: None,
    };
    let accepted = app.call_answer(accept, None).await;
    assert_eq!(accepted.location.as_deref(), Some("/"), "{}", accepted.body);
}
