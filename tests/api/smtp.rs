//! A real SMTP server in the test process (mailin-embedded), recording what it receives.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mailin_embedded::{response, Handler, Response, Server, SslConfig};

/// One mail as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub envelope_to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a readable mail")
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|text| text.into_owned())
            .unwrap_or_default()
    }

    pub fn html(&self) -> String {
        self.parsed()
            .body_html(0)
            .map(|html| html.into_owned())
            .unwrap_or_default()
    }
}

/// The SMTP server's mailbox; `refused` addresses get a 550 at RCPT.
#[derive(Clone, Default)]
pub struct Inbox {
    mails: Arc<Mutex<Vec<Received>>>,
    refused: Arc<Vec<String>>,
}

impl Inbox {
    pub fn mails(&self) -> Vec<Received> {
        self.mails.lock().unwrap().clone()
    }
}

/// Per connection: the inbox and the mail being received.
#[derive(Clone)]
struct Recorder {
    inbox: Inbox,
    current: Option<Received>,
}

fn bare(address: &str) -> String {
    address.trim_matches(|c| c == '<' || c == '>').to_owned()
}

impl Handler for Recorder {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.inbox.refused.contains(&bare(to)) {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Received {
            envelope_to: to.iter().map(|address| bare(address)).collect(),
            data: Vec::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(mail) = &mut self.current {
            mail.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(mail) = self.current.take() {
            self.inbox.mails.lock().unwrap().push(mail);
        }
        response::OK
    }
}

/// A free port on which nothing listens yet.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts an SMTP server on `port`, for the rest of the test process.
pub fn start_smtp(port: u16, refused: &[&str]) -> Inbox {
    let inbox = Inbox {
        mails: Arc::default(),
        refused: Arc::new(refused.iter().map(|a| (*a).to_owned()).collect()),
    };
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("the SMTP port is free");
    let mut server = Server::new(Recorder {
        inbox: inbox.clone(),
        current: None,
    });
    server
        .with_name("smtp.test")
        .with_ssl(SslConfig::None)
        .expect("no TLS")
        .with_tcp_listener(listener);
    std::thread::spawn(move || server.serve().map_err(|error| error.to_string()));
    inbox
}
