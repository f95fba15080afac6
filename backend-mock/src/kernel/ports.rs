//! Who may bind which port: Linux's conflict rules for `bind`/`listen`, and deterministic
//! ephemeral ports.

use core::net::IpAddr;

use anysock_core::{Error, ErrorKind, Result, SocketAddr, Type};

use crate::base::addr::canonical;
use crate::base::handle::Handle;
use crate::kernel::state::State;
use crate::kernel::table::addrs::Key;
use crate::kernel::table::hosts::FIRST_EPHEMERAL_PORT;

/// The addresses a bound socket receives for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cover {
    /// `0.0.0.0`.
    AllV4,
    /// `::` with `IPV6_V6ONLY`.
    AllV6,
    /// `::` without `IPV6_V6ONLY`: IPv6 and IPv4 alike (dual stack, Linux's default).
    AllBoth,
    /// One address (IPv4-mapped addresses as IPv4).
    One(IpAddr),
}

impl Cover {
    pub(crate) fn of(local: &SocketAddr, v6only: bool) -> Option<Cover> {
        let inet = local.as_inet()?;
        let ip = inet.ip();
        Some(match ip {
            IpAddr::V4(v4) if v4.is_unspecified() => Cover::AllV4,
            IpAddr::V6(v6) if v6.is_unspecified() && v6only => Cover::AllV6,
            IpAddr::V6(v6) if v6.is_unspecified() => Cover::AllBoth,
            _ => Cover::One(canonical(ip)),
        })
    }

    /// Whether a packet to `ip` (canonical) reaches this socket.
    pub(crate) fn covers(self, ip: IpAddr) -> bool {
        match self {
            Cover::AllV4 => ip.is_ipv4(),
            Cover::AllV6 => ip.is_ipv6(),
            Cover::AllBoth => true,
            Cover::One(own) => own == ip,
        }
    }

    fn has_v4(self) -> bool {
        match self {
            Cover::AllV4 | Cover::AllBoth => true,
            Cover::AllV6 => false,
            Cover::One(ip) => ip.is_ipv4(),
        }
    }

    fn has_v6(self) -> bool {
        match self {
            Cover::AllV6 | Cover::AllBoth => true,
            Cover::AllV4 => false,
            Cover::One(ip) => ip.is_ipv6(),
        }
    }

    pub(crate) fn overlaps(self, other: Cover) -> bool {
        match (self, other) {
            (Cover::One(a), Cover::One(b)) => a == b,
            (Cover::One(ip), all) | (all, Cover::One(ip)) => all.covers(ip),
            (a, b) => (a.has_v4() && b.has_v4()) || (a.has_v6() && b.has_v6()),
        }
    }
}

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// Whether socket `h` may hold `local` (an Internet address with its port), as Linux
    /// decides in `inet_csk_bind_conflict` and `udp_lib_get_port`:
    /// - sockets of another transport, host or port, or whose addresses do not overlap, never
    ///   conflict (`0.0.0.0` overlaps every IPv4 address; `::` every IPv6 one and, without
    ///   `IPV6_V6ONLY`, every IPv4 one too);
    /// - both with `SO_REUSEPORT`: no conflict;
    /// - both with `SO_REUSEADDR`: no conflict for UDP, and for TCP unless the other one
    ///   listens (Linux refuses to share a port with a listener even then);
    /// - otherwise `EADDRINUSE`.
    pub(crate) fn check_port(&self, h: Handle, local: &SocketAddr) -> Result<()> {
        let me = self.sock(h)?;
        let Some(mine) = Cover::of(local, me.opts.v6only) else {
            return Ok(());
        };
        let Some(key) = Key::of(me.host, me.ty, local) else {
            return Ok(());
        };
        for (other, o) in self.at_key(key) {
            if other == h {
                continue;
            }
            let Some(theirs) = o.local.and_then(|l| Cover::of(&l, o.opts.v6only)) else {
                continue;
            };
            if !mine.overlaps(theirs) {
                continue;
            }
            if me.opts.reuse_port && o.opts.reuse_port {
                continue;
            }
            let reuse = me.opts.reuse_addr && o.opts.reuse_addr;
            if reuse && (me.ty == Type::Datagram || !o.is_listening()) {
                continue;
            }
            return Err(Error::new(ErrorKind::AddrInUse));
        }
        Ok(())
    }

    /// The next free port of `h`'s transport on its host, counting up from
    /// [`FIRST_EPHEMERAL_PORT`] and wrapping; `error` when every one is taken.
    pub(crate) fn ephemeral_port(&mut self, h: Handle, error: ErrorKind) -> Result<u16> {
        let (host, ty) = {
            let s = self.sock(h)?;
            (s.host, s.ty)
        };
        let span = u32::from(u16::MAX - FIRST_EPHEMERAL_PORT) + 1;
        let start = u32::from(self.host_info(host)?.next_port.max(FIRST_EPHEMERAL_PORT));
        for step in 0..span {
            let offset = (start - u32::from(FIRST_EPHEMERAL_PORT) + step) % span;
            let Ok(port) = u16::try_from(u32::from(FIRST_EPHEMERAL_PORT) + offset) else {
                continue;
            };
            let taken = self.at_key(Key::Port { host, ty, port }).next().is_some();
            if !taken {
                if let Some(info) = self.hosts.get_mut(host) {
                    info.next_port = port.checked_add(1).unwrap_or(FIRST_EPHEMERAL_PORT);
                }
                return Ok(port);
            }
        }
        Err(Error::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::Cover;
    use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    #[test]
    fn overlap_rules() {
        let lo4 = Cover::One(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let lo6 = Cover::One(IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert!(Cover::AllV4.overlaps(lo4));
        assert!(!Cover::AllV4.overlaps(lo6));
        assert!(Cover::AllBoth.overlaps(lo4));
        assert!(!Cover::AllV6.overlaps(lo4));
        assert!(Cover::AllBoth.overlaps(Cover::AllV4));
        assert!(!Cover::AllV6.overlaps(Cover::AllV4));
        assert!(!lo4.overlaps(Cover::One(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))));
    }
}
