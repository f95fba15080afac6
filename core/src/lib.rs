//! # anysock-core
//!
//! The vocabulary every anysock backend speaks: addresses, errors, scatter/gather lists, the
//! `msghdr` model, typed socket options, and the traits of the BSD socket API. No `std`, no
//! heap, no `unsafe`.
//!
//! The calls map one to one onto the C API (each links its Linux manual page):
//!
//! | C | anysock |
//! |---|---|
//! | [`socket(domain, type, 0)`][socket(2)] | [`Stack::socket`] |
//! | [`socketpair`][socketpair(2)] | [`Stack::socketpair`] |
//! | [`bind`][bind(2)] | [`Socket::bind`] |
//! | [`listen`][listen(2)] | [`Socket::listen`] |
//! | [`accept`][accept(2)], `accept4(.., SOCK_NONBLOCK)` | [`Listener::accept`], [`Listener::accept_nonblocking`] |
//! | [`connect`][connect(2)] | [`Socket::connect`], [`Datagram::connect`] |
//! | [`read`][read(2)]/[`write`][write(2)], [`send`][send(2)]/[`recv`][recv(2)] | [`embedded_io::Read`]/[`embedded_io::Write`], [`Stream::send`]/[`Stream::recv`] |
//! | [`sendto`][sendto(2)]/[`recvfrom`][recvfrom(2)] | [`Datagram::send_to`]/[`Datagram::recv_from`] |
//! | [`sendmsg`][sendmsg(2)]/[`recvmsg`][recvmsg(2)] | [`MsgIo::send_msg`]/[`MsgIo::recv_msg`] |
//! | [`sendmmsg`][sendmmsg(2)]/[`recvmmsg`][recvmmsg(2)] | [`MsgIo::send_mmsg`]/[`MsgIo::recv_mmsg`] |
//! | [`CMSG_*`][cmsg(3)], `SCM_RIGHTS`, ... | [`cmsg::Cmsg`], [`cmsg::Ancillary`] |
//! | [`shutdown`][shutdown(2)] | [`Stream::shutdown`] |
//! | [`getsockname`][getsockname(2)]/[`getpeername`][getpeername(2)] | `local_addr`/`peer_addr` |
//! | [`setsockopt`/`getsockopt`][setsockopt(2)] | [`SockOpt::set`]/[`SockOpt::get`] |
//! | [`fcntl(F_SETFL, O_NONBLOCK)`][fcntl(2)] | [`Endpoint::set_nonblocking`] |
//! | [`poll`][poll(2)] | [`Stack::poll`] |
//! | [`epoll`][epoll(7)] | [`selector::Selector`] |
//! | [`getaddrinfo`][getaddrinfo(3)]/[`getnameinfo`][getnameinfo(3)] | [`Resolve::resolve`]/[`Resolve::reverse`] |
//! | [`errno`][errno(3)] | [`Error::kind`], [`Error::raw_os_error`] |
//!
//! Every call that can wait has an `async fn` counterpart in [`asynch`] (streams there are
//! [`embedded_io_async`] readers and writers), with `sleep` and a timeout on the stack's clock.
//!
//! ## The lecture, in code
//!
//! The walk-through below follows a socket programming course: a server (`socket`, `bind`,
//! `listen`, `accept`), its client (`connect`, `write`, `read`, `shutdown`), datagrams, the
//! `msghdr` calls, options, and waiting with `poll`. Every example runs, on the mock network
//! of `anysock-mock`: two simulated hosts, `10.0.0.1` (the client) and `10.0.0.2` (the
//! server). On the operating system's sockets the same code takes `anysock_posix::Posix` as
//! its stack instead; only the line that makes the stack changes.
//!
//! ### 1. A server: `socket` → `bind` → `listen` → `accept`
//!
//! [`Stack::socket`] returns a [`Socket`] that is nothing yet, so options can be set before
//! [`Socket::bind`] gives it an address. [`Socket::listen`] turns it into a [`Listener`], whose
//! [`Listener::accept`] hands out one connected [`Stream`] per client, with the client's
//! address.
//!
//! ```
//! use anysock_core::embedded_io::{Read, Write};
//! use anysock_core::opt::ReuseAddr;
//! use anysock_core::{Endpoint, Domain, Listener, SockOpt, Socket, SocketAddr, Stack, Stream, Type};
//!
//! let net: anysock_mock::Net = anysock_mock::Net::new();
//! let client_host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! let server_host = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//!
//! // int s = socket(AF_INET, SOCK_STREAM, 0);
//! let mut s = server_host.socket(Domain::Inet, Type::Stream)?;
//! // setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
//! s.set(ReuseAddr, true)?;
//! // bind(s, {AF_INET, 10.0.0.2, 7}, ...);
//! let addr: SocketAddr = "10.0.0.2:7".parse()?;
//! s.bind(&addr)?;
//! // listen(s, 16);
//! let mut listener = s.listen(16)?;
//!
//! // A client connects (section 2 says more).
//! let mut client = client_host.connect(&addr)?;
//! client.write_all(b"hello")?;
//!
//! // int c = accept(s, &peer, &len);
//! let (mut conn, peer) = listener.accept()?;
//! assert_eq!(peer, client.local_addr()?);
//! let mut buf = [0u8; 5];
//! conn.read_exact(&mut buf)?;
//! assert_eq!(&buf, b"hello");
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! [`Stack::listen`] does `socket` + `bind` + `listen` in one call, for when no option needs
//! setting first.
//!
//! ### 2. A client: `connect`, `write`, `read`, `shutdown`
//!
//! [`Socket::connect`] then [`Socket::into_stream`] (or [`Stack::connect`] for both) gives a
//! [`Stream`]: [`embedded_io::Read`] and [`embedded_io::Write`] with their contract (`read`
//! returns `Ok(0)` only at end of stream), plus [`Stream::send`]/[`Stream::recv`] with flags and
//! [`Stream::shutdown`].
//!
//! ```
//! use anysock_core::embedded_io::{Read, Write};
//! use anysock_core::{Domain, ErrorKind, Listener, Shutdown, Socket, Stack, Stream, Type};
//!
//! # let net: anysock_mock::Net = anysock_mock::Net::new();
//! # let client_host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! # let server_host = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//! let addr = "10.0.0.2:80".parse()?;
//! let mut listener = server_host.listen(&addr, 4)?;
//!
//! // int c = socket(AF_INET, SOCK_STREAM, 0); connect(c, {10.0.0.2, 80}, ...);
//! let mut s = client_host.socket(Domain::Inet, Type::Stream)?;
//! s.connect(&addr)?;
//! let mut client = s.into_stream()?;
//! assert_eq!(client.peer_addr()?, addr);
//!
//! // write(c, "GET /\n", 6); shutdown(c, SHUT_WR);
//! client.write_all(b"GET /\n")?;
//! client.shutdown(Shutdown::Write)?;
//!
//! // The server reads until end of stream (read returns 0), answers, and closes.
//! let (mut conn, _) = listener.accept()?;
//! let (mut request, mut len) = ([0u8; 64], 0);
//! loop {
//!     match conn.read(&mut request[len..])? {
//!         0 => break,
//!         n => len += n,
//!     }
//! }
//! assert_eq!(&request[..len], b"GET /\n");
//! conn.write_all(b"200 OK\n")?;
//! drop(conn); // close(c)
//!
//! let mut reply = [0u8; 7];
//! client.read_exact(&mut reply)?;
//! assert_eq!(&reply, b"200 OK\n");
//! assert_eq!(client.read(&mut reply)?, 0); // the server closed: end of stream
//!
//! // Nobody listens on port 81: connect fails with ECONNREFUSED.
//! let refused = client_host.connect(&"10.0.0.2:81".parse()?).map(drop);
//! assert_eq!(refused.unwrap_err().kind(), ErrorKind::ConnectionRefused);
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! ### 3. Datagrams: `sendto` and `recvfrom`
//!
//! A [`Datagram`] socket keeps message boundaries. A message longer than the buffer is cut and
//! the cut is reported ([`Received::truncated`]), never silent. After [`Datagram::connect`],
//! [`Datagram::send`] and [`Datagram::recv`] talk to that peer only.
//!
//! ```
//! use anysock_core::{Datagram, Stack};
//!
//! # let net: anysock_mock::Net = anysock_mock::Net::new();
//! # let client_host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! # let server_host = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//! // socket(AF_INET, SOCK_DGRAM, 0) + bind, on both sides.
//! let mut server = server_host.bind(&"10.0.0.2:53".parse()?)?;
//! let mut client = client_host.bind(&"0.0.0.0:0".parse()?)?;
//!
//! // sendto(c, "query", 5, 0, {10.0.0.2, 53}, ...);
//! client.send_to(b"query", &"10.0.0.2:53".parse()?)?;
//! // recvfrom(s, buf, 16, 0, &from, &len);
//! let mut buf = [0u8; 16];
//! let (got, from) = server.recv_from(&mut buf)?;
//! assert_eq!(&buf[..got.len], b"query");
//!
//! // The answer is longer than the client's buffer: cut, and said so (MSG_TRUNC).
//! server.send_to(b"a long answer", &from)?;
//! let mut small = [0u8; 4];
//! let got = client.recv(&mut small)?;
//! assert_eq!((&small[..got.len], got.truncated), (&b"a lo"[..], true));
//!
//! // connect(c, {10.0.0.2, 53}); send(c, ...);
//! client.connect(&"10.0.0.2:53".parse()?)?;
//! client.send(b"again")?;
//! assert_eq!(server.recv(&mut buf)?.len, 5);
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! ### 4. `msghdr`: `sendmsg` and `recvmsg`
//!
//! [`MsgIo::send_msg`] gathers several buffers ([`IoVec`]) into one message;
//! [`MsgIo::recv_msg`] scatters one into several ([`IoVecMut`]) and reports the sender, the
//! ancillary data's length and the flags in a [`RecvMeta`]. Ancillary data itself
//! (`SCM_RIGHTS`, credentials, packet info) is typed in [`cmsg`].
//!
//! ```
//! use anysock_core::{Datagram, IoVec, IoVecMut, MsgFlags, MsgIo, RecvMsg, SendMsg, Stack};
//!
//! # let net: anysock_mock::Net = anysock_mock::Net::new();
//! # let client_host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! # let server_host = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//! let mut server = server_host.bind(&"10.0.0.2:9".parse()?)?;
//! let mut client = client_host.bind(&"0.0.0.0:0".parse()?)?;
//!
//! // struct iovec iov[2] = {{"head:", 5}, {"body", 4}};
//! // struct msghdr m = {.msg_name = &to, .msg_iov = iov, .msg_iovlen = 2};
//! // sendmsg(c, &m, 0);
//! let to = "10.0.0.2:9".parse()?;
//! let msg = SendMsg::new(IoVec::<2>::from_slices(&[b"head:", b"body"])?).to(&to);
//! assert_eq!(client.send_msg(&msg)?, 9);
//!
//! // recvmsg(s, &m, 0) into two buffers: the first 5 bytes, then the rest.
//! let (mut head, mut body) = ([0u8; 5], [0u8; 16]);
//! let mut iov = IoVecMut::<2>::new();
//! iov.push(&mut head)?;
//! iov.push(&mut body)?;
//! let meta = server.recv_msg(&mut RecvMsg::new(iov))?;
//! assert_eq!((meta.len, meta.addr), (9, Some("10.0.0.1:49152".parse()?)));
//! assert!(!meta.flags.contains(MsgFlags::TRUNC));
//! assert_eq!((&head, &body[..4]), (b"head:", &b"body"[..]));
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! ### 5. Options: `setsockopt` and `getsockopt`
//!
//! Each option is a marker type with a value type ([`opt`]); a backend implements
//! [`SockOpt<O>`](SockOpt) for the options it has, so code that needs one says so in its
//! bounds, and a missing option is a compile error rather than a run-time surprise.
//!
//! ```
//! use anysock_core::opt::{NoDelay, RecvBufferSize, RecvTimeout};
//! use anysock_core::{Error, ErrorKind, Listener, SockOpt, Stack, Stream};
//! use anysock_core::embedded_io::Read;
//! use core::time::Duration;
//!
//! /// Protocol code states the options it needs.
//! fn tune<S: Stream + SockOpt<NoDelay> + SockOpt<RecvTimeout>>(s: &mut S) -> Result<(), Error> {
//!     s.set(NoDelay, true)?;                                   // TCP_NODELAY
//!     s.set(RecvTimeout, Some(Duration::from_millis(200)))     // SO_RCVTIMEO
//! }
//!
//! # let net: anysock_mock::Net = anysock_mock::Net::new();
//! # let client_host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! # let server_host = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//! let mut listener = server_host.listen(&"10.0.0.2:7".parse()?, 1)?;
//! let mut client = client_host.connect(&"10.0.0.2:7".parse()?)?;
//! tune(&mut client)?;
//! assert!(client.get(NoDelay)?);
//! assert!(client.get(RecvBufferSize)? > 0);
//!
//! // Nothing arrives: the read gives up after SO_RCVTIMEO (on the mock's virtual clock).
//! let before = net.now();
//! let timed_out = client.read(&mut [0u8; 8]).unwrap_err();
//! assert_eq!(timed_out.kind(), ErrorKind::WouldBlock);
//! assert_eq!(net.now() - before, Duration::from_millis(200));
//! # let _ = listener.accept()?;
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! ### 6. Waiting for several sockets: `poll`
//!
//! Non-blocking sockets ([`Endpoint::set_nonblocking`]) fail with [`ErrorKind::WouldBlock`]
//! instead of waiting; [`Stack::poll`] waits until one of them is ready.
//!
//! ```
//! use anysock_core::{Endpoint, Datagram, Interest, Pollable, PollFd, Stack};
//! use core::time::Duration;
//!
//! # let net: anysock_mock::Net = anysock_mock::Net::new();
//! # let client_host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! # let server_host = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//! let mut a = server_host.bind(&"10.0.0.2:1000".parse()?)?;
//! let b = server_host.bind(&"10.0.0.2:1001".parse()?)?;
//! a.set_nonblocking(true)?;
//! assert!(a.recv(&mut [0u8; 4]).unwrap_err().is_would_block());
//!
//! let mut client = client_host.bind(&"0.0.0.0:0".parse()?)?;
//! client.send_to(b"ping", &b.local_addr()?)?;
//!
//! // struct pollfd fds[2] = {{a, POLLIN}, {b, POLLIN}}; poll(fds, 2, 1000);
//! let mut fds = [
//!     PollFd::new(a.handle(), Interest::READABLE),
//!     PollFd::new(b.handle(), Interest::READABLE),
//! ];
//! let ready = server_host.poll(&mut fds, Some(Duration::from_secs(1)))?;
//! assert_eq!(ready, 1);
//! assert!(!fds[0].ready().is_readable() && fds[1].ready().is_readable());
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! ### 7. Errors: `errno`, typed
//!
//! Every call returns [`Result`]: an [`Error`] is an [`ErrorKind`] to match on (named after the
//! `errno` values, `EAGAIN` → [`ErrorKind::WouldBlock`]) and the raw code when the system gave
//! one. It is also an [`embedded_io::Error`], and with feature `std` it converts into
//! `std::io::Error`, keeping the code.
//!
//! [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
//! [socketpair(2)]: https://man7.org/linux/man-pages/man2/socketpair.2.html
//! [bind(2)]: https://man7.org/linux/man-pages/man2/bind.2.html
//! [listen(2)]: https://man7.org/linux/man-pages/man2/listen.2.html
//! [accept(2)]: https://man7.org/linux/man-pages/man2/accept.2.html
//! [connect(2)]: https://man7.org/linux/man-pages/man2/connect.2.html
//! [read(2)]: https://man7.org/linux/man-pages/man2/read.2.html
//! [write(2)]: https://man7.org/linux/man-pages/man2/write.2.html
//! [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
//! [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
//! [sendto(2)]: https://man7.org/linux/man-pages/man2/sendto.2.html
//! [recvfrom(2)]: https://man7.org/linux/man-pages/man2/recvfrom.2.html
//! [sendmsg(2)]: https://man7.org/linux/man-pages/man2/sendmsg.2.html
//! [recvmsg(2)]: https://man7.org/linux/man-pages/man2/recvmsg.2.html
//! [sendmmsg(2)]: https://man7.org/linux/man-pages/man2/sendmmsg.2.html
//! [recvmmsg(2)]: https://man7.org/linux/man-pages/man2/recvmmsg.2.html
//! [cmsg(3)]: https://man7.org/linux/man-pages/man3/cmsg.3.html
//! [shutdown(2)]: https://man7.org/linux/man-pages/man2/shutdown.2.html
//! [getsockname(2)]: https://man7.org/linux/man-pages/man2/getsockname.2.html
//! [getpeername(2)]: https://man7.org/linux/man-pages/man2/getpeername.2.html
//! [setsockopt(2)]: https://man7.org/linux/man-pages/man2/setsockopt.2.html
//! [fcntl(2)]: https://man7.org/linux/man-pages/man2/fcntl.2.html
//! [poll(2)]: https://man7.org/linux/man-pages/man2/poll.2.html
//! [epoll(7)]: https://man7.org/linux/man-pages/man7/epoll.7.html
//! [errno(3)]: https://man7.org/linux/man-pages/man3/errno.3.html
//! [getaddrinfo(3)]: https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
//! [getnameinfo(3)]: https://man7.org/linux/man-pages/man3/getnameinfo.3.html
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

#[cfg(feature = "std")]
extern crate std;

mod addr;
pub mod asynch;
pub mod cmsg;
#[cfg(feature = "conformance")]
pub mod conformance;
mod datagram;
mod domain;
mod endpoint;
mod error;
pub mod iovec;
mod listener;
pub mod msg;
mod msg_io;
pub mod opt;
pub mod poll;
mod poll_set;
pub mod resolve;
pub mod selector;
mod socket;
mod sockopt;
mod stack;
mod stream;
mod time;
pub mod unix_addr;

pub use addr::SocketAddr;
pub use datagram::Datagram;
pub use domain::{Domain, Shutdown, Type};
pub use endpoint::Endpoint;
pub use error::{Error, ErrorKind, Result, Wait};
pub use iovec::{IoVec, IoVecMut};
pub use listener::Listener;
pub use msg::{MsgFlags, Received, RecvBatch, RecvMeta, RecvMsg, SendBatch, SendMsg};
pub use msg_io::MsgIo;
pub use poll::{Interest, PollFd, Pollable, Readiness};
pub use poll_set::PollSet;
pub use resolve::{Family, Resolve};
pub use socket::Socket;
pub use sockopt::SockOpt;
pub use stack::Stack;
pub use stream::Stream;
pub use time::Instant;
pub use unix_addr::{UnixAddr, UnixAddrKind};

/// Re-exported so backends and users name the same `embedded-io` version.
pub use embedded_io;
/// Re-exported so backends and users name the same `embedded-io-async` version.
pub use embedded_io_async;

/// The traits, imported without their names: `use anysock_core::prelude::*;` makes every call
/// of every socket type reachable (`local_addr` comes from [`Endpoint`], `read` from
/// `embedded_io::Read`, ...), whatever the backend.
pub mod prelude {
    pub use crate::cmsg::Ancillary as _;
    pub use crate::embedded_io::{Read as _, ReadReady as _, Write as _, WriteReady as _};
    pub use crate::selector::{ScalableReadiness as _, Selector as _};
    pub use crate::{
        Datagram as _, Endpoint as _, Listener as _, MsgIo as _, Pollable as _, Resolve as _,
        SockOpt as _, Socket as _, Stack as _, Stream as _,
    };
}
