//! # anysock-resp
//!
//! A Redis client (the RESP2 protocol) written once over anysock's traits, so it runs on the
//! kernel's sockets (`anysock-posix`), on the simulated network (`anysock-mock`), or on any
//! other backend. No `std`, no heap, no `unsafe`.
//!
//! - Commands are RESP arrays of bulk strings: binary-safe, nothing escaped. A pipeline of
//!   commands leaves in one `sendmsg` per batch of buffers: small headers formatted into the
//!   client's buffer (short arguments copied beside them), and long arguments' own bytes,
//!   never copied.
//! - Replies are parsed in place from a fixed buffer (`BUF` bytes): simple strings, errors,
//!   integers, bulk strings, arrays (nested), and the null forms. A reply may arrive split
//!   anywhere; the parser keeps its place between reads. A [`Reply`] borrows the buffer.
//! - Timeouts are the socket's own options (`RecvTimeout`, `SendTimeout`).
//! - A bad reply is an [`Error`], never a panic: a malformed length or line, an unknown type
//!   byte, an integer out of range, a reply longer than the buffer.
//!
//! Here on the mock network, with a server scripted in one thread: the client sends a
//! pipeline, the server answers, the client reads.
//!
//! ```
//! use anysock::embedded_io::{Read, Write};
//! use anysock::{Listener, Stack};
//! use anysock::mock::Net;
//! use anysock_resp::{Client, Reply};
//!
//! let net: Net = Net::new();
//! let app = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! let db = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//! let mut listener = db.listen(&"10.0.0.2:6379".parse()?, 1)?;
//! let mut client: Client<_> = Client::connect(&app, &"10.0.0.2:6379".parse()?)?;
//! let (mut server, _) = listener.accept()?;
//!
//! let mut replies = client.pipeline(|p| {
//!     p.cmd(&[b"SET", b"greeting", b"hello"]).cmd(&[b"GET", b"greeting"]);
//! })?;
//!
//! let mut request = [0u8; 128];
//! let n = server.read(&mut request)?;
//! assert_eq!(
//!     &request[..n],
//!     b"*3\r\n$3\r\nSET\r\n$8\r\ngreeting\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$8\r\ngreeting\r\n"
//! );
//! server.write_all(b"+OK\r\n$5\r\nhello\r\n")?;
//!
//! assert!(replies.next_reply()?.is_some_and(|r| r.is_ok()));
//! assert_eq!(replies.next_reply()?, Some(Reply::Bulk(b"hello")));
//! assert_eq!(replies.next_reply()?, None);
//! # Ok::<(), anysock_resp::Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod client;
mod error;
mod pipeline;
mod reply;
mod scan;

pub use client::{Client, DEFAULT_BUF, DEFAULT_IOV};
pub use error::{Error, Protocol};
pub use pipeline::{Pipeline, Replies};
pub use reply::{Array, Iter, Reply};
