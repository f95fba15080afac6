//! `libc` with a typed address: what any socket API that takes and returns typed addresses must
//! do at least.
//!
//! The streams are `via_libc`'s, unchanged (the bench runs `typed` on UDP only). A datagram's address is a `std::net::SocketAddr`:
//! every `send_to` encodes it into a `sockaddr_in` or `sockaddr_in6` for `sendto`, and every
//! `recv_from` decodes the sender that `recvfrom` wrote, checking its length and family. That
//! is the address work `via_libc` leaves out (it sends a prebuilt `sockaddr_in` and never looks
//! at the sender), so the UDP figure here is the floor for a typed address over these syscalls.

use std::hint::black_box;
use std::mem::{self, MaybeUninit};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use crate::via_libc::{recv_from_raw, transferred, Fd, Libc};
use crate::workloads::*;

pub struct Typed;

/// A UDP socket of `via_libc`, with typed addresses.
pub struct Udp(Fd);

/// The error of a `recv_from` whose sender is neither a whole `sockaddr_in` nor a whole
/// `sockaddr_in6`; the raw returns are `-1`, so it is told apart from them.
const BAD_SENDER: isize = -2;

const SOCKADDR_IN_LEN: usize = mem::size_of::<libc::sockaddr_in>();
const SOCKADDR_IN6_LEN: usize = mem::size_of::<libc::sockaddr_in6>();

impl Sockets for Typed {
    type Local = Fd;
    type Tcp = Fd;
    type Udp = Udp;

    fn socketpair() -> (Fd, Fd) {
        Libc::socketpair()
    }

    fn tcp_pair() -> (Fd, Fd) {
        Libc::tcp_pair()
    }

    fn udp_pair() -> (Udp, Udp, SocketAddr) {
        let (tx, rx, to) = Libc::udp_pair();
        (Udp(tx), Udp(rx), SocketAddr::V4(v4(&to)))
    }

    measured_loops!();
}

#[inline(always)]
fn sockaddr_in(a: &SocketAddrV4) -> libc::sockaddr_in {
    // SAFETY: `sockaddr_in` is plain old data; all-zero bytes are a valid value.
    let mut sa: libc::sockaddr_in = unsafe { mem::zeroed() };
    sa.sin_family = libc::AF_INET as libc::sa_family_t;
    sa.sin_port = a.port().to_be();
    sa.sin_addr.s_addr = u32::from(*a.ip()).to_be();
    sa
}

#[inline(always)]
fn sockaddr_in6(a: &SocketAddrV6) -> libc::sockaddr_in6 {
    // SAFETY: `sockaddr_in6` is plain old data; all-zero bytes are a valid value.
    let mut sa: libc::sockaddr_in6 = unsafe { mem::zeroed() };
    sa.sin6_family = libc::AF_INET6 as libc::sa_family_t;
    sa.sin6_port = a.port().to_be();
    sa.sin6_flowinfo = a.flowinfo().to_be();
    sa.sin6_addr.s6_addr = a.ip().octets();
    sa.sin6_scope_id = a.scope_id();
    sa
}

#[inline(always)]
fn v4(sa: &libc::sockaddr_in) -> SocketAddrV4 {
    let ip = Ipv4Addr::from(u32::from_be(sa.sin_addr.s_addr));
    SocketAddrV4::new(ip, u16::from_be(sa.sin_port))
}

#[inline(always)]
fn v6(sa: &libc::sockaddr_in6) -> SocketAddrV6 {
    let ip = Ipv6Addr::from(sa.sin6_addr.s6_addr);
    let (port, flowinfo) = (u16::from_be(sa.sin6_port), u32::from_be(sa.sin6_flowinfo));
    SocketAddrV6::new(ip, port, flowinfo, sa.sin6_scope_id)
}

/// The sender `recvfrom` wrote into `from`, `len` bytes of it.
#[inline(always)]
fn sender(from: &MaybeUninit<libc::sockaddr_storage>, len: libc::socklen_t) -> Option<SocketAddr> {
    let (from, len) = (from.as_ptr(), len as usize);
    if len < SOCKADDR_IN_LEN {
        return None;
    }
    // SAFETY: `recvfrom` wrote `len` bytes, more than the family at the start.
    let family = libc::c_int::from(unsafe { (*from).ss_family });
    if family == libc::AF_INET {
        // SAFETY: `recvfrom` wrote a whole `sockaddr_in`; `sockaddr_storage` is aligned for it.
        Some(SocketAddr::V4(v4(unsafe { &*from.cast() })))
    } else if family == libc::AF_INET6 && len >= SOCKADDR_IN6_LEN {
        // SAFETY: `recvfrom` wrote a whole `sockaddr_in6`; `sockaddr_storage` is aligned for it.
        Some(SocketAddr::V6(v6(unsafe { &*from.cast() })))
    } else {
        None
    }
}

impl Dgram for Udp {
    type Addr = SocketAddr;
    type Error = isize;

    #[inline(always)]
    fn send_to(&mut self, buf: &[u8], to: &SocketAddr) -> Result<usize, isize> {
        let (sin, sin6);
        let (sa, sa_len): (*const libc::sockaddr, usize) = match to {
            SocketAddr::V4(a) => {
                sin = sockaddr_in(a);
                ((&sin as *const libc::sockaddr_in).cast(), SOCKADDR_IN_LEN)
            }
            SocketAddr::V6(a) => {
                sin6 = sockaddr_in6(a);
                let sa = (&sin6 as *const libc::sockaddr_in6).cast();
                (sa, SOCKADDR_IN6_LEN)
            }
        };
        let (data, len) = (buf.as_ptr().cast(), buf.len());
        let sa_len = sa_len as libc::socklen_t;
        // SAFETY: `buf` and `sa` are valid for reads of the lengths given.
        transferred(unsafe { libc::sendto(self.0.raw(), data, len, 0, sa, sa_len) })
    }

    #[inline(always)]
    fn recv_from(&mut self, buf: &mut [u8]) -> Result<usize, isize> {
        let mut from = MaybeUninit::<libc::sockaddr_storage>::uninit();
        let (got, from_len) = recv_from_raw(&self.0, buf, &mut from)?;
        // Each family's arm hands its whole `SocketAddr` to `black_box`. With one `black_box`
        // after the match, LLVM carries the V6 fields through the V4 arm from one datagram to
        // the next: 11 more instructions a datagram (rustc 1.95), the compiler's and not the
        // decoding's; the floor is what the decoding must cost.
        match sender(&from, from_len) {
            Some(addr @ SocketAddr::V4(_)) => black_box(&addr),
            Some(addr @ SocketAddr::V6(_)) => black_box(&addr),
            None => return Err(BAD_SENDER),
        };
        Ok(got)
    }
}
