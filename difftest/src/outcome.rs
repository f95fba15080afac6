//! What a call gave, in terms two stacks can agree on: ports, names of socket files and
//! autobound names are replaced by labels given in order of first appearance, so a kernel's
//! random ephemeral port and a simulation's counted one compare equal when they play the same
//! part.

use core::fmt;

use anysock_core::{ErrorKind, MsgFlags, SocketAddr, UnixAddrKind};

use crate::call::{Flags, Slot};

/// The normalised result of one call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The call does not apply to what its slot holds (or an address it names does not
    /// exist yet): it was not made.
    NotMade,
    /// It succeeded, with nothing to report.
    Done,
    /// It failed.
    Err(ErrorKind),
    /// Bytes sent.
    Sent(usize),
    /// Bytes received from a stream.
    Bytes(Vec<u8>),
    /// A datagram received: its bytes, whether it was cut, and its sender (if reported).
    Datagram {
        /// The bytes that fit.
        bytes: Vec<u8>,
        /// Whether it was longer than the buffer.
        truncated: bool,
        /// The sender, normalised.
        from: Option<String>,
    },
    /// What `recvmsg` reported: bytes, message flags and sender.
    Msg {
        /// The bytes received, all buffers together.
        bytes: Vec<u8>,
        /// `msg_flags`.
        flags: MsgFlags,
        /// The sender, normalised.
        from: Option<String>,
    },
    /// An address, normalised.
    Addr(String),
    /// A connection accepted from this (normalised) peer.
    Accepted(String),
    /// What `poll` found for each polled slot (`revents` bits), and how many were ready.
    Ready(Vec<(Slot, i16)>),
    /// An option's value, as text.
    Value(String),
    /// The call panicked (bad input must be a typed error, never a panic).
    Panicked(String),
    /// An earlier call panicked, so this one was not made.
    Abandoned,
}

impl Outcome {
    /// The shape of the outcome without its details: `Err(WouldBlock)`, `Ok(bytes)`, ...
    /// Divergences are grouped by the shapes on both sides.
    pub fn shape(&self) -> String {
        match self {
            Outcome::NotMade => "not made".into(),
            Outcome::Done => "Ok".into(),
            Outcome::Err(kind) => format!("Err({kind:?})"),
            Outcome::Sent(_) => "Ok(sent)".into(),
            Outcome::Bytes(b) if b.is_empty() => "Ok(0 bytes)".into(),
            Outcome::Bytes(_) => "Ok(bytes)".into(),
            Outcome::Datagram { .. } => "Ok(datagram)".into(),
            Outcome::Msg { .. } => "Ok(message)".into(),
            Outcome::Addr(_) => "Ok(address)".into(),
            Outcome::Accepted(_) => "Ok(connection)".into(),
            Outcome::Ready(_) => "Ok(readiness)".into(),
            Outcome::Value(_) => "Ok(value)".into(),
            Outcome::Panicked(_) => "panic".into(),
            Outcome::Abandoned => "abandoned".into(),
        }
    }

    /// The error kind, if the call failed.
    pub fn err(&self) -> Option<ErrorKind> {
        match self {
            Outcome::Err(kind) => Some(*kind),
            _ => None,
        }
    }
}

/// Bytes as text where they are printable (the payloads are letters), else escaped.
struct Text<'a>(&'a [u8]);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for &b in self.0 {
            write!(f, "{}", core::ascii::escape_default(b))?;
        }
        f.write_str("\"")
    }
}

/// `revents` bits by name.
fn revents(bits: i16) -> String {
    const NAMES: [(i16, &str); 5] = [
        (0x1, "IN"),
        (0x4, "OUT"),
        (0x8, "ERR"),
        (0x10, "HUP"),
        (0x20, "NVAL"),
    ];
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|&(_, name)| name)
        .collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join("|")
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::NotMade => f.write_str("(not made)"),
            Outcome::Done => f.write_str("Ok"),
            Outcome::Err(kind) => write!(f, "Err({kind:?})"),
            Outcome::Sent(n) => write!(f, "Ok({n})"),
            Outcome::Bytes(b) => write!(f, "Ok({} {})", b.len(), Text(b)),
            Outcome::Datagram {
                bytes,
                truncated,
                from,
            } => {
                write!(f, "Ok({} {}", bytes.len(), Text(bytes))?;
                if *truncated {
                    f.write_str(" truncated")?;
                }
                if let Some(from) = from {
                    write!(f, " from {from}")?;
                }
                f.write_str(")")
            }
            Outcome::Msg { bytes, flags, from } => {
                write!(f, "Ok({} {}", bytes.len(), Text(bytes))?;
                if !flags.is_empty() {
                    write!(f, " {}", Flags(*flags))?;
                }
                if let Some(from) = from {
                    write!(f, " from {from}")?;
                }
                f.write_str(")")
            }
            Outcome::Addr(a) => write!(f, "Ok({a})"),
            Outcome::Accepted(a) => write!(f, "Ok(from {a})"),
            Outcome::Ready(ready) => {
                let count = ready.iter().filter(|(_, bits)| *bits != 0).count();
                write!(f, "Ok({count}:")?;
                for (slot, bits) in ready {
                    write!(f, " s{slot}={}", revents(*bits))?;
                }
                f.write_str(")")
            }
            Outcome::Value(v) => write!(f, "Ok({v})"),
            Outcome::Panicked(msg) => write!(f, "PANIC({msg})"),
            Outcome::Abandoned => f.write_str("(abandoned)"),
        }
    }
}

/// The labels of one run: what each port and Unix name stood for.
#[derive(Debug, Default)]
pub struct Names {
    ports: Vec<(u16, String)>,
    unix: Vec<(Vec<u8>, String)>,
    ephemeral: usize,
    autobound: usize,
}

impl Names {
    /// Names `port` (a fixed port the sequence asked for) as `label`.
    pub fn port(&mut self, port: u16, label: String) {
        self.ports.push((port, label));
    }

    /// Names a Unix address (pathname or abstract) as `label`.
    pub fn unix(&mut self, addr: &SocketAddr, label: String) {
        if let Some(key) = unix_key(addr) {
            self.unix.push((key, label));
        }
    }

    /// The label of a port: the one it was given, or the next ephemeral one.
    fn label_port(&mut self, port: u16) -> String {
        if port == 0 {
            return "0".into();
        }
        if let Some((_, label)) = self.ports.iter().find(|(p, _)| *p == port) {
            return label.clone();
        }
        self.ephemeral += 1;
        let label = format!("eph#{}", self.ephemeral);
        self.ports.push((port, label.clone()));
        label
    }

    /// `addr` with its port and Unix name replaced by their labels.
    pub fn label(&mut self, addr: &SocketAddr) -> String {
        if let Some(inet) = addr.as_inet() {
            let port = self.label_port(inet.port());
            return match inet {
                core::net::SocketAddr::V4(a) => format!("{}:{port}", a.ip()),
                core::net::SocketAddr::V6(a) => format!("[{}]:{port}", a.ip()),
            };
        }
        let Some(key) = unix_key(addr) else {
            return "unix:(unnamed)".into();
        };
        if let Some((_, label)) = self.unix.iter().find(|(k, _)| *k == key) {
            return label.clone();
        }
        // Not a name the sequence gave: an autobound abstract name, or a path the stack made.
        let label = match key.first() {
            Some(0) => {
                self.autobound += 1;
                format!("unix:@auto#{}", self.autobound)
            }
            _ => format!("unix:{}", String::from_utf8_lossy(&key)),
        };
        self.unix.push((key, label.clone()));
        label
    }
}

/// A Unix address as bytes that tell the forms apart (abstract names start with NUL, as in
/// `sun_path`); `None` for unnamed and Internet addresses.
fn unix_key(addr: &SocketAddr) -> Option<Vec<u8>> {
    match addr.as_unix()?.kind() {
        UnixAddrKind::Pathname(p) => Some(p.to_vec()),
        UnixAddrKind::Abstract(n) => Some([&[0u8][..], n].concat()),
        UnixAddrKind::Unnamed => None,
    }
}
