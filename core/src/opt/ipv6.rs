//! Options of IPv6 sockets (`IPPROTO_IPV6`). On an IPv4 or Unix socket they fail with
//! [`crate::ErrorKind::Unsupported`].

use super::values::MulticastGroupV6;

options! {
    /// `IPV6_UNICAST_HOPS`: the hop limit of outgoing IPv6 unicast packets (1..=255).
    #[doc(alias = "IPV6_UNICAST_HOPS")]
    UnicastHops: u32, Gettable, Settable, ListenerOption, StreamOption, DatagramOption;
    /// `IPV6_V6ONLY`: an IPv6 socket refuses IPv4-mapped traffic. Set it before `bind`.
    #[doc(alias = "IPV6_V6ONLY")]
    V6Only: bool, Gettable, Settable, ListenerOption, DatagramOption;
    /// `IPV6_MULTICAST_HOPS`: the hop limit of outgoing multicast packets (0..=255; 1, the
    /// default, keeps them on the local link). Linux.
    #[doc(alias = "IPV6_MULTICAST_HOPS")]
    MulticastHops: u32, Gettable, Settable, DatagramOption => hops;
    /// `IPV6_MULTICAST_LOOP`: multicast packets sent are also delivered to this host's own
    /// members of the group (on by default). Linux.
    #[doc(alias = "IPV6_MULTICAST_LOOP")]
    MulticastLoopV6: bool, Gettable, Settable, DatagramOption;
    /// `IPV6_MULTICAST_IF`: the index of the interface multicast packets leave by; 0 lets
    /// the routing table choose. Linux.
    #[doc(alias = "IPV6_MULTICAST_IF")]
    MulticastInterfaceV6: u32, Gettable, Settable, DatagramOption;
    /// `IPV6_ADD_MEMBERSHIP` (`IPV6_JOIN_GROUP`): join a multicast group on an interface
    /// (by index; 0 lets the routing table choose). Joining twice fails with
    /// [`crate::ErrorKind::AddrInUse`]; a group address that is not multicast, with
    /// [`crate::ErrorKind::InvalidInput`]. Write-only. Linux.
    #[doc(alias = "IPV6_ADD_MEMBERSHIP")]
    #[doc(alias = "IPV6_JOIN_GROUP")]
    JoinMulticastV6: MulticastGroupV6, Settable, DatagramOption;
    /// `IPV6_DROP_MEMBERSHIP` (`IPV6_LEAVE_GROUP`): leave a group joined with
    /// [`JoinMulticastV6`]; a group not joined fails with
    /// [`crate::ErrorKind::AddrNotAvailable`]. Write-only. Linux.
    #[doc(alias = "IPV6_DROP_MEMBERSHIP")]
    #[doc(alias = "IPV6_LEAVE_GROUP")]
    LeaveMulticastV6: MulticastGroupV6, Settable, DatagramOption;
    /// `IPV6_RECVPKTINFO`: attach the destination address and arrival interface of each
    /// received datagram (`IPV6_PKTINFO` control message). Linux.
    #[doc(alias = "IPV6_RECVPKTINFO")]
    RecvPktInfo: bool, Gettable, Settable, DatagramOption;
    /// `IPV6_TCLASS`: the traffic class byte of outgoing packets (DSCP and ECN, as IPv4's
    /// [`super::Tos`]). Linux.
    #[doc(alias = "IPV6_TCLASS")]
    TrafficClass: u8, Gettable, Settable, StreamOption, DatagramOption;
    /// `IPV6_RECVTCLASS`: attach the traffic class of each received datagram. Linux.
    #[doc(alias = "IPV6_RECVTCLASS")]
    RecvTrafficClass: bool, Gettable, Settable, DatagramOption;
    /// `IPV6_RECVHOPLIMIT`: attach the hop limit of each received datagram. Linux.
    #[doc(alias = "IPV6_RECVHOPLIMIT")]
    RecvHopLimit: bool, Gettable, Settable, DatagramOption;
}
