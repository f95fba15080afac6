//! Ancillary data in the mock's own encoding: sizing control buffers, writing typed messages
//! into them, and reading received ones back.
//!
//! The mock is no kernel, so it has no `struct cmsghdr`; its control buffers hold a plain
//! sequence of records, each one:
//!
//! | bytes | field |
//! |---|---|
//! | 0..4 | `len`: the whole record, header included, `u32` little-endian |
//! | 4..8 | `level`, `i32` little-endian |
//! | 8..12 | `type`, `i32` little-endian |
//! | 12..len | the payload |
//!
//! No alignment and no padding: the next record starts at `len`. Levels and types take
//! Linux's numbers, so [`Cmsg::Raw`] reads the same here as there. Typed payloads, all
//! little-endian:
//!
//! | message | level, type | payload |
//! |---|---|---|
//! | [`Cmsg::Rights`] | [`SOL_SOCKET`], [`SCM_RIGHTS`] | per socket: its [`Handle`] (slot `u32`, generation `u32`); a socket closed on receive reads as 8 bytes of `0xff` |
//! | [`Cmsg::Credentials`] | [`SOL_SOCKET`], [`SCM_CREDENTIALS`] | `pid: i32`, `uid: u32`, `gid: u32` |
//! | [`Cmsg::PktInfo`] (IPv4) | [`IPPROTO_IP`], [`IP_PKTINFO`] | `ifindex: u32`, the address (4 bytes) |
//! | [`Cmsg::PktInfo`] (IPv6) | [`IPPROTO_IPV6`], [`IPV6_PKTINFO`] | the address (16 bytes), `ifindex: u32` |
//!
//! Portable code uses [`anysock_core::cmsg::Ancillary`], which [`crate::Stream`] and
//! [`crate::Datagram`] implement; [`ControlWriter`] and [`ControlReader`] are for code that
//! knows it runs on the mock (and for control data received by
//! [`anysock_core::MsgIo::recv_msg`], which owns no socket).
//!
//! ```
//! use anysock_mock::cmsg::{self, ControlReader, ControlWriter};
//! use anysock_core::cmsg::{Cmsg, Credentials};
//!
//! let me = Credentials { pid: 1000, uid: 1000, gid: 1000 };
//! let mut buf = [0u8; cmsg::space(cmsg::CREDENTIALS_LEN)];
//! let mut w = ControlWriter::new(&mut buf);
//! w.push(&Cmsg::Credentials(me))?;
//! let mut r = ControlReader::new(w.as_bytes());
//! assert!(matches!(r.next(), Some(Ok(Cmsg::Credentials(c))) if c == me));
//! assert!(r.next().is_none());
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! [`Cmsg::Raw`]: anysock_core::cmsg::Cmsg::Raw
//! [`Cmsg::Rights`]: anysock_core::cmsg::Cmsg::Rights
//! [`Cmsg::Credentials`]: anysock_core::cmsg::Cmsg::Credentials
//! [`Cmsg::PktInfo`]: anysock_core::cmsg::Cmsg::PktInfo
//! [`Handle`]: crate::Handle

pub use crate::base::cmsg::*;
pub use crate::kernel::ancillary::{HOST_IFINDEX, LOOPBACK_IFINDEX};
pub use crate::socket::passed::{PassedSocket, ReceivedControl, ReceivedSockets};
