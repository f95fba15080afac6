//! The byte encoding of ancillary data: `struct cmsghdr` records laid out by the `CMSG_*` rules,
//! and the level and type numbers of each typed [`Cmsg`].
//!
//! A control buffer is a byte slice of any alignment, so nothing here casts it to a
//! `cmsghdr`: headers and payloads are copied in and out with unaligned loads and stores, and
//! every length is checked before it is used. Bytes that do not make a record (a `cmsg_len`
//! shorter than the header or longer than what is left) end decoding with an error item.

use core::mem::size_of;
use core::net::IpAddr;
use core::ptr;

use libc::c_int;

use super::addr::{in_addr, ipv4, ipv6};
use super::pod::{zeroed, Pod};
use anysock_core::cmsg::{Cmsg, PktInfo, Timestamp};
use anysock_core::{Error, ErrorKind, Result};

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "macos", target_os = "ios", target_os = "tvos", target_os = "watchos"))] {
        /// Apple aligns control records to 4 bytes (`__DARWIN_ALIGN32`).
        const ALIGN: usize = 4;
    } else {
        /// Records are aligned to `size_t`/`long` (`CMSG_ALIGN`).
        const ALIGN: usize = size_of::<usize>();
    }
}

/// Rounds `len` up to the record alignment (`CMSG_ALIGN`), saturating instead of overflowing.
const fn align(len: usize) -> usize {
    match len.checked_add(ALIGN - 1) {
        Some(n) => n & !(ALIGN - 1),
        None => usize::MAX & !(ALIGN - 1),
    }
}

/// The header's size with its padding: where the payload starts (`CMSG_LEN(0)`).
pub(crate) const HEADER: usize = align(size_of::<libc::cmsghdr>());

/// Bytes a record with a `payload`-byte payload takes in a buffer, padding included
/// (`CMSG_SPACE`).
pub(crate) const fn space(payload: usize) -> usize {
    HEADER.saturating_add(align(payload))
}

/// The `cmsg_len` of a record with a `payload`-byte payload (`CMSG_LEN`).
pub(crate) const fn record_len(payload: usize) -> usize {
    HEADER.saturating_add(payload)
}

/// The most descriptors one `SCM_RIGHTS` record may carry (Linux's `SCM_MAX_FD`; other systems
/// accept at least as many).
pub(crate) const MAX_FDS: usize = 253;

/// The payload bytes a typed message takes.
pub(crate) const fn payload_len(msg: &Cmsg<'_, &[c_int]>) -> usize {
    match msg {
        Cmsg::Rights(fds) => core::mem::size_of_val(*fds),
        Cmsg::Credentials(_) => CREDENTIALS_LEN,
        Cmsg::PktInfo(PktInfo {
            addr: IpAddr::V4(_),
            ..
        }) => size_of::<libc::in_pktinfo>(),
        Cmsg::PktInfo(PktInfo {
            addr: IpAddr::V6(_),
            ..
        }) => size_of::<libc::in6_pktinfo>(),
        Cmsg::Timestamp(_) => size_of::<libc::timeval>(),
        Cmsg::TimestampNs(_) => size_of::<libc::timespec>(),
        Cmsg::UdpSegment(_) => size_of::<u16>(),
        Cmsg::Tos(_)
        | Cmsg::TrafficClass(_)
        | Cmsg::Ttl(_)
        | Cmsg::HopLimit(_)
        | Cmsg::UdpGro(_) => size_of::<c_int>(),
        Cmsg::Raw { data, .. } => data.len(),
        // A variant added to the enum later: no payload this backend knows how to write.
        _ => 0,
    }
}

/// Copies a `T` out of the start of `bytes`; `None` when `bytes` is shorter than a `T`.
fn load<T: Pod>(bytes: &[u8]) -> Option<T> {
    if bytes.len() < size_of::<T>() {
        return None;
    }
    // SAFETY: `bytes` holds at least `size_of::<T>()` readable bytes; the read is unaligned,
    // and any bit pattern is a valid `T` (`Pod`).
    Some(unsafe { ptr::read_unaligned(bytes.as_ptr().cast::<T>()) })
}

/// Copies `value` into the start of `bytes`, which the caller sized to hold it.
fn store<T: Pod>(bytes: &mut [u8], value: T) {
    let Some(dst) = bytes.get_mut(..size_of::<T>()) else {
        return;
    };
    // SAFETY: `dst` is `size_of::<T>()` writable bytes; the write is unaligned.
    unsafe { ptr::write_unaligned(dst.as_mut_ptr().cast::<T>(), value) }
}

/// One record found in a control buffer: its level, type, and where its payload is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    pub(crate) level: c_int,
    pub(crate) ty: c_int,
    /// Payload offsets in the buffer, `start..end`.
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Record {
    pub(crate) fn is_rights(&self) -> bool {
        self.level == libc::SOL_SOCKET && self.ty == libc::SCM_RIGHTS
    }
}

/// Parses the record at `pos` of `buf`: `None` at the end, `Err` for bytes that do not make a
/// record (nothing after them can be trusted), else the record and where the next one starts.
pub(crate) fn record_at(buf: &[u8], pos: usize) -> Option<Result<(Record, usize)>> {
    let rest = buf.get(pos..).filter(|r| !r.is_empty())?;
    let bad = Err(Error::new(ErrorKind::InvalidInput));
    let Some(hdr) = load::<libc::cmsghdr>(rest) else {
        return Some(bad);
    };
    // `cmsg_len` is `size_t` with glibc, `socklen_t` with musl and the BSDs.
    #[allow(clippy::unnecessary_cast)]
    let len = hdr.cmsg_len as usize;
    if len < HEADER || len > rest.len() {
        return Some(bad);
    }
    let record = Record {
        level: hdr.cmsg_level,
        ty: hdr.cmsg_type,
        start: pos + HEADER,
        end: pos + len,
    };
    // The last record's padding may be missing when the kernel cut the buffer short.
    Some(Ok((record, pos + align(len).min(rest.len()))))
}

/// Decodes one record's payload into a typed message; the descriptors of `SCM_RIGHTS` stay
/// the payload's bytes (whole `int`s), for the layer above to read or to own.
// `time_t` is 32 bits on some targets: the casts and conversions are not no-ops everywhere.
#[allow(clippy::unnecessary_cast)]
pub(crate) fn decode<'c>(level: c_int, ty: c_int, data: &'c [u8]) -> Result<Cmsg<'c, &'c [u8]>> {
    let bad = || Error::new(ErrorKind::InvalidInput);
    let msg = match (level, ty) {
        (libc::SOL_SOCKET, libc::SCM_RIGHTS) => {
            if data.len() % size_of::<c_int>() != 0 {
                return Err(bad());
            }
            Cmsg::Rights(data)
        }
        (libc::SOL_SOCKET, SCM_TIMESTAMP) => {
            let tv = exact::<libc::timeval>(data).ok_or_else(bad)?;
            let micros = u32::try_from(tv.tv_usec).ok().filter(|&us| us < 1_000_000);
            Cmsg::Timestamp(Timestamp {
                secs: tv.tv_sec as i64,
                nanos: micros.ok_or_else(bad)? * 1000,
            })
        }
        _ => return decode_os(level, ty, data).unwrap_or(Ok(Cmsg::Raw { level, ty, data })),
    };
    Ok(msg)
}

/// A `T` that is exactly `data`, or `None`.
fn exact<T: Pod>(data: &[u8]) -> Option<T> {
    if data.len() != size_of::<T>() {
        return None;
    }
    load(data)
}

/// An `int`-valued payload in `0..=255`; Linux sends `IP_TOS` as one byte, the others as `int`.
fn byte_value(data: &[u8]) -> Result<u8> {
    match *data {
        [b] => Ok(b),
        [a, b, c, d] => u8::try_from(c_int::from_ne_bytes([a, b, c, d]))
            .map_err(|_| Error::new(ErrorKind::InvalidInput)),
        _ => Err(Error::new(ErrorKind::InvalidInput)),
    }
}

/// Appends typed messages to a control buffer, each at its `CMSG_SPACE` offset.
#[derive(Debug)]
pub(crate) struct Writer<'c> {
    buf: &'c mut [u8],
    len: usize,
}

impl<'c> Writer<'c> {
    pub(crate) fn new(buf: &'c mut [u8]) -> Self {
        Writer { buf, len: 0 }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub(crate) fn into_bytes(self) -> &'c [u8] {
        &self.buf[..self.len]
    }

    /// Appends `msg`; nothing is written when it fails.
    pub(crate) fn push(&mut self, msg: &Cmsg<'_, &[c_int]>) -> Result<()> {
        let invalid = Error::new(ErrorKind::InvalidInput);
        let (level, ty) = numbers(msg)?;
        let payload = payload_len(msg);
        let (rlen, rspace) = (record_len(payload), space(payload));
        let end = self.len.checked_add(rspace).ok_or(invalid)?;
        if rlen == usize::MAX || end > self.buf.len() {
            return Err(invalid);
        }
        if let Cmsg::Rights(fds) = msg {
            if fds.len() > MAX_FDS || fds.iter().any(|&fd| fd < 0) {
                return Err(invalid);
            }
        }
        let record = &mut self.buf[self.len..end];
        record.fill(0);
        let mut hdr: libc::cmsghdr = zeroed();
        hdr.cmsg_len = rlen as _;
        hdr.cmsg_level = level;
        hdr.cmsg_type = ty;
        store(record, hdr);
        encode_payload(msg, &mut record[HEADER..HEADER + payload])?;
        self.len = end;
        Ok(())
    }
}

/// The level and type of a message, or `Unsupported` when this platform has none.
fn numbers(msg: &Cmsg<'_, &[c_int]>) -> Result<(c_int, c_int)> {
    Ok(match msg {
        Cmsg::Rights(_) => (libc::SOL_SOCKET, libc::SCM_RIGHTS),
        Cmsg::Timestamp(_) => (libc::SOL_SOCKET, SCM_TIMESTAMP),
        Cmsg::Raw { level, ty, .. } => (*level, *ty),
        other => numbers_os(other).ok_or(Error::new(ErrorKind::Unsupported))?,
    })
}

/// Writes the payload of `msg` into `out`, which is exactly [`payload_len`] bytes.
// `time_t` is 32 bits on some targets: the conversions are not no-ops everywhere.
#[allow(clippy::useless_conversion)]
fn encode_payload(msg: &Cmsg<'_, &[c_int]>, out: &mut [u8]) -> Result<()> {
    let invalid = Error::new(ErrorKind::InvalidInput);
    let int = |out: &mut [u8], v: c_int| out.copy_from_slice(&v.to_ne_bytes());
    match *msg {
        Cmsg::Rights(fds) => {
            for (dst, fd) in out.chunks_exact_mut(size_of::<c_int>()).zip(fds) {
                dst.copy_from_slice(&fd.to_ne_bytes());
            }
        }
        Cmsg::Timestamp(t) => {
            if t.nanos >= 1_000_000_000 || t.nanos % 1000 != 0 {
                return Err(invalid);
            }
            let mut tv: libc::timeval = zeroed();
            tv.tv_sec = t.secs.try_into().map_err(|_| invalid)?;
            tv.tv_usec = (t.nanos / 1000) as _;
            store(out, tv);
        }
        Cmsg::TimestampNs(t) => {
            if t.nanos >= 1_000_000_000 {
                return Err(invalid);
            }
            let mut ts: libc::timespec = zeroed();
            ts.tv_sec = t.secs.try_into().map_err(|_| invalid)?;
            ts.tv_nsec = t.nanos as _;
            store(out, ts);
        }
        Cmsg::PktInfo(PktInfo {
            addr: IpAddr::V4(a),
            ifindex,
        }) => {
            let mut info: libc::in_pktinfo = zeroed();
            info.ipi_ifindex = c_int::try_from(ifindex).map_err(|_| invalid)?;
            // On send, `ipi_spec_dst` is the source address; `ipi_addr` is ignored.
            info.ipi_spec_dst = in_addr(a);
            info.ipi_addr = in_addr(a);
            store(out, info);
        }
        Cmsg::PktInfo(PktInfo {
            addr: IpAddr::V6(a),
            ifindex,
        }) => {
            let mut info: libc::in6_pktinfo = zeroed();
            info.ipi6_addr.s6_addr = a.octets();
            info.ipi6_ifindex = ifindex as _;
            store(out, info);
        }
        Cmsg::Credentials(c) => encode_credentials(c, out),
        Cmsg::Tos(v) | Cmsg::TrafficClass(v) | Cmsg::Ttl(v) | Cmsg::HopLimit(v) => {
            int(out, c_int::from(v))
        }
        Cmsg::UdpGro(v) => int(out, c_int::from(v)),
        Cmsg::UdpSegment(v) => out.copy_from_slice(&v.to_ne_bytes()),
        Cmsg::Raw { data, .. } => out.copy_from_slice(data),
        _ => return Err(Error::new(ErrorKind::Unsupported)),
    }
    Ok(())
}

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "linux", target_os = "android"))] {
        const SCM_TIMESTAMP: c_int = libc::SO_TIMESTAMP;
        const SCM_TIMESTAMPNS: c_int = libc::SO_TIMESTAMPNS;
        const CREDENTIALS_LEN: usize = size_of::<libc::ucred>();

        fn numbers_os(msg: &Cmsg<'_, &[c_int]>) -> Option<(c_int, c_int)> {
            Some(match msg {
                Cmsg::Credentials(_) => (libc::SOL_SOCKET, libc::SCM_CREDENTIALS),
                Cmsg::TimestampNs(_) => (libc::SOL_SOCKET, SCM_TIMESTAMPNS),
                Cmsg::PktInfo(PktInfo { addr: IpAddr::V4(_), .. }) => (libc::IPPROTO_IP, libc::IP_PKTINFO),
                Cmsg::PktInfo(PktInfo { addr: IpAddr::V6(_), .. }) => (libc::IPPROTO_IPV6, libc::IPV6_PKTINFO),
                Cmsg::Tos(_) => (libc::IPPROTO_IP, libc::IP_TOS),
                Cmsg::TrafficClass(_) => (libc::IPPROTO_IPV6, libc::IPV6_TCLASS),
                Cmsg::Ttl(_) => (libc::IPPROTO_IP, libc::IP_TTL),
                Cmsg::HopLimit(_) => (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT),
                Cmsg::UdpSegment(_) => (libc::SOL_UDP, libc::UDP_SEGMENT),
                Cmsg::UdpGro(_) => (libc::SOL_UDP, libc::UDP_GRO),
                _ => return None,
            })
        }

        fn encode_credentials(c: anysock_core::cmsg::Credentials, out: &mut [u8]) {
            store(out, libc::ucred { pid: c.pid, uid: c.uid, gid: c.gid });
        }

        /// The Linux messages; `None` for one that is not typed here.
        // `time_t` is 32 bits on some targets: the cast is not a no-op everywhere.
        #[allow(clippy::unnecessary_cast)]
        fn decode_os<'c>(level: c_int, ty: c_int, data: &'c [u8]) -> Option<Result<Cmsg<'c, &'c [u8]>>> {
            let bad = || Error::new(ErrorKind::InvalidInput);
            let msg = match (level, ty) {
                (libc::SOL_SOCKET, libc::SCM_CREDENTIALS) => exact::<libc::ucred>(data)
                    .map(|c| Cmsg::Credentials(anysock_core::cmsg::Credentials { pid: c.pid, uid: c.uid, gid: c.gid }))
                    .ok_or_else(bad),
                (libc::SOL_SOCKET, SCM_TIMESTAMPNS) => exact::<libc::timespec>(data)
                    .and_then(|ts| {
                        let nanos = u32::try_from(ts.tv_nsec).ok().filter(|&n| n < 1_000_000_000)?;
                        Some(Cmsg::TimestampNs(Timestamp { secs: ts.tv_sec as i64, nanos }))
                    })
                    .ok_or_else(bad),
                (libc::IPPROTO_IP, libc::IP_PKTINFO) => exact::<libc::in_pktinfo>(data)
                    .and_then(|i| {
                        let ifindex = u32::try_from(i.ipi_ifindex).ok()?;
                        Some(Cmsg::PktInfo(PktInfo { addr: ipv4(i.ipi_addr).into(), ifindex }))
                    })
                    .ok_or_else(bad),
                (libc::IPPROTO_IPV6, libc::IPV6_PKTINFO) => exact::<libc::in6_pktinfo>(data)
                    .map(|i| Cmsg::PktInfo(PktInfo { addr: ipv6(i.ipi6_addr).into(), ifindex: i.ipi6_ifindex }))
                    .ok_or_else(bad),
                (libc::IPPROTO_IP, libc::IP_TOS) => byte_value(data).map(Cmsg::Tos),
                (libc::IPPROTO_IPV6, libc::IPV6_TCLASS) => int_byte(data).map(Cmsg::TrafficClass),
                (libc::IPPROTO_IP, libc::IP_TTL) => int_byte(data).map(Cmsg::Ttl),
                (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT) => int_byte(data).map(Cmsg::HopLimit),
                (libc::SOL_UDP, libc::UDP_SEGMENT) => match *data {
                    [a, b] => Ok(Cmsg::UdpSegment(u16::from_ne_bytes([a, b]))),
                    _ => Err(bad()),
                },
                (libc::SOL_UDP, libc::UDP_GRO) => match *data {
                    [a, b, c, d] => u16::try_from(c_int::from_ne_bytes([a, b, c, d]))
                        .map(Cmsg::UdpGro)
                        .map_err(|_| bad()),
                    _ => Err(bad()),
                },
                _ => return None,
            };
            Some(msg)
        }
    } else {
        const SCM_TIMESTAMP: c_int = libc::SCM_TIMESTAMP;
        const CREDENTIALS_LEN: usize = 0;

        fn numbers_os(_msg: &Cmsg<'_, &[c_int]>) -> Option<(c_int, c_int)> {
            None
        }

        fn encode_credentials(_c: anysock_core::cmsg::Credentials, _out: &mut [u8]) {}

        /// Only descriptors and timestamps are typed on this system so far; the rest is raw.
        fn decode_os<'c>(_level: c_int, _ty: c_int, _data: &'c [u8]) -> Option<Result<Cmsg<'c, &'c [u8]>>> {
            let _ = (ipv4, ipv6, byte_value);
            None
        }
    }
}

/// An `int` payload in `0..=255` (exactly four bytes).
#[allow(dead_code)]
fn int_byte(data: &[u8]) -> Result<u8> {
    if data.len() != size_of::<c_int>() {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    byte_value(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_agree_with_the_c_macros() {
        for n in [0usize, 1, 3, 4, 12, 16, 20, 253 * 4] {
            // SAFETY: the macros only do arithmetic on their argument.
            let (c_space, c_len) = unsafe { (libc::CMSG_SPACE(n as _), libc::CMSG_LEN(n as _)) };
            assert_eq!(space(n), c_space as usize, "CMSG_SPACE({n})");
            assert_eq!(record_len(n), c_len as usize, "CMSG_LEN({n})");
        }
    }

    #[test]
    fn huge_lengths_saturate_instead_of_overflowing() {
        assert!(space(usize::MAX) >= HEADER);
        let mut buf = [0u8; 64];
        let mut w = Writer::new(&mut buf);
        let err = w.push(&Cmsg::Rights(&[1; MAX_FDS + 1])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
}
