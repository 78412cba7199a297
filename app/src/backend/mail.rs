//! Outgoing email: SMTP through lettre when configured, otherwise `.eml` files in the outbox.

pub mod templates;

use super::PublicSettings;
use crate::domain::EmailAddress;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};
use std::{sync::Arc, time::Duration};

/// A message to one recipient, with a plain-text and an HTML body.
#[derive(Debug, Clone)]
pub struct Email {
    /// Recipient address.
    pub to: EmailAddress,
    /// Recipient display name.
    pub to_name: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// The business as the sender of customer emails (name and reply-to from the settings).
pub async fn business_sender(state: &super::AppState) -> Result<Sender, crate::error::AppError> {
    let settings = state
        .store
        .settings()
        .await
        .map_err(|e| crate::error::AppError::internal("reading settings", e))?;
    Ok(Sender {
        name: settings.business_name,
        reply_to: EmailAddress::parse(&settings.reply_to_email).ok(),
    })
}

/// Who the message is from: the business's name and optional reply-to address.
#[derive(Debug, Clone)]
pub struct Sender {
    /// Display name (the business).
    pub name: String,
    /// Reply-To address, if the office set one.
    pub reply_to: Option<EmailAddress>,
}

/// Why a message could not be built or delivered.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP URL is unusable.
    #[error("SMTP configuration: {0}")]
    Config(String),
    /// The message could not be assembled.
    #[error("building the message: {0}")]
    Build(String),
    /// The server or the file system refused it.
    #[error("delivering the message: {0}")]
    Deliver(String),
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

/// Sends email the configured way; cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from_address: Arc<str>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Outbox(_) => "outbox",
        };
        write!(f, "Mailer({kind}, from {})", self.from_address)
    }
}

/// Attempts per message before giving up (the failure is logged).
pub const SEND_ATTEMPTS: u32 = 3;

impl Mailer {
    /// A mailer for the deployment: SMTP if `smtp_url` is set, the outbox folder otherwise.
    pub fn new(public: &PublicSettings) -> Result<Self, MailError> {
        let transport = match &public.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Config(e.to_string()))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&public.outbox_dir).map_err(|e| {
                    MailError::Config(format!("outbox {}: {e}", public.outbox_dir.display()))
                })?;
                Transport::Outbox(AsyncFileTransport::<Tokio1Executor>::new(
                    &public.outbox_dir,
                ))
            }
        };
        let host = url_host(&public.public_url);
        Ok(Self {
            transport,
            from_address: format!("no-reply@{host}").into(),
        })
    }

    /// Sends one message once.
    pub async fn send(&self, sender: &Sender, email: &Email) -> Result<(), MailError> {
        let from: Mailbox = format!("{} <{}>", quote_name(&sender.name), self.from_address)
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        let to: Mailbox = format!("{} <{}>", quote_name(&email.to_name), email.to.as_str())
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        let mut builder = Message::builder().from(from).to(to).subject(&email.subject);
        if let Some(reply_to) = &sender.reply_to {
            let mailbox: Mailbox = reply_to
                .as_str()
                .parse()
                .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
            builder = builder.reply_to(mailbox);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Deliver(e.to_string())),
            Transport::Outbox(outbox) => outbox
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Deliver(e.to_string())),
        }
    }

    /// Sends in the background with bounded retries, so the caller's answer and timing never
    /// depend on the recipient; outcomes are logged with recipient and subject only.
    pub fn send_in_background(&self, sender: Sender, email: Email) {
        let mailer = self.clone();
        tokio::spawn(async move {
            for attempt in 1..=SEND_ATTEMPTS {
                match mailer.send(&sender, &email).await {
                    Ok(()) => {
                        tracing::info!(to = %email.to, subject = %email.subject, "email sent");
                        return;
                    }
                    Err(e) if attempt < SEND_ATTEMPTS => {
                        tracing::warn!(to = %email.to, subject = %email.subject, attempt, error = %e, "email failed; retrying");
                        tokio::time::sleep(Duration::from_millis(
                            500 * u64::from(attempt * attempt),
                        ))
                        .await;
                    }
                    Err(e) => {
                        tracing::error!(to = %email.to, subject = %email.subject, error = %e, "email failed; giving up");
                    }
                }
            }
        });
    }
}

/// The host part of the public URL, or a placeholder domain when it is an IP address.
fn url_host(public_url: &str) -> String {
    let host = public_url
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split([':', '/'])
        .next()
        .unwrap_or_default();
    if host.contains('.') && host.chars().any(|c| c.is_ascii_alphabetic()) {
        host.to_owned()
    } else {
        "porchlight.invalid".to_owned()
    }
}

/// Quotes a display name for a mailbox header.
fn quote_name(name: &str) -> String {
    format!("\"{}\"", name.replace(['"', '\\', '\r', '\n'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sender_domain_comes_from_the_public_url_host() {
        assert_eq!(url_host("https://pay.example.com"), "pay.example.com");
        assert_eq!(url_host("http://127.0.0.1:3000"), "porchlight.invalid");
        assert_eq!(url_host("http://localhost:3000"), "porchlight.invalid");
    }

    #[test]
    fn display_names_cannot_inject_headers() {
        assert_eq!(
            quote_name("Bob \"Evil\"\r\nBcc: x@y.z"),
            "\"Bob  Evil   Bcc: x@y.z\""
        );
    }
}
