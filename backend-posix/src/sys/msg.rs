//! Moving data: `send`, `recv`, `sendto`, `recvfrom`, `sendmsg`, `recvmsg` (batches are in
//! `mmsg`), and the mapping of [`MsgFlags`] to the platform's `MSG_*` values.

use core::mem;
use core::ptr;

use libc::{c_int, c_void};

use super::addr::{self, SockAddr};
use super::passed::{self, Control};
use super::{os, retry, Fd};
use anysock_core::{
    Domain, Error, ErrorKind, IoVecMut, MsgFlags, Received, RecvMeta, RecvMsg, Result, SendMsg,
    SocketAddr,
};

/// anysock flag, platform flag.
const FLAG_TABLE: [(MsgFlags, c_int); 9] = [
    (MsgFlags::PEEK, libc::MSG_PEEK),
    (MsgFlags::DONTWAIT, libc::MSG_DONTWAIT),
    (MsgFlags::WAITALL, libc::MSG_WAITALL),
    (MsgFlags::OOB, libc::MSG_OOB),
    (MsgFlags::EOR, libc::MSG_EOR),
    (MsgFlags::TRUNC, libc::MSG_TRUNC),
    (MsgFlags::CTRUNC, libc::MSG_CTRUNC),
    (MsgFlags::NOSIGNAL, os::SEND_FLAGS),
    (MsgFlags::DONTROUTE, libc::MSG_DONTROUTE),
];

/// The platform's bits for flags already checked (core's [`MsgFlags::check_send`] and
/// [`MsgFlags::check_recv`]).
fn to_platform(flags: MsgFlags) -> c_int {
    let mut out = 0;
    for (ours, theirs) in FLAG_TABLE {
        if flags.contains(ours) {
            out |= theirs;
        }
    }
    out
}

/// The platform flags for a send, always with `MSG_NOSIGNAL` where it exists.
#[inline]
pub(crate) fn send_flags(flags: MsgFlags) -> Result<c_int> {
    if flags.is_empty() {
        return Ok(os::SEND_FLAGS);
    }
    Ok(to_platform(flags.check_send()?) | os::SEND_FLAGS)
}

/// The platform flags for a receive.
#[inline]
pub(crate) fn recv_flags(flags: MsgFlags) -> Result<c_int> {
    if flags.is_empty() {
        return Ok(0);
    }
    Ok(to_platform(flags.check_recv()?))
}

/// The flags a received message reports (`msg_flags`).
pub(crate) fn from_platform(raw: c_int) -> MsgFlags {
    let mut out = MsgFlags::NONE;
    for (ours, theirs) in FLAG_TABLE {
        if theirs != 0 && raw & theirs == theirs && ours != MsgFlags::NOSIGNAL {
            out |= ours;
        }
    }
    out
}

/// `send(fd, buf, len, flags)`.
#[inline]
pub(crate) fn send(fd: &Fd, buf: &[u8], flags: c_int) -> Result<usize> {
    // SAFETY: `buf` points to `buf.len()` readable bytes.
    let n = retry(|| unsafe { libc::send(fd.raw(), buf.as_ptr().cast(), buf.len(), flags) })?;
    Ok(n as usize)
}

/// `recv(fd, buf, len, flags)`: the kernel's count, which exceeds `buf.len()` for a truncated
/// datagram when `flags` has `MSG_TRUNC` on Linux.
#[inline]
pub(crate) fn recv(fd: &Fd, buf: &mut [u8], flags: c_int) -> Result<usize> {
    // SAFETY: `buf` points to `buf.len()` writable bytes.
    let n = retry(|| unsafe { libc::recv(fd.raw(), buf.as_mut_ptr().cast(), buf.len(), flags) })?;
    Ok(n as usize)
}

/// `sendto(fd, buf, len, flags, addr, addrlen)`.
#[inline]
pub(crate) fn send_to(
    fd: &Fd,
    buf: &[u8],
    addr: &SocketAddr,
    domain: Domain,
    flags: c_int,
) -> Result<usize> {
    addr::with_sockaddr(addr, domain, |to, to_len| {
        // SAFETY: `buf` points to `buf.len()` readable bytes, `to` to `to_len` bytes of an
        // initialised socket address.
        let n = retry(|| unsafe {
            libc::sendto(fd.raw(), buf.as_ptr().cast(), buf.len(), flags, to, to_len)
        })?;
        Ok(n as usize)
    })
}

/// `recv(fd, buf, len, flags)` on a datagram or seqpacket socket, reporting truncation.
#[inline]
pub(crate) fn recv_datagram(fd: &Fd, buf: &mut [u8], flags: c_int) -> Result<Received> {
    receive_one(fd, buf, flags, None)
}

/// `recvfrom(fd, buf, len, flags, &addr, &addrlen)`: one datagram and its sender, reporting
/// truncation.
#[inline]
pub(crate) fn recv_from(
    fd: &Fd,
    buf: &mut [u8],
    flags: c_int,
    domain: Domain,
) -> Result<(Received, SocketAddr)> {
    let mut from = SockAddr::empty();
    let got = receive_one(fd, buf, flags, Some(&mut from))?;
    Ok((got, from.to_socket_addr(domain)?))
}

/// Linux tells a datagram's full length when asked with `MSG_TRUNC`, so one `recvfrom` does;
/// elsewhere `recvmsg` reports truncation in `msg_flags`.
#[inline(always)]
fn receive_one(
    fd: &Fd,
    buf: &mut [u8],
    flags: c_int,
    from: Option<&mut SockAddr>,
) -> Result<Received> {
    if let Some(trunc) = os::TRUNC_LEN {
        let (addr, len) = match from {
            Some(a) => {
                let len: *mut _ = a.len_mut();
                (a.as_mut_ptr(), len)
            }
            None => (ptr::null_mut(), ptr::null_mut()),
        };
        // SAFETY: `buf` points to `buf.len()` writable bytes; `addr` and `len` are both null,
        // or point to an address buffer and its size.
        let n = retry(|| unsafe {
            libc::recvfrom(
                fd.raw(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                flags | trunc,
                addr,
                len,
            )
        })? as usize;
        Ok(Received {
            len: n.min(buf.len()),
            truncated: n > buf.len(),
        })
    } else {
        let mut iov = [libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        }];
        let (n, msg_flags, _) = recvmsg_raw(fd, &mut iov, from, &mut [], flags)?;
        Ok(Received {
            len: n,
            truncated: msg_flags & libc::MSG_TRUNC != 0,
        })
    }
}

/// `sendmsg(fd, &msghdr, flags)` for a message built by the caller.
pub(crate) fn send_msg<const N: usize>(
    fd: &Fd,
    domain: Domain,
    msg: &SendMsg<'_, N>,
) -> Result<usize> {
    let flags = send_flags(msg.flags)?;
    let mut iov = [libc::iovec {
        iov_base: ptr::null_mut(),
        iov_len: 0,
    }; N];
    for (dst, src) in iov.iter_mut().zip(msg.iov.as_slices()) {
        // The kernel only reads through `iov_base` on send; the C type is not const.
        *dst = libc::iovec {
            iov_base: src.as_ptr() as *mut c_void,
            iov_len: src.len(),
        };
    }
    // SAFETY: plain old data; all-zero bytes are a valid value (null pointers, zero lengths).
    let mut hdr: libc::msghdr = unsafe { mem::zeroed() };
    hdr.msg_iov = iov.as_mut_ptr();
    hdr.msg_iovlen = msg.iov.len() as _;
    if !msg.control.is_empty() {
        hdr.msg_control = msg.control.as_ptr() as *mut c_void;
        hdr.msg_controllen = msg.control.len() as _;
    }
    let send = |hdr: &libc::msghdr| {
        // SAFETY: every pointer in `hdr` refers to live memory of the stated length: the
        // address (if any), `iov` (first `msg_iovlen` entries, each over a caller buffer) and
        // `msg.control`.
        let n = retry(|| unsafe { libc::sendmsg(fd.raw(), hdr, flags) })?;
        Ok(n as usize)
    };
    match msg.addr {
        None => send(&hdr),
        Some(a) => addr::with_sockaddr(a, domain, |to, to_len| {
            hdr.msg_name = to as *mut c_void;
            hdr.msg_namelen = to_len;
            send(&hdr)
        }),
    }
}

/// `recvmsg(fd, &msghdr, flags)` into the caller's buffers. Descriptors received in
/// `SCM_RIGHTS` are closed and their numbers overwritten with `-1`: raw bytes cannot own them,
/// and this way none leaks (to keep them, use [`recv_msg_control`]).
pub(crate) fn recv_msg<const N: usize>(
    fd: &Fd,
    domain: Domain,
    msg: &mut RecvMsg<'_, N>,
) -> Result<RecvMeta> {
    let flags = recv_flags(msg.flags)?;
    let meta = recv_into(fd, domain, &mut msg.iov, msg.control, flags)?;
    passed::close_rights(&mut msg.control[..meta.control_len]);
    Ok(meta)
}

/// `recvmsg(fd, &msghdr, flags)` with a control buffer lent to the decoder it returns, which
/// owns the descriptors received.
pub(crate) fn recv_msg_control<'c, const N: usize>(
    fd: &Fd,
    domain: Domain,
    msg: &mut RecvMsg<'_, N>,
    control: &'c mut [u8],
) -> Result<(RecvMeta, Control<'c>)> {
    if !msg.control.is_empty() {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    let flags = recv_flags(msg.flags)?;
    let meta = recv_into(fd, domain, &mut msg.iov, control, flags)?;
    let control: &'c [u8] = control;
    // SAFETY: the kernel just wrote these bytes, and nothing else has seen the descriptors.
    let received = unsafe { Control::new(&control[..meta.control_len]) };
    Ok((meta, received))
}

/// One `recvmsg` into `iov` and `control`.
fn recv_into<const N: usize>(
    fd: &Fd,
    domain: Domain,
    bufs: &mut IoVecMut<'_, N>,
    control: &mut [u8],
    flags: c_int,
) -> Result<RecvMeta> {
    let mut iov = [libc::iovec {
        iov_base: ptr::null_mut(),
        iov_len: 0,
    }; N];
    let used = bufs.len();
    for (dst, src) in iov.iter_mut().zip(bufs.as_mut_slices()) {
        *dst = libc::iovec {
            iov_base: src.as_mut_ptr().cast(),
            iov_len: src.len(),
        };
    }
    let mut from = SockAddr::empty();
    let (len, msg_flags, control_len) =
        recvmsg_raw(fd, &mut iov[..used], Some(&mut from), control, flags)?;
    let addr = if from.len() == 0 {
        None
    } else {
        Some(from.to_socket_addr(domain)?)
    };
    Ok(RecvMeta {
        len,
        addr,
        control_len: control_len.min(control.len()),
        flags: from_platform(msg_flags),
    })
}

/// A `msghdr` over `iov`, an optional address buffer and a control buffer.
fn header(
    iov: &mut [libc::iovec],
    from: Option<&mut SockAddr>,
    control: &mut [u8],
) -> libc::msghdr {
    // SAFETY: plain old data; all-zero bytes are a valid value (null pointers, zero lengths).
    let mut hdr: libc::msghdr = unsafe { mem::zeroed() };
    if let Some(a) = from {
        hdr.msg_namelen = a.len();
        hdr.msg_name = a.as_mut_ptr().cast();
    }
    hdr.msg_iov = iov.as_mut_ptr();
    hdr.msg_iovlen = iov.len() as _;
    if !control.is_empty() {
        hdr.msg_control = control.as_mut_ptr().cast();
        hdr.msg_controllen = control.len() as _;
    }
    hdr
}

/// `recvmsg(fd, &msghdr, flags)`: returns the count, `msg_flags` and `msg_controllen`, and
/// sets `from`'s length to what the kernel wrote.
fn recvmsg_raw(
    fd: &Fd,
    iov: &mut [libc::iovec],
    mut from: Option<&mut SockAddr>,
    control: &mut [u8],
    flags: c_int,
) -> Result<(usize, c_int, usize)> {
    let mut hdr = header(iov, from.as_deref_mut(), control);
    // SAFETY: `hdr` refers to live, writable memory of the stated lengths (see `header`).
    let n = retry(|| unsafe { libc::recvmsg(fd.raw(), &mut hdr, flags | os::RECVMSG_FLAGS) })?;
    if let Some(a) = from {
        *a.len_mut() = hdr.msg_namelen;
    }
    // `msg_controllen` is `size_t` in glibc but `socklen_t` in musl and the BSDs.
    #[allow(clippy::unnecessary_cast)]
    let control_len = hdr.msg_controllen as usize;
    Ok((n as usize, hdr.msg_flags, control_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_flags_are_not_requests() {
        assert!(recv_flags(MsgFlags::TRUNC).is_err());
        assert!(send_flags(MsgFlags::PEEK).is_err());
        assert_eq!(recv_flags(MsgFlags::PEEK).unwrap(), libc::MSG_PEEK);
        assert_eq!(
            from_platform(libc::MSG_TRUNC | libc::MSG_CTRUNC),
            MsgFlags::TRUNC | MsgFlags::CTRUNC
        );
    }
}
