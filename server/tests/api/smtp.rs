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

/// The value of the header `name` in a raw message, if it has one.
fn header<'m>(message: &'m str, name: &str) -> Option<&'m str> {
    let head = message.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[tokio::test]
async fn a_message_over_smtp_has_a_message_id_of_the_from_domain_and_a_date() {
    let (url, received) = smtp_sink().await;
    let app = spawn_app_with_smtp(Some(url)).await;
    app.add_customer("Maria", "maria@example.com").await;
    let request = RequestInvitation {
        email: "maria@example.com".into(),
    };
    app.call(request, None).await.unwrap();
    let message = received.await.unwrap();
    let from = header(&message, "From").expect("a From header");
    assert!(from.ends_with("<no-reply@portal.test>"), "{from}");
    let id = header(&message, "Message-ID").expect("a Message-ID header");
    assert!(
        id.starts_with('<') && id.ends_with("@portal.test>") && id.len() > 30,
        "{id}"
    );
    let date = header(&message, "Date").expect("a Date header");
    // RFC 5322: "Tue, 08 Dec 2026 01:23:45 +0000".
    let parts: Vec<&str> = date.split_whitespace().collect();
    assert!(
        parts.len() == 6 && parts[0].ends_with(',') && parts[5] == "+0000",
        "an RFC 5322 date: {date}"
    );
}
