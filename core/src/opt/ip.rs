//! Options of IPv4 sockets (`IPPROTO_IP`). Linux also accepts most of them on IPv6 sockets,
//! for IPv4-mapped traffic.

use core::net::Ipv4Addr;

use super::values::MulticastGroupV4;

options! {
    /// `IP_TTL`: the time-to-live of outgoing IPv4 packets (1..=255).
    #[doc(alias = "IP_TTL")]
    Ttl: u32, Gettable, Settable, ListenerOption, StreamOption, DatagramOption;
    /// `IP_TOS`: the type-of-service byte of outgoing packets (DSCP in the high six bits,
    /// ECN in the low two). On a TCP socket Linux keeps the ECN bits to itself.
    #[doc(alias = "IP_TOS")]
    Tos: u8, Gettable, Settable, StreamOption, DatagramOption;
    /// `IP_MULTICAST_TTL`: the time-to-live of outgoing multicast packets (0..=255; 1, the
    /// default, keeps them on the local network, 0 on the host). Linux.
    #[doc(alias = "IP_MULTICAST_TTL")]
    MulticastTtl: u32, Gettable, Settable, DatagramOption => hops;
    /// `IP_MULTICAST_LOOP`: multicast packets sent are also delivered to this host's own
    /// members of the group (on by default). Linux.
    #[doc(alias = "IP_MULTICAST_LOOP")]
    MulticastLoopV4: bool, Gettable, Settable, DatagramOption;
    /// `IP_MULTICAST_IF`: the local address of the interface multicast packets leave by;
    /// `UNSPECIFIED` lets the routing table choose. Linux.
    #[doc(alias = "IP_MULTICAST_IF")]
    MulticastInterfaceV4: Ipv4Addr, Gettable, Settable, DatagramOption;
    /// `IP_ADD_MEMBERSHIP`: join a multicast group on an interface, so datagrams sent to the
    /// group reach this socket (when bound to the group's port). Joining a group twice fails
    /// with [`crate::ErrorKind::AddrInUse`]; a group address that is not multicast, with
    /// [`crate::ErrorKind::InvalidInput`]. Write-only. Linux (`ip_mreqn`).
    #[doc(alias = "IP_ADD_MEMBERSHIP")]
    JoinMulticastV4: MulticastGroupV4, Settable, DatagramOption;
    /// `IP_DROP_MEMBERSHIP`: leave a multicast group joined with [`JoinMulticastV4`]; a group
    /// not joined fails with [`crate::ErrorKind::AddrNotAvailable`]. Write-only. Linux.
    #[doc(alias = "IP_DROP_MEMBERSHIP")]
    LeaveMulticastV4: MulticastGroupV4, Settable, DatagramOption;
    /// `IP_PKTINFO`: attach the destination address and arrival interface of each received
    /// datagram (`IP_PKTINFO` control message). Linux.
    #[doc(alias = "IP_PKTINFO")]
    PktInfo: bool, Gettable, Settable, DatagramOption;
    /// `IP_RECVTOS`: attach the type-of-service byte of each received datagram. Linux.
    #[doc(alias = "IP_RECVTOS")]
    RecvTos: bool, Gettable, Settable, DatagramOption;
    /// `IP_RECVTTL`: attach the time-to-live of each received datagram. Linux.
    #[doc(alias = "IP_RECVTTL")]
    RecvTtl: bool, Gettable, Settable, DatagramOption;
    /// `IP_FREEBIND`: allow `bind` to an address that is not (yet) on any interface. Linux.
    #[doc(alias = "IP_FREEBIND")]
    Freebind: bool, Gettable, Settable;
}
