//! Outgoing email: SMTP through lettre when configured, otherwise `.eml` files in the outbox.

use crate::error::Context as _;

pub mod templates;

use super::PublicSettings;
use crate::domain::EmailAddress;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};
use std::time::Duration;

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
    let settings = state.store.settings().await.context("reading settings")?;
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
    /// The folder the `.eml` files go to.
    Outbox(std::path::PathBuf),
}

/// Sends email the configured way; cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from_address: EmailAddress,
    test_mode: bool,
}

/// The From address when the public URL names no domain (an IP address, localhost) and nothing
/// leaves the machine (the outbox); start-up refuses SMTP without `PORCHLIGHT_MAIL_FROM` then.
pub const OUTBOX_FROM: &str = "no-reply@porchlight.invalid";

/// `no-reply@` the public URL's host, when that host is a domain mail can come from.
pub fn default_from(public_url: &str) -> Option<EmailAddress> {
    let authority = public_url.split_once("://")?.1.split('/').next()?;
    // An IPv6 literal (`[::1]`) is no domain; an IPv4 address or `localhost` fails to parse below.
    let host = authority
        .split(':')
        .next()
        .filter(|h| !h.starts_with('['))?;
    EmailAddress::parse(&format!("no-reply@{host}")).ok()
}

/// A fresh `Message-ID` under `from`'s domain: 128 random bits, `<hex@domain>` (RFC 5322).
fn message_id(from: &EmailAddress) -> String {
    let domain = from.as_str().rsplit_once('@').map_or("", |(_, d)| d);
    format!("<{}@{domain}>", hex::encode(rand::random::<[u8; 16]>()))
}

/// What a message sent while the payment processor is in test mode says first.
pub const TEST_MODE_NOTICE: &str =
    "Test mode: no real money moves. This message comes from a Porchlight set up for testing.";

impl Email {
    /// The message marked as sent in test mode: in its subject and above its text.
    pub fn marked_as_test(mut self) -> Email {
        self.subject = format!("[Test mode] {}", self.subject);
        self.text = format!("{TEST_MODE_NOTICE}\n\n{}", self.text);
        let notice = format!(
            "<p style=\"padding:8px 12px;background:#fef3c7;border:1px solid #f59e0b;color:#78350f\">{TEST_MODE_NOTICE}</p>\n"
        );
        // After the opening <body …> tag when there is one, else first.
        let at = self
            .html
            .find("<body")
            .and_then(|i| self.html[i..].find('>').map(|j| i + j + 1))
            .unwrap_or(0);
        self.html.insert_str(at, &notice);
        self
    }
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Outbox(..) => "outbox",
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
                let dir = &public.outbox_dir;
                let fail =
                    |e: std::io::Error| MailError::Config(format!("outbox {}: {e}", dir.display()));
                std::fs::create_dir_all(dir).map_err(fail)?;
                // Outbox messages hold live one-time links: only this user may read them.
                owner_only(dir, 0o700).map_err(fail)?;
                Transport::Outbox(dir.clone())
            }
        };
        let from_address = default_from(&public.public_url).unwrap_or_else(|| {
            EmailAddress::parse(OUTBOX_FROM).expect("OUTBOX_FROM is a valid address")
        });
        Ok(Self {
            transport,
            from_address,
            test_mode: false,
        })
    }

    /// This mailer, sending from `from` (`PORCHLIGHT_MAIL_FROM`) instead of the default.
    pub fn sending_as(mut self, from: EmailAddress) -> Self {
        self.from_address = from;
        self
    }

    /// The address messages come from.
    pub fn from_address(&self) -> &EmailAddress {
        &self.from_address
    }

    /// This mailer, marking every message as sent in test mode when `test_mode` is set (the
    /// payment processor moves no real money).
    pub fn in_test_mode(mut self, test_mode: bool) -> Self {
        self.test_mode = test_mode;
        self
    }

    /// Sends one message once.
    pub async fn send(&self, sender: &Sender, email: &Email) -> Result<(), MailError> {
        let marked;
        let email = if self.test_mode {
            marked = email.clone().marked_as_test();
            &marked
        } else {
            email
        };
        let from: Mailbox = format!("{} <{}>", quote_name(&sender.name), self.from_address)
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        let to: Mailbox = format!("{} <{}>", quote_name(&email.to_name), email.to.as_str())
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        // Lettre adds a Date but no Message-ID; receivers' filters penalize mail without one.
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .subject(&email.subject)
            .date_now()
            .message_id(Some(message_id(&self.from_address)));
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
            Transport::Outbox(dir) => write_outbox(dir, &message.formatted())
                .await
                .map_err(|e| MailError::Deliver(format!("writing to the outbox: {e}"))),
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

/// Quotes a display name for a mailbox header.
fn quote_name(name: &str) -> String {
    format!("\"{}\"", name.replace(['"', '\\', '\r', '\n'], " "))
}

/// Sets a file's or folder's permission bits (owner only) on Unix; a no-op elsewhere.
/// Writes one message as `{random}.eml`, readable by its owner only. It is written under a hidden
/// temporary name and renamed, so a reader of the folder never sees half a message.
async fn write_outbox(dir: &std::path::Path, raw: &[u8]) -> std::io::Result<()> {
    let name = hex::encode(rand::random::<[u8; 16]>());
    let partial = dir.join(format!(".{name}.partial"));
    tokio::fs::write(&partial, raw).await?;
    owner_only(&partial, 0o600)?;
    tokio::fs::rename(&partial, dir.join(format!("{name}.eml"))).await
}

fn owner_only(path: &std::path::Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_mode_message_says_so_in_its_subject_text_and_inside_its_html_body() {
        let to = EmailAddress::parse("a@example.com").unwrap();
        let mail = templates::email_changed(&to, "Maria", "Brightside", &to).marked_as_test();
        assert!(mail.subject.starts_with("[Test mode] "), "{}", mail.subject);
        assert!(mail.text.starts_with(TEST_MODE_NOTICE), "{}", mail.text);
        let body = mail.html.find("<body").unwrap();
        let notice = mail.html.find(TEST_MODE_NOTICE).unwrap();
        assert!(notice > body, "{}", mail.html);
        assert!(mail.html.starts_with("<!DOCTYPE html>"), "{}", mail.html);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn outbox_messages_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("porchlight-mail-{}", uuid::Uuid::new_v4()));
        let public = super::super::PublicSettings {
            public_url: "https://pay.example.com".into(),
            outbox_dir: dir.clone(),
            smtp_url: None,
            trusted_proxies: Default::default(),
        };
        let mailer = Mailer::new(&public).unwrap();
        let sender = Sender {
            name: "Brightside".into(),
            reply_to: None,
        };
        let email = Email {
            to: crate::domain::EmailAddress::parse("maria@example.com").unwrap(),
            to_name: "Maria".into(),
            subject: "Reset your password".into(),
            text: "link".into(),
            html: "<p>link</p>".into(),
        };
        mailer.send(&sender, &email).await.unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(files.len(), 1);
        assert_eq!(mode(&files[0].path()), 0o600);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_sender_domain_comes_from_the_public_url_host() {
        let from = |url| default_from(url).map(|a| a.as_str().to_owned());
        assert_eq!(
            from("https://pay.example.com:8443").as_deref(),
            Some("no-reply@pay.example.com")
        );
        assert_eq!(from("http://127.0.0.1:3000"), None);
        assert_eq!(from("http://localhost:3000"), None);
        assert_eq!(from("http://[::1]:3000"), None);
    }

    #[test]
    fn a_message_id_is_random_and_under_the_from_domain() {
        let from = EmailAddress::parse("portal@brightside.example").unwrap();
        let (a, b) = (message_id(&from), message_id(&from));
        assert!(
            a.starts_with('<') && a.ends_with("@brightside.example>"),
            "{a}"
        );
        assert_eq!(a.len(), "<@brightside.example>".len() + 32);
        assert_ne!(a, b);
    }

    #[test]
    fn display_names_cannot_inject_headers() {
        assert_eq!(
            quote_name("Bob \"Evil\"\r\nBcc: x@y.z"),
            "\"Bob  Evil   Bcc: x@y.z\""
        );
    }
}
