//! The calls as a C programmer writes them: `libc` on raw descriptors.

use std::hint::black_box;
use std::io;
use std::mem::{self, MaybeUninit};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::workloads::*;

pub struct Libc;

/// What anysock passes to every send, so a closed peer is an error and not `SIGPIPE`.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
const SEND_FLAGS: libc::c_int = 0;

/// A socket descriptor, closed on drop. Its errors are the raw `-1` returns.
pub struct Fd(OwnedFd);

/// Checks a setup call: it must succeed.
fn ok(ret: libc::c_int, what: &str) -> libc::c_int {
    if ret < 0 {
        panic!("{what}: {}", io::Error::last_os_error());
    }
    ret
}

fn owned(fd: libc::c_int) -> Fd {
    // SAFETY: `fd` was just returned by the successful call that created it; nothing else
    // owns it.
    Fd(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn socket(domain: libc::c_int, ty: libc::c_int) -> Fd {
    // SAFETY: plain syscall on integer arguments.
    owned(ok(unsafe { libc::socket(domain, ty, 0) }, "socket"))
}

const SOCKADDR_IN_LEN: libc::socklen_t = mem::size_of::<libc::sockaddr_in>() as _;

/// A socket of `ty` bound to 127.0.0.1 on a free port, and that address.
fn bound_loopback(ty: libc::c_int) -> (Fd, libc::sockaddr_in) {
    let fd = socket(libc::AF_INET, ty);
    // SAFETY: `sockaddr_in` is plain old data; all-zero bytes are a valid value.
    let mut sa: libc::sockaddr_in = unsafe { mem::zeroed() };
    sa.sin_family = libc::AF_INET as libc::sa_family_t;
    sa.sin_addr.s_addr = u32::from(*loopback().ip()).to_be();
    let ptr: *mut libc::sockaddr_in = &mut sa;
    let mut len = SOCKADDR_IN_LEN;
    // SAFETY: `ptr` points to a `sockaddr_in` of `len` bytes, read by `bind` and written by
    // `getsockname` with the port the kernel picked.
    unsafe {
        ok(libc::bind(fd.raw(), ptr.cast(), len), "bind");
        ok(
            libc::getsockname(fd.raw(), ptr.cast(), &mut len),
            "getsockname",
        );
    }
    (fd, sa)
}

fn set<T>(fd: &Fd, level: libc::c_int, name: libc::c_int, value: T, what: &str) {
    let len = mem::size_of::<T>() as libc::socklen_t;
    // SAFETY: `value` lives across the call and is `len` bytes long.
    ok(
        unsafe { libc::setsockopt(fd.raw(), level, name, (&value as *const T).cast(), len) },
        what,
    );
}

impl Fd {
    pub fn raw(&self) -> libc::c_int {
        self.0.as_raw_fd()
    }
}

impl Sockets for Libc {
    type Local = Fd;
    type Tcp = Fd;
    type Udp = Fd;

    fn socketpair() -> (Fd, Fd) {
        let mut fds = [0; 2];
        let ty = libc::SOCK_STREAM;
        // SAFETY: `fds` has room for the two descriptors the call writes.
        ok(
            unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, fds.as_mut_ptr()) },
            "socketpair",
        );
        (owned(fds[0]), owned(fds[1]))
    }

    fn tcp_pair() -> (Fd, Fd) {
        let (listener, addr) = bound_loopback(libc::SOCK_STREAM);
        let one: libc::c_int = 1;
        set(
            &listener,
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            one,
            "SO_REUSEADDR",
        );
        // SAFETY: plain syscall on integer arguments.
        ok(unsafe { libc::listen(listener.raw(), 1) }, "listen");
        let client = socket(libc::AF_INET, libc::SOCK_STREAM);
        let ptr: *const libc::sockaddr_in = &addr;
        // SAFETY: `ptr` points to a `sockaddr_in` of the length given.
        ok(
            unsafe { libc::connect(client.raw(), ptr.cast(), SOCKADDR_IN_LEN) },
            "connect",
        );
        let (null_addr, null_len) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: null address and length: the peer's address is not wanted.
        let server = unsafe { libc::accept(listener.raw(), null_addr, null_len) };
        let server = owned(ok(server, "accept"));
        for fd in [&client, &server] {
            set(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, one, "TCP_NODELAY");
        }
        (client, server)
    }

    fn udp_pair() -> (Fd, Fd, libc::sockaddr_in) {
        let (rx, to) = bound_loopback(libc::SOCK_DGRAM);
        let (tx, _) = bound_loopback(libc::SOCK_DGRAM);
        let timeout = libc::timeval {
            tv_sec: UDP_TIMEOUT.as_secs() as libc::time_t,
            tv_usec: 0,
        };
        set(
            &rx,
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            timeout,
            "SO_RCVTIMEO",
        );
        (tx, rx, to)
    }

    measured_loops!();
}

/// `recvfrom` with the sender written into `from`: the bytes received and the sender's length.
#[inline(always)]
pub fn recv_from_raw(
    fd: &Fd,
    buf: &mut [u8],
    from: &mut MaybeUninit<libc::sockaddr_storage>,
) -> Result<(usize, libc::socklen_t), isize> {
    let mut from_len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let (data, len) = (buf.as_mut_ptr().cast(), buf.len());
    // SAFETY: `buf` and `from` are valid for writes of the lengths given.
    let got = transferred(unsafe {
        libc::recvfrom(
            fd.raw(),
            data,
            len,
            0,
            from.as_mut_ptr().cast(),
            &mut from_len,
        )
    })?;
    Ok((got, from_len))
}

/// The raw return value, negative on failure; the check against 64 is then one compare.
#[inline(always)]
pub fn transferred(ret: isize) -> Result<usize, isize> {
    if ret >= 0 {
        Ok(ret as usize)
    } else {
        Err(ret)
    }
}

impl Conn for Fd {
    type Error = isize;

    #[inline(always)]
    fn send(&mut self, buf: &[u8]) -> Result<usize, isize> {
        let flags = SEND_FLAGS;
        // SAFETY: `buf` is valid for reads of its length.
        transferred(unsafe { libc::send(self.raw(), buf.as_ptr().cast(), buf.len(), flags) })
    }

    #[inline(always)]
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, isize> {
        // SAFETY: `buf` is valid for writes of its length.
        transferred(unsafe { libc::recv(self.raw(), buf.as_mut_ptr().cast(), buf.len(), 0) })
    }
}

impl Dgram for Fd {
    type Addr = libc::sockaddr_in;
    type Error = isize;

    #[inline(always)]
    fn send_to(&mut self, buf: &[u8], to: &libc::sockaddr_in) -> Result<usize, isize> {
        let (data, len) = (buf.as_ptr().cast(), buf.len());
        let to: *const libc::sockaddr_in = to;
        // SAFETY: `buf` and `to` are valid for reads of the lengths given.
        transferred(unsafe { libc::sendto(self.raw(), data, len, 0, to.cast(), SOCKADDR_IN_LEN) })
    }

    #[inline(always)]
    fn recv_from(&mut self, buf: &mut [u8]) -> Result<usize, isize> {
        let mut from = MaybeUninit::<libc::sockaddr_storage>::uninit();
        let got = recv_from_raw(self, buf, &mut from).map(|(got, _)| got);
        black_box(&from);
        got
    }
}
