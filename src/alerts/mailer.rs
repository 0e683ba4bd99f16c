//! Mail out through lettre over SMTP: host, port, TLS mode and credentials from the settings.
//! Each answer is sorted into delivered, worth retrying (the server is down or says "later")
//! or permanent (a 5xx: this address will not take the mail).

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How long one SMTP conversation may take before it counts as a failed attempt.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (a relay on the same host or network).
    None,
    /// Plain connection upgraded with STARTTLS, which is required.
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl SmtpTls {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Self::None),
            "starttls" => Some(Self::StartTls),
            "tls" => Some(Self::Tls),
            _ => None,
        }
    }
}

/// A secret that never shows in logs or debug output.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Where mail goes and how it is signed. Without `smtp_host`, nothing is sent and alerts wait
/// in the outbox.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    pub smtp_credentials: Option<(String, Secret)>,
    pub from: Mailbox,
    /// The service's address as people reach it, for links in mails (no trailing slash).
    pub public_url: String,
}

/// One rendered mail for one recipient.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Becomes the Message-ID, so a receiver can tell a mail seen before.
    pub id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What became of one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Delivered,
    /// Try again later: connection refused, timeout, a 4xx answer.
    Retry(String),
    /// The server refused for good (5xx), or the address cannot be written to.
    Permanent(String),
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The transport the settings describe; `None` when no SMTP host is set.
    pub fn from_settings(settings: &MailSettings) -> Result<Option<Self>, String> {
        let Some(host) = settings.smtp_host.as_deref() else {
            return Ok(None);
        };
        let builder = match settings.smtp_tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|error| format!("smtp_host: {error}"))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|error| format!("smtp_host: {error}"))?,
        };
        let mut builder = builder.port(settings.smtp_port).timeout(Some(SMTP_TIMEOUT));
        if let Some((user, password)) = &settings.smtp_credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.0.clone()));
        }
        Ok(Some(Self {
            transport: builder.build(),
            from: settings.from.clone(),
        }))
    }

    pub async fn send(&self, mail: &Mail) -> SendOutcome {
        let to: Mailbox = match mail.to.parse() {
            Ok(to) => to,
            Err(error) => return SendOutcome::Permanent(format!("invalid address: {error}")),
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{}@seatwarden>", mail.id)))
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ));
        let message = match message {
            Ok(message) => message,
            Err(error) => return SendOutcome::Permanent(format!("cannot build the mail: {error}")),
        };
        match self.transport.send(message).await {
            Ok(_) => SendOutcome::Delivered,
            Err(error) if error.is_permanent() => SendOutcome::Permanent(error.to_string()),
            Err(error) => SendOutcome::Retry(error.to_string()),
        }
    }
}
