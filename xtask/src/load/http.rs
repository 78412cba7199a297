//! A minimal HTTP/1.1 client over std (one request per connection), with a whole-request deadline.

use std::{
    io::{ErrorKind, Read, Write},
    net::{SocketAddr, TcpStream},
    time::{Duration, Instant},
};

/// What came back from one request.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The raw header block.
    pub headers: String,
    /// The body (still chunk-encoded when the server chunked it).
    pub body: String,
}

impl Answer {
    /// Every value of a header, case-insensitively.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.lines().skip(1).filter_map(move |line| {
            let (k, v) = line.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The body with any chunked transfer encoding undone.
    pub fn text(&self) -> String {
        let chunked = self
            .header_values("transfer-encoding")
            .any(|v| v.eq_ignore_ascii_case("chunked"));
        if !chunked {
            return self.body.clone();
        }
        let (mut rest, mut out) = (self.body.as_str(), String::new());
        while let Some((size, after)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16);
            match size {
                Ok(n) if n > 0 && after.len() >= n => {
                    out.push_str(after.get(..n).unwrap_or(""));
                    rest = after[n..].strip_prefix("\r\n").unwrap_or(&after[n..]);
                }
                _ => break,
            }
        }
        out
    }
}

/// Why a request produced no answer.
#[derive(Debug)]
pub enum Failure {
    /// The deadline passed before the response ended, in the named phase.
    Deadline(&'static str),
    /// The connection failed or the response was malformed.
    Io(String),
}

/// Sends one request and reads the whole response, all within `deadline` of starting. A request
/// other than GET is marked as a browser marks a post from the portal's own pages
/// (`Sec-Fetch-Site: same-origin`): the server refuses a signed-in post that says nothing of
/// where it came from.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra_headers: &[(&str, &str)],
    body: &str,
    deadline: Duration,
) -> Result<Answer, Failure> {
    let until = Instant::now() + deadline;
    let left = |phase| {
        until
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(Failure::Deadline(phase))
    };
    let fail = |phase| {
        move |e: std::io::Error| match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => Failure::Deadline(phase),
            _ => Failure::Io(format!("{phase}: {e}")),
        }
    };
    let mut stream =
        TcpStream::connect_timeout(&addr, left("connecting")?).map_err(fail("connecting"))?;
    stream
        .set_write_timeout(Some(left("sending")?))
        .map_err(fail("sending"))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in extra_headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let marked = extra_headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("sec-fetch-site"));
    if method != "GET" && !marked {
        head.push_str("Sec-Fetch-Site: same-origin\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(fail("sending"))?;
    stream.write_all(body.as_bytes()).map_err(fail("sending"))?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let phase = if raw.is_empty() {
            "waiting for the answer"
        } else {
            "reading the answer"
        };
        stream
            .set_read_timeout(Some(left(phase)?))
            .map_err(fail(phase))?;
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(fail(phase)(e)),
        }
    }
    let text = String::from_utf8_lossy(&raw);
    let (headers, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| Failure::Io("response without a header block".into()))?;
    let status = headers
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Failure::Io(format!("bad status line: {}", first_line(headers))))?;
    Ok(Answer {
        status,
        headers: headers.to_owned(),
        body: body.to_owned(),
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_escape_everything_but_unreserved_characters() {
        assert_eq!(form_encode("a b@c.d/é"), "a+b%40c.d%2F%C3%A9");
    }

    #[test]
    fn headers_are_found_case_insensitively() {
        let answer = Answer {
            status: 302,
            headers: "HTTP/1.1 302 Found\r\nlocation: /\r\nSet-Cookie: a=b; Path=/".into(),
            body: String::new(),
        };
        let chunked = Answer {
            status: 200,
            headers: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked".into(),
            body: "1\r\n6\r\n3\r\nabc\r\n0\r\n\r\n".into(),
        };
        assert_eq!(chunked.text(), "6abc");
        let first = |name| answer.header_values(name).next();
        assert_eq!(first("Location"), Some("/"));
        assert_eq!(first("set-cookie"), Some("a=b; Path=/"));
        assert_eq!(first("x-none"), None);
    }
}
