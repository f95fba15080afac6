//! Ancillary data in the POSIX encoding: sizing control buffers, writing typed messages into
//! them, and reading received ones back.
//!
//! Two ways in:
//! - portable code uses [`anysock_core::cmsg::Ancillary`], which [`crate::Stream`] and
//!   [`crate::Datagram`] implement: `encode_control` to send, `recv_msg_control` to receive
//!   with descriptors owned;
//! - code that knows it runs here may also use [`ControlWriter`] (append messages one by one),
//!   [`ControlReader`] (decode any bytes, owning nothing: for control data received by
//!   [`anysock_core::MsgIo::recv_msg`] or in a batch), and the `const` sizing helpers.
//!
//! Descriptors are never left unowned. [`anysock_core::MsgIo::recv_msg`] and `recv_mmsg`
//! close any they receive (their numbers read `-1` in the raw bytes); to keep them, receive
//! with `recv_msg_control`, whose [`ReceivedControl`] closes what the caller does not take.
//!
//! ```
//! use anysock_posix::cmsg::{self, ControlWriter};
//! use anysock_posix::Posix;
//! use anysock_core::cmsg::{Ancillary, Cmsg};
//! use anysock_core::{IoVec, IoVecMut, MsgIo, RecvMsg, SendMsg, Socket, Stack, Type};
//!
//! let (a, b) = Posix.socketpair(Type::Datagram)?;
//! let (mut a, mut b) = (a.into_datagram()?, b.into_datagram()?);
//! let (pass, _keep) = Posix.socketpair(Type::Stream)?;
//!
//! // Send one descriptor with one byte of data.
//! let mut space = [0u8; cmsg::space_for_rights(1)];
//! let mut control = ControlWriter::new(&mut space);
//! control.push(&Cmsg::Rights(&[pass.as_raw_fd()]))?;
//! a.send_msg(&SendMsg::new(IoVec::<1>::from_slices(&[b"!"])?).control(control.as_bytes()))?;
//!
//! // Receive it: it is ours now, closed when dropped unless taken.
//! let (mut data, mut space) = ([0u8; 1], [0u8; cmsg::space_for_rights(1)]);
//! let mut iov = IoVecMut::<1>::new();
//! iov.push(&mut data)?;
//! let (_meta, received) = b.recv_msg_control(&mut RecvMsg::new(iov), &mut space)?;
//! for item in received {
//!     if let Cmsg::Rights(fds) = item? {
//!         for fd in fds {
//!             let stream = fd.into_stream()?;
//!             # let _ = stream;
//!         }
//!     }
//! }
//! # Ok::<(), anysock_core::Error>(())
//! ```

use anysock_core::cmsg::Cmsg;
use anysock_core::Result;

use crate::sys;
use crate::{Datagram, Stream};

pub use crate::passed::{PassedFd, ReceivedControl, ReceivedFds};

/// The most descriptors one [`Cmsg::Rights`] message may carry (`SCM_MAX_FD`); more is
/// [`ErrorKind::InvalidInput`](anysock_core::ErrorKind::InvalidInput).
pub const MAX_FDS: usize = sys::cmsg::MAX_FDS;

/// Bytes a message with a `payload`-byte payload takes in a control buffer, header and padding
/// included: `CMSG_SPACE(payload)`. Add them up to size a buffer.
///
/// ```
/// use anysock_posix::cmsg;
///
/// let buf = [0u8; cmsg::space(4) + cmsg::space(12)];
/// assert!(buf.len() >= 4 + 12);
/// ```
#[doc(alias = "CMSG_SPACE")]
pub const fn space(payload: usize) -> usize {
    sys::cmsg::space(payload)
}

/// The `cmsg_len` of a message with a `payload`-byte payload: `CMSG_LEN(payload)` — the
/// header and the payload, without the trailing padding.
#[doc(alias = "CMSG_LEN")]
pub const fn record_len(payload: usize) -> usize {
    sys::cmsg::record_len(payload)
}

/// Bytes an `SCM_RIGHTS` message of `n` descriptors takes: `CMSG_SPACE(n * sizeof(int))`.
#[doc(alias = "SCM_RIGHTS")]
pub const fn space_for_rights(n: usize) -> usize {
    space(n.saturating_mul(core::mem::size_of::<i32>()))
}

/// Bytes `msg` takes in a control buffer (`CMSG_SPACE` of its payload).
///
/// ```
/// use anysock_posix::cmsg;
/// use anysock_core::cmsg::Cmsg;
///
/// const SPACE: usize = cmsg::space_of(&Cmsg::Ttl(64)) + cmsg::space_for_rights(2);
/// let buf = [0u8; SPACE];
/// # let _ = buf;
/// ```
pub const fn space_of(msg: &Cmsg<'_, &[i32]>) -> usize {
    space(sys::cmsg::payload_len(msg))
}

/// Writes typed messages one after the other into a caller's control buffer, in the layout
/// `sendmsg` expects; [`ControlWriter::as_bytes`] is then [`anysock_core::SendMsg::control`].
///
/// A message that does not fit is [`ErrorKind::InvalidInput`](anysock_core::ErrorKind::InvalidInput) and leaves the buffer as it was,
/// so a send never goes out with control data silently cut. Descriptors are raw numbers
/// (`as_raw_fd()`), borrowed for the send: the sender keeps its own.
///
/// ```
/// use anysock_posix::cmsg::{self, ControlWriter};
/// use anysock_core::cmsg::Cmsg;
/// use anysock_core::ErrorKind;
///
/// let mut buf = [0u8; cmsg::space_for_rights(1)];
/// let mut w = ControlWriter::new(&mut buf);
/// w.push(&Cmsg::Rights(&[0]))?;
/// assert_eq!(w.push(&Cmsg::Rights(&[1])).unwrap_err().kind(), ErrorKind::InvalidInput);
/// assert_eq!(w.len(), cmsg::space_for_rights(1));
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Debug)]
#[doc(alias = "CMSG_FIRSTHDR")]
#[doc(alias = "CMSG_NXTHDR")]
pub struct ControlWriter<'c> {
    inner: sys::cmsg::Writer<'c>,
}

impl<'c> ControlWriter<'c> {
    /// An empty writer over `buf`.
    pub fn new(buf: &'c mut [u8]) -> Self {
        ControlWriter {
            inner: sys::cmsg::Writer::new(buf),
        }
    }

    /// Appends `msg`, padded to the next record boundary.
    ///
    /// Errors, writing nothing: [`ErrorKind::InvalidInput`](anysock_core::ErrorKind::InvalidInput) when it does not fit, when
    /// [`Cmsg::Rights`] holds more than [`MAX_FDS`] descriptors or a negative one, or a value
    /// has no encoding (a [`Cmsg::Timestamp`] finer than a microsecond, an interface index
    /// beyond `int`); [`ErrorKind::Unsupported`](anysock_core::ErrorKind::Unsupported) for a message this system lacks. Messages the
    /// kernel only delivers (timestamps, `UDP_GRO`) encode, for tests, but `sendmsg` refuses
    /// them.
    pub fn push(&mut self, msg: &Cmsg<'_, &[i32]>) -> Result<()> {
        self.inner.push(msg)
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.inner.bytes()
    }

    /// The bytes written, for as long as the buffer is borrowed.
    pub fn into_bytes(self) -> &'c [u8] {
        self.inner.into_bytes()
    }

    /// How many bytes are written.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.inner.len() == 0
    }
}

/// Decodes the messages of a control buffer: an iterator of `Result<Cmsg<'c, RawFds<'c>>>`.
///
/// Any bytes are safe to give it: a `cmsg_len` shorter than a header or longer than what is
/// left is an `Err` item and ends the iteration; a typed message whose payload has the wrong
/// size is an `Err` item and iteration goes on; messages it has no type for are
/// [`Cmsg::Raw`]. It owns no descriptor: [`Cmsg::Rights`] shows their numbers only.
///
/// ```
/// use anysock_posix::cmsg::{ControlReader, ControlWriter};
/// use anysock_core::cmsg::Cmsg;
///
/// let mut buf = [0u8; 64];
/// let mut w = ControlWriter::new(&mut buf);
/// w.push(&Cmsg::Ttl(64))?;
/// let mut r = ControlReader::new(w.as_bytes());
/// assert!(matches!(r.next(), Some(Ok(Cmsg::Ttl(64)))));
/// assert!(r.next().is_none());
///
/// // Garbage is an error item, not a panic.
/// let mut r = ControlReader::new(&[0xff; 7]);
/// assert!(r.next().unwrap().is_err());
/// assert!(r.next().is_none());
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Clone, Debug)]
#[doc(alias = "CMSG_FIRSTHDR")]
#[doc(alias = "CMSG_NXTHDR")]
#[doc(alias = "CMSG_DATA")]
pub struct ControlReader<'c> {
    buf: &'c [u8],
    pos: usize,
}

impl<'c> ControlReader<'c> {
    /// A reader over `buf`: the first [`anysock_core::RecvMeta::control_len`] bytes of a
    /// received control buffer, or bytes from anywhere.
    pub fn new(buf: &'c [u8]) -> Self {
        ControlReader { buf, pos: 0 }
    }
}

impl<'c> Iterator for ControlReader<'c> {
    type Item = Result<Cmsg<'c, RawFds<'c>>>;

    fn next(&mut self) -> Option<Self::Item> {
        match sys::cmsg::record_at(self.buf, self.pos)? {
            Ok((record, next)) => {
                self.pos = next;
                let data = &self.buf[record.start..record.end];
                let msg = sys::cmsg::decode(record.level, record.ty, data);
                Some(msg.map(|msg| msg.map_rights(|data| RawFds { data })))
            }
            Err(e) => {
                self.pos = self.buf.len();
                Some(Err(e))
            }
        }
    }
}

impl core::iter::FusedIterator for ControlReader<'_> {}

/// The typed ancillary data of [`anysock_core::cmsg::Ancillary`], the same for every POSIX
/// socket that carries messages.
macro_rules! ancillary {
    ($ty:ident) => {
        impl anysock_core::cmsg::Ancillary for $ty {
            type ReceivedFds<'c> = ReceivedFds<'c>;
            type Control<'c> = ReceivedControl<'c>;

            fn control_space(msg: &Cmsg<'_, &[i32]>) -> usize {
                space_of(msg)
            }

            fn encode_control(buf: &mut [u8], msgs: &[Cmsg<'_, &[i32]>]) -> Result<usize> {
                let mut w = ControlWriter::new(buf);
                for msg in msgs {
                    w.push(msg)?;
                }
                Ok(w.len())
            }

            fn recv_msg_control<'c, const N: usize>(
                &mut self,
                msg: &mut anysock_core::RecvMsg<'_, N>,
                control: &'c mut [u8],
            ) -> Result<(anysock_core::RecvMeta, ReceivedControl<'c>)> {
                let (meta, received) =
                    sys::msg::recv_msg_control(&self.sock.fd, self.sock.domain, msg, control)?;
                Ok((meta, ReceivedControl::new(received)))
            }
        }
    };
}

ancillary!(Stream);
ancillary!(Datagram);

/// The descriptor numbers of one `SCM_RIGHTS` payload, read in order. Owns nothing.
#[derive(Clone, Debug)]
pub struct RawFds<'c> {
    data: &'c [u8],
}

impl RawFds<'_> {
    /// How many descriptor numbers are left.
    pub fn len(&self) -> usize {
        self.data.len() / core::mem::size_of::<i32>()
    }

    /// Whether no number is left.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Iterator for RawFds<'_> {
    type Item = i32;

    fn next(&mut self) -> Option<i32> {
        let (head, rest) = self.data.split_first_chunk::<4>()?;
        self.data = rest;
        Some(i32::from_ne_bytes(*head))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len(), Some(self.len()))
    }
}

impl ExactSizeIterator for RawFds<'_> {}
