//! # anysock-core
//!
//! The vocabulary every anysock backend speaks: addresses, errors, scatter/gather lists, the
//! `msghdr` model, typed socket options, and the traits of the BSD socket API. No `std`, no
//! heap, no `unsafe`.
//!
//! The calls map one to one onto the C API:
//!
//! | C | anysock |
//! |---|---|
//! | `socket(domain, type, 0)` | [`Stack::socket`] |
//! | `bind` | [`Socket::bind`] |
//! | `listen` | [`Socket::listen`] |
//! | `accept` | [`Listener::accept`] |
//! | `connect` | [`Socket::connect`], [`Datagram::connect`] |
//! | `read`/`write`, `send`/`recv` | [`embedded_io::Read`]/[`embedded_io::Write`], [`Stream::send`]/[`Stream::recv`] |
//! | `sendto`/`recvfrom` | [`Datagram::send_to`]/[`Datagram::recv_from`] |
//! | `sendmsg`/`recvmsg` | [`MsgIo::send_msg`]/[`MsgIo::recv_msg`] |
//! | `sendmmsg`/`recvmmsg` | [`MsgIo::send_mmsg`]/[`MsgIo::recv_mmsg`] |
//! | `CMSG_*`, `SCM_RIGHTS`, ... | [`cmsg::Cmsg`], [`cmsg::Ancillary`] |
//! | `shutdown` | [`Stream::shutdown`] |
//! | `setsockopt`/`getsockopt` | [`SockOpt::set`]/[`SockOpt::get`] |
//! | `poll` | [`Stack::poll`] |
//! | `errno` | [`Error::kind`], [`Error::raw_os_error`] |
//!
//! A server, written once for any backend:
//!
//! ```no_run
//! use anysock_core::{Error, Listener, SocketAddr, Stack};
//! use embedded_io::{Read, Write};
//!
//! fn serve_one<S: Stack>(stack: &S) -> Result<(), Error> {
//!     let addr: SocketAddr = "127.0.0.1:7000".parse()?;
//!     let mut listener = stack.listen(&addr, 3)?;        // socket + bind + listen
//!     let (mut conn, _peer) = listener.accept()?;        // accept
//!     let mut buf = [0u8; 64];
//!     let n = conn.read(&mut buf)?;                      // read
//!     conn.write_all(&buf[..n])?;                        // write
//!     Ok(())                                             // close on drop
//! }
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

#[cfg(feature = "std")]
extern crate std;

mod addr;
pub mod cmsg;
#[cfg(feature = "conformance")]
pub mod conformance;
mod datagram;
mod domain;
mod error;
pub mod iovec;
mod listener;
pub mod msg;
mod msg_io;
pub mod opt;
pub mod poll;
pub mod selector;
mod socket;
mod sockopt;
mod stack;
mod stream;
pub mod unix_addr;

pub use addr::SocketAddr;
pub use datagram::Datagram;
pub use domain::{Domain, Shutdown, Type};
pub use error::{Error, ErrorKind, Result};
pub use iovec::{IoVec, IoVecMut};
pub use listener::Listener;
pub use msg::{MsgFlags, Received, RecvBatch, RecvMeta, RecvMsg, SendBatch, SendMsg};
pub use msg_io::MsgIo;
pub use poll::{Interest, PollFd, Pollable, Readiness};
pub use socket::Socket;
pub use sockopt::SockOpt;
pub use stack::Stack;
pub use stream::Stream;
pub use unix_addr::{UnixAddr, UnixAddrKind};

/// Re-exported so backends and users name the same `embedded-io` version.
pub use embedded_io;
