//! `sendmmsg` and `recvmmsg` (Linux and Android): a whole batch in one syscall. Elsewhere the
//! layer above sends and receives one message at a time (`crate::batch`).

use core::mem;
use core::ptr;

use libc::{c_int, c_void};

use super::addr::{self, SockAddr};
use super::{msg, os, passed, retry, Fd};
use anysock_core::{Domain, Error, ErrorKind, RecvBatch, RecvMeta, Result, SendBatch, SocketAddr};

const EMPTY_IOV: libc::iovec = libc::iovec {
    iov_base: ptr::null_mut(),
    iov_len: 0,
};

/// Copies the encoding of `addr` into `dst`.
fn encode_into(addr: &SocketAddr, domain: Domain, dst: &mut SockAddr) -> Result<()> {
    addr::with_sockaddr(addr, domain, |src, len| {
        if len > dst.len() {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        // SAFETY: `src` points to `len` initialised bytes of an address; `dst` has room for
        // `dst.len()` bytes, at least `len`; the two do not overlap.
        unsafe {
            ptr::copy_nonoverlapping(src.cast::<u8>(), dst.as_mut_ptr().cast(), len as usize)
        };
        *dst.len_mut() = len;
        Ok(())
    })
}

/// `sendmmsg(fd, msgvec, vlen, flags)`. Every message is checked and its address encoded
/// before the first call, so bad input sends nothing. `sendmmsg` takes one flags argument, so
/// a run of messages with equal flags goes in one call; the batch stops at the first run the
/// kernel does not take whole.
pub(crate) fn send_mmsg<const B: usize, const N: usize>(
    fd: &Fd,
    domain: Domain,
    batch: &mut SendBatch<'_, B, N>,
) -> Result<usize> {
    let (msgs, sent) = batch.parts_mut();
    let mut flags = [0 as c_int; B];
    let mut names: [SockAddr; B] = core::array::from_fn(|_| SockAddr::empty());
    let mut iovs = [[EMPTY_IOV; N]; B];
    for (i, m) in msgs.iter().enumerate() {
        flags[i] = msg::send_flags(m.flags)?;
        if let Some(a) = m.addr {
            encode_into(a, domain, &mut names[i])?;
        }
        for (dst, src) in iovs[i].iter_mut().zip(m.iov.as_slices()) {
            // The kernel only reads through `iov_base` on send; the C type is not const.
            *dst = libc::iovec {
                iov_base: src.as_ptr() as *mut c_void,
                iov_len: src.len(),
            };
        }
    }
    // SAFETY: plain old data; all-zero bytes are a valid value (null pointers, zero lengths).
    let mut hdrs: [libc::mmsghdr; B] = unsafe { mem::zeroed() };
    for (i, m) in msgs.iter().enumerate() {
        let h = &mut hdrs[i].msg_hdr;
        h.msg_iov = iovs[i].as_mut_ptr();
        h.msg_iovlen = m.iov.len() as _;
        if m.addr.is_some() {
            h.msg_name = names[i].as_mut_ptr().cast();
            h.msg_namelen = names[i].len();
        }
        if !m.control.is_empty() {
            h.msg_control = m.control.as_ptr() as *mut c_void;
            h.msg_controllen = m.control.len() as _;
        }
    }
    let total = msgs.len();
    let mut done = 0;
    while done < total {
        let run_flags = flags[done];
        let run_end = (done..total)
            .find(|&i| flags[i] != run_flags)
            .unwrap_or(total);
        let run = &mut hdrs[done..run_end];
        // SAFETY: each header of `run` points to live memory of the stated lengths: its
        // address in `names`, its iovecs in `iovs` (each over a caller buffer) and its control
        // bytes; the kernel writes only `msg_len`.
        let n = retry(|| unsafe {
            libc::sendmmsg(
                fd.raw(),
                run.as_mut_ptr(),
                run.len() as _,
                run_flags | os::SEND_FLAGS,
            )
        });
        let n = match n {
            Ok(n) => n as usize,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        for (dst, h) in sent[done..].iter_mut().zip(&hdrs[done..done + n]) {
            *dst = h.msg_len as usize;
        }
        done += n;
        if n == 0 || done < run_end {
            break;
        }
    }
    Ok(done)
}

/// `recvmmsg(fd, msgvec, vlen, MSG_WAITFORONE | flags, NULL)`: waits for the first message only.
/// Descriptors received in `SCM_RIGHTS` are closed, as by `recv_msg`.
pub(crate) fn recv_mmsg<const B: usize, const N: usize>(
    fd: &Fd,
    domain: Domain,
    batch: &mut RecvBatch<'_, B, N>,
) -> Result<usize> {
    let flags = msg::recv_flags(batch.flags()?)? | libc::MSG_WAITFORONE | os::RECVMSG_FLAGS;
    let (msgs, meta) = batch.parts_mut();
    if msgs.is_empty() {
        return Ok(0);
    }
    let mut names: [SockAddr; B] = core::array::from_fn(|_| SockAddr::empty());
    let mut iovs = [[EMPTY_IOV; N]; B];
    for (i, m) in msgs.iter_mut().enumerate() {
        for (dst, src) in iovs[i].iter_mut().zip(m.iov.as_mut_slices()) {
            *dst = libc::iovec {
                iov_base: src.as_mut_ptr().cast(),
                iov_len: src.len(),
            };
        }
    }
    // SAFETY: plain old data; all-zero bytes are a valid value (null pointers, zero lengths).
    let mut hdrs: [libc::mmsghdr; B] = unsafe { mem::zeroed() };
    for (i, m) in msgs.iter_mut().enumerate() {
        let h = &mut hdrs[i].msg_hdr;
        h.msg_name = names[i].as_mut_ptr().cast();
        h.msg_namelen = names[i].len();
        h.msg_iov = iovs[i].as_mut_ptr();
        h.msg_iovlen = m.iov.len() as _;
        if !m.control.is_empty() {
            h.msg_control = m.control.as_mut_ptr().cast();
            h.msg_controllen = m.control.len() as _;
        }
    }
    let used = &mut hdrs[..msgs.len()];
    // SAFETY: each header of `used` points to live, writable memory of the stated lengths: its
    // address room in `names`, its iovecs in `iovs` (each over a caller buffer) and its control
    // buffer; no timeout pointer.
    let n = retry(|| unsafe {
        libc::recvmmsg(
            fd.raw(),
            used.as_mut_ptr(),
            used.len() as _,
            flags as _,
            ptr::null_mut(),
        )
    })? as usize;
    for (i, h) in hdrs.iter().enumerate().take(n) {
        *names[i].len_mut() = h.msg_hdr.msg_namelen;
        // `msg_controllen` is `size_t` in glibc but `socklen_t` in musl.
        #[allow(clippy::unnecessary_cast)]
        let control_len = (h.msg_hdr.msg_controllen as usize).min(msgs[i].control.len());
        passed::close_rights(&mut msgs[i].control[..control_len]);
        meta[i] = RecvMeta {
            len: h.msg_len as usize,
            addr: match names[i].len() {
                0 => None,
                _ => Some(names[i].to_socket_addr(domain)?),
            },
            control_len,
            flags: msg::from_platform(h.msg_hdr.msg_flags),
        };
    }
    Ok(n)
}
