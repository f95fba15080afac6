//! The `msghdr` model: flags, the message to send, the buffers to receive into, and what came
//! back.

use core::fmt;
use core::ops::{BitOr, BitOrAssign};

use crate::addr::SocketAddr;
use crate::error::{Error, ErrorKind, Result};
use crate::iovec::{IoVec, IoVecMut, DEFAULT_IOVECS};

/// Flags of [`send`][send(2)]/[`recv`][recv(2)]/`sendmsg`/`recvmsg` (`MSG_*`), both those a caller
/// passes and those a received message reports in `msg_flags`.
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
///
/// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
/// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MsgFlags(u32);

impl MsgFlags {
    /// No flag.
    pub const NONE: MsgFlags = MsgFlags(0);
    /// Look at the data without removing it from the queue (`MSG_PEEK`).
    #[doc(alias = "MSG_PEEK")]
    pub const PEEK: MsgFlags = MsgFlags(1 << 0);
    /// Do not block for this one call, as if the socket were non-blocking (`MSG_DONTWAIT`).
    #[doc(alias = "MSG_DONTWAIT")]
    pub const DONTWAIT: MsgFlags = MsgFlags(1 << 1);
    /// Block until the whole buffer is filled, unless end of stream, an error, a signal or a
    /// timeout comes first (`MSG_WAITALL`).
    #[doc(alias = "MSG_WAITALL")]
    pub const WAITALL: MsgFlags = MsgFlags(1 << 2);
    /// Out-of-band data (`MSG_OOB`).
    #[doc(alias = "MSG_OOB")]
    pub const OOB: MsgFlags = MsgFlags(1 << 3);
    /// End of record, for seqpacket sockets (`MSG_EOR`).
    #[doc(alias = "MSG_EOR")]
    pub const EOR: MsgFlags = MsgFlags(1 << 4);
    /// Reported on receive: the datagram was longer than the buffers and the rest was discarded
    /// (`MSG_TRUNC`).
    #[doc(alias = "MSG_TRUNC")]
    pub const TRUNC: MsgFlags = MsgFlags(1 << 5);
    /// Reported on receive: control data did not fit the control buffer and was cut
    /// (`MSG_CTRUNC`).
    #[doc(alias = "MSG_CTRUNC")]
    pub const CTRUNC: MsgFlags = MsgFlags(1 << 6);
    /// Send without `SIGPIPE` (`MSG_NOSIGNAL`). The POSIX backend always sends this way; the flag
    /// exists so code that names it still compiles.
    #[doc(alias = "MSG_NOSIGNAL")]
    pub const NOSIGNAL: MsgFlags = MsgFlags(1 << 7);
    /// Send only to directly connected hosts, bypassing routing (`MSG_DONTROUTE`).
    #[doc(alias = "MSG_DONTROUTE")]
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

    /// The flags of a send, as every backend checks them before anything else: refused with
    /// [`crate::ErrorKind::InvalidInput`] when one of them is not a send's
    /// ([`MsgFlags::SEND_REQUESTS`]: a receive's `PEEK`, a report such as `TRUNC`), as Linux
    /// refuses them with `EINVAL`.
    #[inline]
    pub fn check_send(self) -> Result<MsgFlags> {
        self.check(Self::SEND_REQUESTS)
    }

    /// The flags of a receive, checked as [`MsgFlags::check_send`] checks a send's, against
    /// [`MsgFlags::RECV_REQUESTS`].
    #[inline]
    pub fn check_recv(self) -> Result<MsgFlags> {
        self.check(Self::RECV_REQUESTS)
    }

    #[inline]
    fn check(self, allowed: MsgFlags) -> Result<MsgFlags> {
        if allowed.contains(self) {
            Ok(self)
        } else {
            Err(Error::new(ErrorKind::InvalidInput))
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

/// A message to send with [`sendmsg`][send(2)]: an optional destination, the data as an [`IoVec`],
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
///
/// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
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

/// Where [`recvmsg`][recv(2)] puts a message: the data buffers, a control buffer, and the call's
/// flags.
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
///
/// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
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

/// What `recvmsg` reports about the message it received: the `msghdr` fields the kernel
/// writes back (`msg_namelen`, `msg_controllen`, `msg_flags`) and the call's result.
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

impl RecvMeta {
    /// Nothing received: zero bytes, no address, no control data, no flags.
    pub const EMPTY: RecvMeta = RecvMeta {
        len: 0,
        addr: None,
        control_len: 0,
        flags: MsgFlags::NONE,
    };
}

/// Up to `B` messages to send in one call (`struct mmsghdr[]` for
/// [`sendmmsg`][sendmmsg(2)]), each with its own
/// address, buffers, control data and flags; after [`crate::MsgIo::send_mmsg`], the bytes sent
/// of each.
///
/// ```
/// use anysock_core::{ErrorKind, IoVec, SendBatch, SendMsg};
///
/// let mut batch = SendBatch::<2, 1>::new();
/// batch.push(SendMsg::new(IoVec::from_slices(&[b"one"])?))?;
/// batch.push(SendMsg::new(IoVec::from_slices(&[b"two"])?))?;
/// let third = SendMsg::new(IoVec::from_slices(&[b"three"])?);
/// assert_eq!(batch.push(third).unwrap_err().kind(), ErrorKind::InvalidInput);
/// assert_eq!(batch.len(), 2);
/// # Ok::<(), anysock_core::Error>(())
/// ```
///
/// [sendmmsg(2)]: https://man7.org/linux/man-pages/man2/sendmmsg.2.html
#[derive(Clone, Copy, Debug)]
#[doc(alias = "mmsghdr")]
pub struct SendBatch<'a, const B: usize, const N: usize = DEFAULT_IOVECS> {
    msgs: [SendMsg<'a, N>; B],
    sent: [usize; B],
    len: usize,
}

impl<'a, const B: usize, const N: usize> SendBatch<'a, B, N> {
    /// An empty batch.
    pub const fn new() -> Self {
        SendBatch {
            msgs: [SendMsg::new(IoVec::new()); B],
            sent: [0; B],
            len: 0,
        }
    }

    /// Appends a message; [`crate::ErrorKind::InvalidInput`] when the batch already holds `B`.
    pub fn push(&mut self, msg: SendMsg<'a, N>) -> Result<()> {
        let slot = self
            .msgs
            .get_mut(self.len)
            .ok_or(Error::new(ErrorKind::InvalidInput))?;
        *slot = msg;
        self.sent[self.len] = 0;
        self.len += 1;
        Ok(())
    }

    /// Empties the batch, to fill it again.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// The messages, in order.
    pub fn messages(&self) -> &[SendMsg<'a, N>] {
        &self.msgs[..self.len]
    }

    /// Bytes sent of each message by the last `send_mmsg` (`msg_len`): valid for as many
    /// messages as it reported sent.
    pub fn sent(&self) -> &[usize] {
        &self.sent[..self.len]
    }

    /// The messages and the counts of bytes sent, for a backend filling both in one pass.
    pub fn parts_mut(&mut self) -> (&[SendMsg<'a, N>], &mut [usize]) {
        (&self.msgs[..self.len], &mut self.sent[..self.len])
    }

    /// How many messages the batch holds.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the batch holds no message.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The most messages the batch can hold: `B`.
    pub const fn capacity(&self) -> usize {
        B
    }
}

impl<const B: usize, const N: usize> Default for SendBatch<'_, B, N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Up to `B` messages to receive in one call (`struct mmsghdr[]` for
/// [`recvmmsg`][recvmmsg(2)]), each into its
/// own buffers and control buffer; after [`crate::MsgIo::recv_mmsg`], what each one received.
///
/// All messages of a batch take the same request flags, since `recvmmsg` has one flags
/// argument for the whole call.
///
/// ```
/// use anysock_core::{IoVecMut, RecvBatch, RecvMsg};
///
/// let mut bufs = [[0u8; 64]; 4];
/// let mut batch = RecvBatch::<4, 1>::new();
/// for buf in &mut bufs {
///     let mut iov = IoVecMut::new();
///     iov.push(buf)?;
///     batch.push(RecvMsg::new(iov))?;
/// }
/// assert_eq!(batch.len(), batch.capacity());
/// # Ok::<(), anysock_core::Error>(())
/// ```
///
/// [recvmmsg(2)]: https://man7.org/linux/man-pages/man2/recvmmsg.2.html
#[derive(Debug)]
#[doc(alias = "mmsghdr")]
pub struct RecvBatch<'a, const B: usize, const N: usize = DEFAULT_IOVECS> {
    msgs: [RecvMsg<'a, N>; B],
    meta: [RecvMeta; B],
    len: usize,
}

impl<'a, const B: usize, const N: usize> RecvBatch<'a, B, N> {
    /// An empty batch.
    pub fn new() -> Self {
        RecvBatch {
            msgs: core::array::from_fn(|_| RecvMsg::new(IoVecMut::new())),
            meta: [RecvMeta::EMPTY; B],
            len: 0,
        }
    }

    /// Appends a message; [`crate::ErrorKind::InvalidInput`] when the batch already holds `B`.
    pub fn push(&mut self, msg: RecvMsg<'a, N>) -> Result<()> {
        let slot = self
            .msgs
            .get_mut(self.len)
            .ok_or(Error::new(ErrorKind::InvalidInput))?;
        *slot = msg;
        self.meta[self.len] = RecvMeta::EMPTY;
        self.len += 1;
        Ok(())
    }

    /// Empties the batch, to fill it again.
    pub fn clear(&mut self) {
        for msg in &mut self.msgs[..self.len] {
            *msg = RecvMsg::new(IoVecMut::new());
        }
        self.len = 0;
    }

    /// The messages, in order: after a receive, message `i` holds `meta()[i].len` bytes.
    pub fn messages(&self) -> &[RecvMsg<'a, N>] {
        &self.msgs[..self.len]
    }

    /// What the last `recv_mmsg` received into each message: valid for as many messages as it
    /// reported received.
    pub fn meta(&self) -> &[RecvMeta] {
        &self.meta[..self.len]
    }

    /// The messages and their reports, for a backend filling both in one pass.
    pub fn parts_mut(&mut self) -> (&mut [RecvMsg<'a, N>], &mut [RecvMeta]) {
        (&mut self.msgs[..self.len], &mut self.meta[..self.len])
    }

    /// The request flags of the batch (those of its first message), or
    /// [`crate::ErrorKind::InvalidInput`] when its messages disagree.
    pub fn flags(&self) -> Result<MsgFlags> {
        let first = self.messages().first().map_or(MsgFlags::NONE, |m| m.flags);
        if self.messages().iter().any(|m| m.flags != first) {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        Ok(first)
    }

    /// How many messages the batch holds.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the batch holds no message.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The most messages the batch can hold: `B`.
    pub const fn capacity(&self) -> usize {
        B
    }
}

impl<const B: usize, const N: usize> Default for RecvBatch<'_, B, N> {
    fn default() -> Self {
        Self::new()
    }
}
