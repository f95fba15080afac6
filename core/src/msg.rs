//! The `msghdr` model: flags, the message to send, the buffers to receive into, and what came
//! back.

use core::fmt;
use core::ops::{BitOr, BitOrAssign};

use crate::addr::SocketAddr;
use crate::iovec::{IoVec, IoVecMut, DEFAULT_IOVECS};

/// Flags of `send`/`recv`/`sendmsg`/`recvmsg` (`MSG_*`), both those a caller passes and those
/// a received message reports in `msg_flags`.
///
/// The bits are anysock's own; each backend maps them to its platform's values. A flag the
/// platform lacks makes the call fail with [`crate::ErrorKind::Unsupported`] instead of being
/// dropped.
///
/// ```
/// use anysock_core::MsgFlags;
///
/// let f = MsgFlags::PEEK | MsgFlags::DONTWAIT;
/// assert!(f.contains(MsgFlags::PEEK));
/// assert!(!f.contains(MsgFlags::WAITALL));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MsgFlags(u32);

impl MsgFlags {
    /// No flag.
    pub const NONE: MsgFlags = MsgFlags(0);
    /// Look at the data without removing it from the queue (`MSG_PEEK`).
    pub const PEEK: MsgFlags = MsgFlags(1 << 0);
    /// Do not block for this one call, as if the socket were non-blocking (`MSG_DONTWAIT`).
    pub const DONTWAIT: MsgFlags = MsgFlags(1 << 1);
    /// Block until the whole buffer is filled, unless end of stream, an error, a signal or a
    /// timeout comes first (`MSG_WAITALL`).
    pub const WAITALL: MsgFlags = MsgFlags(1 << 2);
    /// Out-of-band data (`MSG_OOB`).
    pub const OOB: MsgFlags = MsgFlags(1 << 3);
    /// End of record, for seqpacket sockets (`MSG_EOR`).
    pub const EOR: MsgFlags = MsgFlags(1 << 4);
    /// Reported on receive: the datagram was longer than the buffers and the rest was discarded
    /// (`MSG_TRUNC`).
    pub const TRUNC: MsgFlags = MsgFlags(1 << 5);
    /// Reported on receive: control data did not fit the control buffer and was cut
    /// (`MSG_CTRUNC`).
    pub const CTRUNC: MsgFlags = MsgFlags(1 << 6);
    /// Send without `SIGPIPE` (`MSG_NOSIGNAL`). The POSIX backend always sends this way; the flag
    /// exists so code that names it still compiles.
    pub const NOSIGNAL: MsgFlags = MsgFlags(1 << 7);
    /// Send only to directly connected hosts, bypassing routing (`MSG_DONTROUTE`).
    pub const DONTROUTE: MsgFlags = MsgFlags(1 << 8);
    /// Every flag this type knows.
    pub const ALL: MsgFlags = MsgFlags((1 << 9) - 1);
    /// The flags a caller may pass to a send; others are [`crate::ErrorKind::InvalidInput`].
    pub const SEND_REQUESTS: MsgFlags = MsgFlags(
        Self::DONTWAIT.0 | Self::OOB.0 | Self::EOR.0 | Self::NOSIGNAL.0 | Self::DONTROUTE.0,
    );
    /// The flags a caller may pass to a receive; others (such as [`MsgFlags::TRUNC`], which is
    /// a report, not a request) are [`crate::ErrorKind::InvalidInput`].
    pub const RECV_REQUESTS: MsgFlags =
        MsgFlags(Self::PEEK.0 | Self::DONTWAIT.0 | Self::WAITALL.0 | Self::OOB.0);

    const NAMES: [(MsgFlags, &'static str); 9] = [
        (Self::PEEK, "PEEK"),
        (Self::DONTWAIT, "DONTWAIT"),
        (Self::WAITALL, "WAITALL"),
        (Self::OOB, "OOB"),
        (Self::EOR, "EOR"),
        (Self::TRUNC, "TRUNC"),
        (Self::CTRUNC, "CTRUNC"),
        (Self::NOSIGNAL, "NOSIGNAL"),
        (Self::DONTROUTE, "DONTROUTE"),
    ];

    /// The raw bits (anysock's numbering, not the platform's).
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The flags of `bits`; `None` when a bit is set that no flag uses.
    pub const fn from_bits(bits: u32) -> Option<MsgFlags> {
        if bits & !Self::ALL.0 == 0 {
            Some(MsgFlags(bits))
        } else {
            None
        }
    }

    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: MsgFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any flag of `other` is set.
    pub const fn intersects(self, other: MsgFlags) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// `self` with the flags of `other` set.
    #[must_use]
    pub const fn union(self, other: MsgFlags) -> MsgFlags {
        MsgFlags(self.0 | other.0)
    }

    /// `self` with the flags of `other` cleared.
    #[must_use]
    pub const fn difference(self, other: MsgFlags) -> MsgFlags {
        MsgFlags(self.0 & !other.0)
    }
}

impl BitOr for MsgFlags {
    type Output = MsgFlags;
    fn bitor(self, rhs: MsgFlags) -> MsgFlags {
        self.union(rhs)
    }
}

impl BitOrAssign for MsgFlags {
    fn bitor_assign(&mut self, rhs: MsgFlags) {
        *self = self.union(rhs);
    }
}

impl fmt::Debug for MsgFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MsgFlags(")?;
        let mut first = true;
        for (flag, name) in Self::NAMES {
            if self.contains(flag) {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        f.write_str(")")
    }
}

/// A message to send with `sendmsg`: an optional destination, the data as an [`IoVec`],
/// ancillary data, and flags.
///
/// `control` holds ancillary data already encoded in the backend's format (for the POSIX
/// backend: a sequence of `cmsghdr` records as the `CMSG_*` macros lay them out); leave it empty
/// when there is none.
///
/// ```
/// use anysock_core::{IoVec, MsgFlags, SendMsg};
///
/// let msg = SendMsg::new(IoVec::<2>::from_slices(&[b"head", b"body"])?).flags(MsgFlags::DONTWAIT);
/// assert_eq!(msg.iov.total_len(), 8);
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[doc(alias = "msghdr")]
pub struct SendMsg<'a, const N: usize = DEFAULT_IOVECS> {
    /// Where to send (`msg_name`); `None` on a connected socket.
    pub addr: Option<&'a SocketAddr>,
    /// The data, gathered in order (`msg_iov`).
    pub iov: IoVec<'a, N>,
    /// Encoded ancillary data (`msg_control`).
    pub control: &'a [u8],
    /// Flags for this call (`flags` argument of `sendmsg`).
    pub flags: MsgFlags,
}

impl<'a, const N: usize> SendMsg<'a, N> {
    /// A message of `iov`, no address, no control data, no flags.
    pub const fn new(iov: IoVec<'a, N>) -> Self {
        SendMsg {
            addr: None,
            iov,
            control: &[],
            flags: MsgFlags::NONE,
        }
    }

    /// The same message, sent to `addr`.
    #[must_use]
    pub const fn to(mut self, addr: &'a SocketAddr) -> Self {
        self.addr = Some(addr);
        self
    }

    /// The same message, with encoded ancillary data.
    #[must_use]
    pub const fn control(mut self, control: &'a [u8]) -> Self {
        self.control = control;
        self
    }

    /// The same message, with `flags`.
    #[must_use]
    pub const fn flags(mut self, flags: MsgFlags) -> Self {
        self.flags = flags;
        self
    }
}

/// Where `recvmsg` puts a message: the data buffers, a control buffer, and the call's flags.
///
/// ```
/// use anysock_core::{IoVecMut, MsgFlags, RecvMsg};
///
/// let mut buf = [0u8; 1500];
/// let mut cmsg = [0u8; 64];
/// let mut iov = IoVecMut::<1>::new();
/// iov.push(&mut buf)?;
/// let msg = RecvMsg::new(iov).control(&mut cmsg).flags(MsgFlags::PEEK);
/// assert_eq!(msg.control.len(), 64);
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Debug)]
#[doc(alias = "msghdr")]
pub struct RecvMsg<'a, const N: usize = DEFAULT_IOVECS> {
    /// The buffers, filled in order (`msg_iov`).
    pub iov: IoVecMut<'a, N>,
    /// Room for ancillary data (`msg_control`); its first [`RecvMeta::control_len`] bytes are
    /// valid after the call, in the backend's encoding.
    pub control: &'a mut [u8],
    /// Flags for this call (`flags` argument of `recvmsg`).
    pub flags: MsgFlags,
}

impl<'a, const N: usize> RecvMsg<'a, N> {
    /// Receive into `iov`, with no control buffer and no flags.
    pub fn new(iov: IoVecMut<'a, N>) -> Self {
        RecvMsg {
            iov,
            control: &mut [],
            flags: MsgFlags::NONE,
        }
    }

    /// The same, with a control buffer.
    #[must_use]
    pub fn control(mut self, control: &'a mut [u8]) -> Self {
        self.control = control;
        self
    }

    /// The same, with `flags`.
    #[must_use]
    pub fn flags(mut self, flags: MsgFlags) -> Self {
        self.flags = flags;
        self
    }
}

/// What `recvmsg` reports about the message it received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvMeta {
    /// Bytes written into the buffers. `0` on a stream means end of stream; on a datagram socket
    /// it may be an empty datagram.
    pub len: usize,
    /// The sender (`msg_name`), when the socket type reports one; `None` on connected streams.
    pub addr: Option<SocketAddr>,
    /// Bytes of valid ancillary data at the start of the control buffer (`msg_controllen`).
    pub control_len: usize,
    /// Flags of the received message (`msg_flags`): [`MsgFlags::TRUNC`], [`MsgFlags::CTRUNC`],
    /// [`MsgFlags::EOR`], [`MsgFlags::OOB`].
    pub flags: MsgFlags,
}

/// What a datagram receive reports: how many bytes landed in the buffer, and whether the
/// datagram was longer than the buffer (the rest is gone: `MSG_TRUNC`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    /// Bytes written into the buffer.
    pub len: usize,
    /// The datagram did not fit and was cut to `len` bytes.
    pub truncated: bool,
}
