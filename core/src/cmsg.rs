//! Typed ancillary data: the control messages (`struct cmsghdr` records) that travel beside the
//! data of `sendmsg`/`recvmsg`.
//!
//! [`Cmsg`] names each message a program usually cares about — passed descriptors
//! (`SCM_RIGHTS`), the sender's credentials, the packet's local address and interface, receive
//! timestamps, TOS/traffic class, TTL/hop limit, UDP segmentation offload — and carries every
//! other one as [`Cmsg::Raw`], so nothing the kernel hands over is ever dropped.
//!
//! The byte encoding (the `CMSG_*` layout, alignment, level and type numbers) belongs to the
//! backend; this crate only names the values. A backend that can carry ancillary data
//! implements [`Ancillary`] on its sockets: that is how portable code sends typed messages and
//! receives them, without knowing the encoding.
//!
//! Control buffers are always the caller's, of fixed size: nothing here allocates. A backend
//! offers `const` helpers to size them (the POSIX backend: `anysock_posix::cmsg::space`,
//! `space_for_rights`), and [`Ancillary::control_space`] tells the same at run time.

use core::net::IpAddr;

use crate::error::Result;
use crate::msg::{RecvMeta, RecvMsg};
use crate::msg_io::MsgIo;
use crate::poll::Pollable;

/// The sender of a message on a Unix socket, as the kernel vouches for it
/// (`SCM_CREDENTIALS`, `struct ucred`).
///
/// Received when the receiving socket has the pass-credentials option on (`SO_PASSCRED`,
/// Linux). When sent, the kernel checks the values: a process may only name itself, unless
/// privileged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "ucred")]
#[doc(alias = "SCM_CREDENTIALS")]
pub struct Credentials {
    /// Process id.
    pub pid: i32,
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

/// The local end of a datagram: its address and interface (`IP_PKTINFO`, `IPV6_PKTINFO`).
///
/// Received (with the packet-info option on): `addr` is the address the datagram was sent to —
/// useful on a socket bound to a wildcard address — and `ifindex` the interface it arrived on.
/// Sent: `addr` chooses the source address of the datagram (unspecified: let the kernel
/// choose), and a non-zero `ifindex` the outgoing interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "in_pktinfo")]
#[doc(alias = "in6_pktinfo")]
#[doc(alias = "IP_PKTINFO")]
#[doc(alias = "IPV6_PKTINFO")]
pub struct PktInfo {
    /// The local address (destination of a received datagram, source of a sent one). Its family
    /// picks the IPv4 or the IPv6 message.
    pub addr: IpAddr,
    /// The interface index; `0` means none or any.
    pub ifindex: u32,
}

/// A point in time, as seconds and nanoseconds since the Unix epoch (`struct timeval`,
/// `struct timespec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "timeval")]
#[doc(alias = "timespec")]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    pub secs: i64,
    /// Nanoseconds past `secs`, below 1,000,000,000.
    pub nanos: u32,
}

impl Timestamp {
    /// The time since the epoch as a `Duration`; `None` before the epoch.
    pub const fn since_epoch(&self) -> Option<core::time::Duration> {
        if self.secs < 0 {
            None
        } else {
            Some(core::time::Duration::new(self.secs as u64, self.nanos))
        }
    }
}

/// One ancillary message, typed.
///
/// `F` is how descriptors of [`Cmsg::Rights`] are held: borrowed handles (`&[Handle]`) on send;
/// on receive, a backend type that owns them, so none is ever leaked (see
/// [`Ancillary::ReceivedFds`]).
///
/// Each variant says which message it is in the C API, and which option makes the kernel
/// deliver it; a message received without a typed variant here comes as [`Cmsg::Raw`].
///
/// ```
/// use anysock_core::cmsg::{Cmsg, PktInfo};
/// use core::net::Ipv4Addr;
///
/// let handles = [3, 4];
/// let outgoing: [Cmsg<'_, &[i32]>; 2] = [
///     Cmsg::Rights(&handles),
///     Cmsg::PktInfo(PktInfo { addr: Ipv4Addr::LOCALHOST.into(), ifindex: 0 }),
/// ];
/// assert!(matches!(outgoing[0], Cmsg::Rights(fds) if fds.len() == 2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[doc(alias = "cmsghdr")]
pub enum Cmsg<'a, F> {
    /// Descriptors passed over a Unix socket (`SCM_RIGHTS`). Sent: the sender keeps its own;
    /// the receiver gets new ones for the same open files.
    #[doc(alias = "SCM_RIGHTS")]
    Rights(F),
    /// The sender's credentials (`SCM_CREDENTIALS`; received with `SO_PASSCRED`, Linux).
    #[doc(alias = "SCM_CREDENTIALS")]
    Credentials(Credentials),
    /// Local address and interface of a datagram (`IP_PKTINFO` / `IPV6_PKTINFO`; received with
    /// the `PktInfo` / `RecvPktInfo` options).
    #[doc(alias = "IP_PKTINFO")]
    #[doc(alias = "IPV6_PKTINFO")]
    PktInfo(PktInfo),
    /// When the message was received, to the microsecond (`SO_TIMESTAMP`, `SCM_TIMESTAMP`).
    #[doc(alias = "SO_TIMESTAMP")]
    #[doc(alias = "SCM_TIMESTAMP")]
    Timestamp(Timestamp),
    /// When the message was received, to the nanosecond (`SO_TIMESTAMPNS`, Linux).
    #[doc(alias = "SO_TIMESTAMPNS")]
    #[doc(alias = "SCM_TIMESTAMPNS")]
    TimestampNs(Timestamp),
    /// The IPv4 type-of-service byte (`IP_TOS`): received with `IP_RECVTOS`; sent, it sets the
    /// byte of this datagram.
    #[doc(alias = "IP_TOS")]
    Tos(u8),
    /// The IPv6 traffic class (`IPV6_TCLASS`): received with `IPV6_RECVTCLASS`; sent, it sets
    /// the class of this datagram.
    #[doc(alias = "IPV6_TCLASS")]
    TrafficClass(u8),
    /// The IPv4 time-to-live (`IP_TTL`): received with `IP_RECVTTL`; sent, it sets the TTL of
    /// this datagram.
    #[doc(alias = "IP_TTL")]
    Ttl(u8),
    /// The IPv6 hop limit (`IPV6_HOPLIMIT`): received with `IPV6_RECVHOPLIMIT`; sent, it sets
    /// the hop limit of this datagram.
    #[doc(alias = "IPV6_HOPLIMIT")]
    HopLimit(u8),
    /// Sent: cut this one buffer into datagrams of this many bytes, in the kernel or the
    /// network card (`UDP_SEGMENT`, generic segmentation offload, Linux).
    #[doc(alias = "UDP_SEGMENT")]
    UdpSegment(u16),
    /// Received: the buffer holds several datagrams of this size, coalesced by the kernel
    /// (`UDP_GRO`, generic receive offload, Linux; the last one may be shorter).
    #[doc(alias = "UDP_GRO")]
    UdpGro(u16),
    /// Any other message, exactly as the kernel gave it: its level and type in the backend's
    /// numbering (`cmsg_level`, `cmsg_type`) and its payload (`CMSG_DATA`, `cmsg_len` minus the
    /// header).
    Raw {
        /// `cmsg_level`, e.g. `SOL_SOCKET`.
        level: i32,
        /// `cmsg_type`, e.g. `SCM_RIGHTS`.
        ty: i32,
        /// The payload.
        data: &'a [u8],
    },
}

impl<'a, F> Cmsg<'a, F> {
    /// The same message with its descriptors turned into something else by `f` (a backend's
    /// raw numbers into owned descriptors, say); every other message as it is.
    pub fn map_rights<G>(self, f: impl FnOnce(F) -> G) -> Cmsg<'a, G> {
        match self {
            Cmsg::Rights(fds) => Cmsg::Rights(f(fds)),
            Cmsg::Credentials(c) => Cmsg::Credentials(c),
            Cmsg::PktInfo(p) => Cmsg::PktInfo(p),
            Cmsg::Timestamp(t) => Cmsg::Timestamp(t),
            Cmsg::TimestampNs(t) => Cmsg::TimestampNs(t),
            Cmsg::Tos(v) => Cmsg::Tos(v),
            Cmsg::TrafficClass(v) => Cmsg::TrafficClass(v),
            Cmsg::Ttl(v) => Cmsg::Ttl(v),
            Cmsg::HopLimit(v) => Cmsg::HopLimit(v),
            Cmsg::UdpSegment(v) => Cmsg::UdpSegment(v),
            Cmsg::UdpGro(v) => Cmsg::UdpGro(v),
            Cmsg::Raw { level, ty, data } => Cmsg::Raw { level, ty, data },
        }
    }
}

/// A socket that sends and receives typed ancillary data.
///
/// The encoding is the backend's: [`Ancillary::encode_control`] writes [`Cmsg`]s into a
/// caller's buffer, which then goes into [`crate::SendMsg::control`] as it is;
/// [`Ancillary::recv_msg_control`] receives and hands back a decoder that owns what it decodes.
/// Descriptors received in [`Cmsg::Rights`] belong to the receiver from then on: whether taken
/// out, ignored, or cut by `MSG_CTRUNC`, none stays open unowned.
///
/// ```no_run
/// use anysock_core::cmsg::{Ancillary, Cmsg};
/// use anysock_core::{IoVec, IoVecMut, MsgIo, RecvMsg, SendMsg};
///
/// /// Passes `fd` with one byte of data.
/// fn pass<S: Ancillary>(sock: &mut S, fd: S::Handle) -> anysock_core::Result<()> {
///     let mut control = [0u8; 64];
///     let len = S::encode_control(&mut control, &[Cmsg::Rights(&[fd])])?;
///     sock.send_msg(&SendMsg::new(IoVec::<1>::from_slices(&[b"!"])?).control(&control[..len]))?;
///     Ok(())
/// }
///
/// /// Counts what came with one message; the descriptors are closed when `control` is dropped.
/// fn count<S: Ancillary>(sock: &mut S) -> anysock_core::Result<usize> {
///     let (mut data, mut control) = ([0u8; 16], [0u8; 64]);
///     let mut iov = IoVecMut::<1>::new();
///     iov.push(&mut data)?;
///     let (_meta, received) = sock.recv_msg_control(&mut RecvMsg::new(iov), &mut control)?;
///     let mut n = 0;
///     for item in received {
///         item?;
///         n += 1;
///     }
///     Ok(n)
/// }
/// ```
pub trait Ancillary: MsgIo + Pollable {
    /// The descriptors of one received [`Cmsg::Rights`], owned: each one taken out is the
    /// caller's; those left are closed when this is dropped.
    type ReceivedFds<'c>;

    /// The decoder of one received control buffer: an iterator of messages. A malformed record
    /// is an `Err` item (never a panic); descriptors of messages not yet yielded are closed
    /// when it is dropped.
    type Control<'c>: Iterator<Item = Result<Cmsg<'c, Self::ReceivedFds<'c>>>>;

    /// The bytes `msg` takes in a control buffer (`CMSG_SPACE` of its payload); `0` for a
    /// message this backend cannot send.
    #[doc(alias = "CMSG_SPACE")]
    fn control_space(msg: &Cmsg<'_, &[Self::Handle]>) -> usize;

    /// Encodes `msgs`, in order, at the start of `buf`; returns the bytes used, to send as
    /// [`crate::SendMsg::control`].
    ///
    /// Fails before any syscall: [`crate::ErrorKind::InvalidInput`] when they do not fit in
    /// `buf`, when a message carries more descriptors than the system passes at once, or a
    /// value it cannot encode (such as a received-only message); and
    /// [`crate::ErrorKind::Unsupported`] for a message this platform does not have.
    fn encode_control(buf: &mut [u8], msgs: &[Cmsg<'_, &[Self::Handle]>]) -> Result<usize>;

    /// `recvmsg(fd, &msghdr, flags)` with ancillary data received into `control` and decoded.
    ///
    /// Like [`MsgIo::recv_msg`]; `msg.control` must be empty (the control buffer is `control`,
    /// lent to the decoder), else [`crate::ErrorKind::InvalidInput`]. `MSG_CTRUNC` in
    /// [`RecvMeta::flags`] says `control` was too small and messages were cut or lost.
    #[doc(alias = "recvmsg")]
    fn recv_msg_control<'c, const N: usize>(
        &mut self,
        msg: &mut RecvMsg<'_, N>,
        control: &'c mut [u8],
    ) -> Result<(RecvMeta, Self::Control<'c>)>;
}
