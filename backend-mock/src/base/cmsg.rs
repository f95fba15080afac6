//! The mock's encoding of ancillary data: control buffers of length-prefixed records (the
//! layout is documented on the public `cmsg` module, which re-exports this one).

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use anysock_core::cmsg::{Cmsg, Credentials, PktInfo};
use anysock_core::{Error, ErrorKind, Result};

use crate::base::handle::Handle;

/// Bytes of a record's header: `len`, `level` and `type`.
pub const HEADER: usize = 12;
/// The most sockets one [`Cmsg::Rights`] message may carry (Linux: `SCM_MAX_FD`, 253); more
/// is [`ErrorKind::InvalidInput`].
pub const MAX_RIGHTS: usize = 8;
/// The most messages carrying sockets that may wait to be received at once, on the whole
/// network (Linux bounds the descriptors in flight per user); a send beyond it fails with
/// [`ErrorKind::TooManyOpenFiles`].
pub const MAX_IN_FLIGHT: usize = 16;
/// The socket level (`SOL_SOCKET`).
pub const SOL_SOCKET: i32 = 1;
/// Passed sockets (`SCM_RIGHTS`).
pub const SCM_RIGHTS: i32 = 1;
/// The sender's credentials (`SCM_CREDENTIALS`).
pub const SCM_CREDENTIALS: i32 = 2;
/// The IPv4 level (`IPPROTO_IP`).
pub const IPPROTO_IP: i32 = 0;
/// IPv4 packet info (`IP_PKTINFO`).
pub const IP_PKTINFO: i32 = 8;
/// The IPv6 level (`IPPROTO_IPV6`).
pub const IPPROTO_IPV6: i32 = 41;
/// IPv6 packet info (`IPV6_PKTINFO`).
pub const IPV6_PKTINFO: i32 = 50;

/// Payload bytes of one passed socket.
pub const HANDLE_LEN: usize = 8;
/// Payload bytes of [`Cmsg::Credentials`].
pub const CREDENTIALS_LEN: usize = 12;
const PKTINFO_V4_LEN: usize = 8;
const PKTINFO_V6_LEN: usize = 20;
/// What a socket closed on receive reads as (by [`anysock_core::MsgIo::recv_msg`], which
/// owns nothing): no slot has this number.
const CLOSED: [u8; HANDLE_LEN] = [0xff; HANDLE_LEN];

/// Bytes a record with a `payload`-byte payload takes in a control buffer (the mock's
/// `CMSG_SPACE`): the header and the payload, no padding.
#[doc(alias = "CMSG_SPACE")]
pub const fn space(payload: usize) -> usize {
    HEADER.saturating_add(payload)
}

/// Bytes a [`Cmsg::Rights`] message of `n` sockets takes.
#[doc(alias = "SCM_RIGHTS")]
pub const fn space_for_rights(n: usize) -> usize {
    space(n.saturating_mul(HANDLE_LEN))
}

/// Bytes `msg` takes in a control buffer; `0` for a message the mock cannot carry
/// (timestamps, TOS, TTL, segmentation offload).
pub const fn space_of(msg: &Cmsg<'_, &[Handle]>) -> usize {
    match payload_len(msg) {
        Some(n) => space(n),
        None => 0,
    }
}

/// The payload bytes of a message the mock carries.
const fn payload_len(msg: &Cmsg<'_, &[Handle]>) -> Option<usize> {
    Some(match msg {
        Cmsg::Rights(h) => h.len().saturating_mul(HANDLE_LEN),
        Cmsg::Credentials(_) => CREDENTIALS_LEN,
        Cmsg::PktInfo(PktInfo {
            addr: IpAddr::V4(_),
            ..
        }) => PKTINFO_V4_LEN,
        Cmsg::PktInfo(PktInfo {
            addr: IpAddr::V6(_),
            ..
        }) => PKTINFO_V6_LEN,
        Cmsg::Raw { data, .. } => data.len(),
        _ => return None,
    })
}

fn invalid() -> Error {
    Error::new(ErrorKind::InvalidInput)
}

/// Writes typed messages one after the other into a caller's control buffer;
/// [`ControlWriter::as_bytes`] is then [`anysock_core::SendMsg::control`].
///
/// A message that does not fit is [`ErrorKind::InvalidInput`] and leaves the buffer as it
/// was, so a send never goes out with control data silently cut.
///
/// ```
/// use anysock_mock::cmsg::{self, ControlWriter};
/// use anysock_core::cmsg::Cmsg;
/// use anysock_core::ErrorKind;
///
/// let mut buf = [0u8; cmsg::space(4)];
/// let mut w = ControlWriter::new(&mut buf);
/// w.push(&Cmsg::Raw { level: 1, ty: 99, data: b"abcd" })?;
/// let more = Cmsg::Raw { level: 1, ty: 99, data: b"" };
/// assert_eq!(w.push(&more).unwrap_err().kind(), ErrorKind::InvalidInput);
/// assert_eq!(w.len(), cmsg::space(4));
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Debug)]
pub struct ControlWriter<'c> {
    buf: &'c mut [u8],
    len: usize,
}

impl<'c> ControlWriter<'c> {
    /// An empty writer over `buf`.
    pub fn new(buf: &'c mut [u8]) -> Self {
        ControlWriter { buf, len: 0 }
    }

    /// Appends `msg`.
    ///
    /// Errors, writing nothing: [`ErrorKind::InvalidInput`] when it does not fit or
    /// [`Cmsg::Rights`] holds more than [`MAX_RIGHTS`] sockets; [`ErrorKind::Unsupported`]
    /// for a message the mock does not carry (timestamps, TOS, TTL, segmentation offload).
    pub fn push(&mut self, msg: &Cmsg<'_, &[Handle]>) -> Result<()> {
        let payload = payload_len(msg).ok_or(Error::new(ErrorKind::Unsupported))?;
        if matches!(msg, Cmsg::Rights(h) if h.len() > MAX_RIGHTS) {
            return Err(invalid());
        }
        let (level, ty) = match *msg {
            Cmsg::Rights(_) => (SOL_SOCKET, SCM_RIGHTS),
            Cmsg::Credentials(_) => (SOL_SOCKET, SCM_CREDENTIALS),
            Cmsg::PktInfo(PktInfo {
                addr: IpAddr::V4(_),
                ..
            }) => (IPPROTO_IP, IP_PKTINFO),
            Cmsg::PktInfo(_) => (IPPROTO_IPV6, IPV6_PKTINFO),
            Cmsg::Raw { level, ty, .. } => (level, ty),
            _ => return Err(Error::new(ErrorKind::Unsupported)),
        };
        let len = u32::try_from(space(payload)).map_err(|_| invalid())?;
        let end = self.len.checked_add(space(payload)).ok_or(invalid())?;
        let record = self.buf.get_mut(self.len..end).ok_or(invalid())?;
        let (header, out) = record.split_at_mut(HEADER);
        header[..4].copy_from_slice(&len.to_le_bytes());
        header[4..8].copy_from_slice(&level.to_le_bytes());
        header[8..].copy_from_slice(&ty.to_le_bytes());
        match *msg {
            Cmsg::Rights(handles) => {
                for (dst, h) in out.chunks_exact_mut(HANDLE_LEN).zip(handles) {
                    dst.copy_from_slice(&h.to_bytes());
                }
            }
            Cmsg::Credentials(c) => out.copy_from_slice(&credentials_bytes(c)),
            Cmsg::PktInfo(PktInfo {
                addr: IpAddr::V4(a),
                ifindex,
            }) => {
                out[..4].copy_from_slice(&ifindex.to_le_bytes());
                out[4..].copy_from_slice(&a.octets());
            }
            Cmsg::PktInfo(PktInfo {
                addr: IpAddr::V6(a),
                ifindex,
            }) => {
                out[..16].copy_from_slice(&a.octets());
                out[16..].copy_from_slice(&ifindex.to_le_bytes());
            }
            Cmsg::Raw { data, .. } => out.copy_from_slice(data),
            _ => return Err(Error::new(ErrorKind::Unsupported)),
        }
        self.len = end;
        Ok(())
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// How many bytes are written.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

pub(crate) fn credentials_bytes(c: Credentials) -> [u8; CREDENTIALS_LEN] {
    let mut out = [0u8; CREDENTIALS_LEN];
    out[..4].copy_from_slice(&c.pid.to_le_bytes());
    out[4..8].copy_from_slice(&c.uid.to_le_bytes());
    out[8..].copy_from_slice(&c.gid.to_le_bytes());
    out
}

/// The header of a record, written by the network on receive.
pub(crate) fn header(payload: usize, level: i32, ty: i32) -> [u8; HEADER] {
    let len = u32::try_from(space(payload)).unwrap_or(u32::MAX);
    let mut out = [0u8; HEADER];
    out[..4].copy_from_slice(&len.to_le_bytes());
    out[4..8].copy_from_slice(&level.to_le_bytes());
    out[8..].copy_from_slice(&ty.to_le_bytes());
    out
}

/// The bytes a passed socket takes in a received record: its handle, or [`CLOSED`] when the
/// receive owns nothing.
pub(crate) fn handle_bytes(h: Option<Handle>) -> [u8; HANDLE_LEN] {
    h.map_or(CLOSED, Handle::to_bytes)
}

/// One record found in a control buffer: its level, type, and where its payload is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    pub(crate) level: i32,
    pub(crate) ty: i32,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Record {
    pub(crate) fn is_rights(&self) -> bool {
        self.level == SOL_SOCKET && self.ty == SCM_RIGHTS
    }
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    let bytes: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(i32::from_le_bytes(bytes))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let bytes: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

/// Parses the record at `pos` of `buf`: `None` at the end, `Err` for bytes that do not make a
/// record (nothing after them can be trusted), else the record and where the next one starts.
pub(crate) fn record_at(buf: &[u8], pos: usize) -> Option<Result<(Record, usize)>> {
    let rest = buf.get(pos..).filter(|r| !r.is_empty())?;
    let (Some(len), Some(level), Some(ty)) = (u32_at(rest, 0), i32_at(rest, 4), i32_at(rest, 8))
    else {
        return Some(Err(invalid()));
    };
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    if len < HEADER || len > rest.len() {
        return Some(Err(invalid()));
    }
    let record = Record {
        level,
        ty,
        start: pos + HEADER,
        end: pos + len,
    };
    Some(Ok((record, pos + len)))
}

/// Decodes one record's payload into a typed message; passed sockets stay raw handles.
pub(crate) fn decode<'c>(level: i32, ty: i32, data: &'c [u8]) -> Result<Cmsg<'c, RawHandles<'c>>> {
    let msg = match (level, ty) {
        (SOL_SOCKET, SCM_RIGHTS) => {
            if data.len() % HANDLE_LEN != 0 {
                return Err(invalid());
            }
            Cmsg::Rights(RawHandles { data })
        }
        (SOL_SOCKET, SCM_CREDENTIALS) if data.len() == CREDENTIALS_LEN => {
            match (i32_at(data, 0), u32_at(data, 4), u32_at(data, 8)) {
                (Some(pid), Some(uid), Some(gid)) => {
                    Cmsg::Credentials(Credentials { pid, uid, gid })
                }
                _ => return Err(invalid()),
            }
        }
        (IPPROTO_IP, IP_PKTINFO) if data.len() == PKTINFO_V4_LEN => {
            let ifindex = u32_at(data, 0).ok_or_else(invalid)?;
            let octets: [u8; 4] = data
                .get(4..)
                .and_then(|a| a.try_into().ok())
                .ok_or_else(invalid)?;
            Cmsg::PktInfo(PktInfo {
                addr: IpAddr::V4(Ipv4Addr::from(octets)),
                ifindex,
            })
        }
        (IPPROTO_IPV6, IPV6_PKTINFO) if data.len() == PKTINFO_V6_LEN => {
            let octets: [u8; 16] = data
                .get(..16)
                .and_then(|a| a.try_into().ok())
                .ok_or_else(invalid)?;
            Cmsg::PktInfo(PktInfo {
                addr: IpAddr::V6(Ipv6Addr::from(octets)),
                ifindex: u32_at(data, 16).ok_or_else(invalid)?,
            })
        }
        // A typed message of the wrong size is malformed, not something else.
        (SOL_SOCKET, SCM_CREDENTIALS) | (IPPROTO_IP, IP_PKTINFO) | (IPPROTO_IPV6, IPV6_PKTINFO) => {
            return Err(invalid())
        }
        _ => Cmsg::Raw { level, ty, data },
    };
    Ok(msg)
}

/// Decodes the messages of a control buffer: an iterator of `Result<Cmsg<'c, RawHandles<'c>>>`.
///
/// Any bytes are safe to give it: a `len` shorter than a header or longer than what is left
/// is an `Err` item and ends the iteration; a typed message whose payload has the wrong size
/// is an `Err` item and iteration goes on; messages it has no type for are [`Cmsg::Raw`]. It
/// owns no socket: [`Cmsg::Rights`] shows their handles only.
///
/// ```
/// use anysock_mock::cmsg::ControlReader;
///
/// let mut r = ControlReader::new(&[0xff; 7]);
/// assert!(r.next().unwrap().is_err());
/// assert!(r.next().is_none());
/// ```
#[derive(Clone, Debug)]
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
    type Item = Result<Cmsg<'c, RawHandles<'c>>>;

    fn next(&mut self) -> Option<Self::Item> {
        match record_at(self.buf, self.pos)? {
            Ok((record, next)) => {
                self.pos = next;
                let data = self.buf.get(record.start..record.end).unwrap_or_default();
                Some(decode(record.level, record.ty, data))
            }
            Err(e) => {
                self.pos = self.buf.len();
                Some(Err(e))
            }
        }
    }
}

impl core::iter::FusedIterator for ControlReader<'_> {}

/// The sockets of one [`Cmsg::Rights`] payload, as handles, in order: `None` for one that was
/// closed on receive. Owns nothing.
#[derive(Clone, Debug)]
pub struct RawHandles<'c> {
    data: &'c [u8],
}

impl RawHandles<'_> {
    /// How many handles are left.
    pub fn len(&self) -> usize {
        self.data.len() / HANDLE_LEN
    }

    /// Whether none is left.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Iterator for RawHandles<'_> {
    type Item = Option<Handle>;

    fn next(&mut self) -> Option<Option<Handle>> {
        let (head, rest) = self.data.split_first_chunk::<HANDLE_LEN>()?;
        self.data = rest;
        Some((*head != CLOSED).then(|| Handle::from_bytes(*head)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len(), Some(self.len()))
    }
}

impl ExactSizeIterator for RawHandles<'_> {}
