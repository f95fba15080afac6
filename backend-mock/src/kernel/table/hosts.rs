//! The hosts of the network: their addresses and what each counts on its own.

use core::net::{Ipv4Addr, Ipv6Addr};

/// The most hosts one [`Net`] holds.
///
/// [`Net`]: crate::Net
pub const MAX_HOSTS: usize = 8;

/// The first ephemeral port. Linux picks ports at random from
/// `net.ipv4.ip_local_port_range` (32768–60999 by default); the mock counts upward from the
/// IANA dynamic range's start, per host, so runs repeat exactly.
pub const FIRST_EPHEMERAL_PORT: u16 = 49152;

#[derive(Clone, Copy, Debug)]
pub(crate) struct HostInfo {
    pub(crate) ipv4: Ipv4Addr,
    pub(crate) ipv6: Ipv6Addr,
    pub(crate) next_port: u16,
    pub(crate) next_autobind: u32,
}
