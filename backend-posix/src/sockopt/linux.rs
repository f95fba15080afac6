//! The options Linux has beyond the portable set, with Linux's levels, names and C types.

use core::net::{Ipv4Addr, Ipv6Addr};

use libc::c_int;

use super::codecs;
use super::encode::*;
use crate::sys::addr::{in_addr, ipv4};
use anysock_core::opt::*;
use anysock_core::{Error, ErrorKind, Result};

codecs! {
    SocketDomain => libc::SOL_SOCKET, libc::SO_DOMAIN, c_int, unsupported, decode_domain;
    SocketProtocol => libc::SOL_SOCKET, libc::SO_PROTOCOL, c_int, unsupported, decode_u32;
    PeerCredentials => libc::SOL_SOCKET, libc::SO_PEERCRED, libc::ucred, unsupported, decode_ucred;
    PassCredentials => libc::SOL_SOCKET, libc::SO_PASSCRED, c_int, encode_bool, decode_bool;
    BindToDevice => libc::SOL_SOCKET, libc::SO_BINDTODEVICE, [u8; 16], encode_device, decode_device;
    Mark => libc::SOL_SOCKET, libc::SO_MARK, u32, Ok, Ok;
    Priority => libc::SOL_SOCKET, libc::SO_PRIORITY, c_int, encode_u32, decode_u32;
    Timestamp => libc::SOL_SOCKET, libc::SO_TIMESTAMP, c_int, encode_bool, decode_bool;
    TimestampNs => libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, c_int, encode_bool, decode_bool;
    RecvLowat => libc::SOL_SOCKET, libc::SO_RCVLOWAT, c_int, encode_size, decode_size;
    OobInline => libc::SOL_SOCKET, libc::SO_OOBINLINE, c_int, encode_bool, decode_bool;

    KeepIdle => libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, c_int, encode_seconds, decode_seconds;
    KeepInterval => libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, c_int, encode_seconds, decode_seconds;
    KeepCount => libc::IPPROTO_TCP, libc::TCP_KEEPCNT, c_int, encode_u32, decode_u32;
    UserTimeout => libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT, c_int, encode_millis, decode_millis;
    Cork => libc::IPPROTO_TCP, libc::TCP_CORK, c_int, encode_bool, decode_bool;
    QuickAck => libc::IPPROTO_TCP, libc::TCP_QUICKACK, c_int, encode_bool, decode_bool;
    MaxSegment => libc::IPPROTO_TCP, libc::TCP_MAXSEG, c_int, encode_u32, decode_u32;
    Congestion => libc::IPPROTO_TCP, libc::TCP_CONGESTION, [u8; 16], encode_congestion, decode_congestion;
    FastOpen => libc::IPPROTO_TCP, libc::TCP_FASTOPEN, c_int, encode_u32, decode_u32;

    Tos => libc::IPPROTO_IP, libc::IP_TOS, c_int, encode_u8, decode_u8;
    MulticastTtl => libc::IPPROTO_IP, libc::IP_MULTICAST_TTL, c_int, encode_u32, decode_u32;
    MulticastLoopV4 => libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP, c_int, encode_bool, decode_bool;
    MulticastInterfaceV4 => libc::IPPROTO_IP, libc::IP_MULTICAST_IF, libc::in_addr, encode_in_addr, decode_in_addr;
    JoinMulticastV4 => libc::IPPROTO_IP, libc::IP_ADD_MEMBERSHIP, libc::ip_mreqn, encode_mreqn, unsupported;
    LeaveMulticastV4 => libc::IPPROTO_IP, libc::IP_DROP_MEMBERSHIP, libc::ip_mreqn, encode_mreqn, unsupported;
    PktInfo => libc::IPPROTO_IP, libc::IP_PKTINFO, c_int, encode_bool, decode_bool;
    RecvTos => libc::IPPROTO_IP, libc::IP_RECVTOS, c_int, encode_bool, decode_bool;
    RecvTtl => libc::IPPROTO_IP, libc::IP_RECVTTL, c_int, encode_bool, decode_bool;
    Freebind => libc::IPPROTO_IP, libc::IP_FREEBIND, c_int, encode_bool, decode_bool;

    MulticastHops => libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_HOPS, c_int, encode_u32, decode_u32;
    MulticastLoopV6 => libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_LOOP, c_int, encode_bool, decode_bool;
    MulticastInterfaceV6 => libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_IF, c_int, encode_u32, decode_u32;
    JoinMulticastV6 => libc::IPPROTO_IPV6, libc::IPV6_ADD_MEMBERSHIP, libc::ipv6_mreq, encode_mreq6, unsupported;
    LeaveMulticastV6 => libc::IPPROTO_IPV6, libc::IPV6_DROP_MEMBERSHIP, libc::ipv6_mreq, encode_mreq6, unsupported;
    RecvPktInfo => libc::IPPROTO_IPV6, libc::IPV6_RECVPKTINFO, c_int, encode_bool, decode_bool;
    TrafficClass => libc::IPPROTO_IPV6, libc::IPV6_TCLASS, c_int, encode_u8, decode_u8;
    RecvTrafficClass => libc::IPPROTO_IPV6, libc::IPV6_RECVTCLASS, c_int, encode_bool, decode_bool;
    RecvHopLimit => libc::IPPROTO_IPV6, libc::IPV6_RECVHOPLIMIT, c_int, encode_bool, decode_bool;
}

/// A socket without a peer (not connected, or not a Unix socket) answers with pid 0 and ids of
/// -1: credentials no process has, so they are reported as [`ErrorKind::NotConnected`]. A
/// negative pid would be a kernel bug, reported rather than wrapped.
fn decode_ucred(raw: libc::ucred) -> Result<Credentials> {
    if raw.pid == 0 {
        return Err(Error::new(ErrorKind::NotConnected));
    }
    Ok(Credentials {
        pid: u32::try_from(raw.pid).map_err(|_| invalid())?,
        uid: raw.uid,
        gid: raw.gid,
    })
}

fn encode_device(v: Option<IfName>) -> Result<[u8; 16]> {
    Ok(encode_name(v.as_ref().map(IfName::as_bytes)))
}

/// An unbound socket answers with an empty name (length 0).
fn decode_device(raw: [u8; 16]) -> Result<Option<IfName>> {
    decode_name(&raw).map(IfName::from_bytes).transpose()
}

fn encode_congestion(v: CongestionName) -> Result<[u8; 16]> {
    Ok(encode_name(Some(v.as_bytes())))
}

fn decode_congestion(raw: [u8; 16]) -> Result<CongestionName> {
    CongestionName::from_bytes(decode_name(&raw).unwrap_or_default())
}

fn encode_in_addr(addr: Ipv4Addr) -> Result<libc::in_addr> {
    Ok(in_addr(addr))
}

fn decode_in_addr(raw: libc::in_addr) -> Result<Ipv4Addr> {
    Ok(ipv4(raw))
}

/// A group that is not multicast is refused here, as the kernel would, so the answer does not
/// depend on the system.
fn encode_mreqn(m: MulticastGroupV4) -> Result<libc::ip_mreqn> {
    if !m.group.is_multicast() {
        return Err(invalid());
    }
    let (address, index) = match m.interface {
        InterfaceV4::Any => (Ipv4Addr::UNSPECIFIED, 0),
        InterfaceV4::Address(a) => (a, 0),
        InterfaceV4::Index(i) => (
            Ipv4Addr::UNSPECIFIED,
            c_int::try_from(i).map_err(|_| invalid())?,
        ),
    };
    Ok(libc::ip_mreqn {
        imr_multiaddr: in_addr(m.group),
        imr_address: in_addr(address),
        imr_ifindex: index,
    })
}

fn encode_mreq6(m: MulticastGroupV6) -> Result<libc::ipv6_mreq> {
    if !m.group.is_multicast() {
        return Err(invalid());
    }
    Ok(libc::ipv6_mreq {
        ipv6mr_multiaddr: libc::in6_addr {
            s6_addr: Ipv6Addr::octets(&m.group),
        },
        ipv6mr_interface: m.interface,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_requests_carry_the_group_and_interface() {
        let group = Ipv4Addr::new(239, 255, 0, 1);
        let m = encode_mreqn(MulticastGroupV4::new(group, InterfaceV4::Index(1))).unwrap();
        assert_eq!(m.imr_multiaddr.s_addr.to_ne_bytes(), [239, 255, 0, 1]);
        assert_eq!((m.imr_address.s_addr, m.imr_ifindex), (0, 1));
        let local = Ipv4Addr::LOCALHOST;
        let m = encode_mreqn(MulticastGroupV4::new(group, InterfaceV4::Address(local))).unwrap();
        assert_eq!(m.imr_address.s_addr.to_ne_bytes(), [127, 0, 0, 1]);

        let unicast = MulticastGroupV4::new(local, InterfaceV4::Any);
        assert!(encode_mreqn(unicast).is_err());
        let huge = MulticastGroupV4::new(group, InterfaceV4::Index(u32::MAX));
        assert!(encode_mreqn(huge).is_err());
        assert!(encode_mreq6(MulticastGroupV6::new(Ipv6Addr::LOCALHOST, 0)).is_err());
    }

    #[test]
    fn names_decode_or_fail_without_panicking() {
        assert_eq!(decode_device([0; 16]).unwrap(), None);
        assert!(decode_congestion([0; 16]).is_err());
        assert!(decode_congestion([b'x'; 16]).is_err(), "no NUL: too long");
        assert!(decode_device([0xff; 16]).is_err(), "not UTF-8");
        let mut raw = [0u8; 16];
        raw[..4].copy_from_slice(b"reno");
        assert_eq!(decode_congestion(raw).unwrap(), "reno");
    }
}
