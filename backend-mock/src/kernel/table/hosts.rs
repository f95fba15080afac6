//! The hosts of the network: their addresses, what each counts on its own, the lists of its
//! sockets, and the index that routes an address to its host.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use anysock_core::{Error, ErrorKind, Result};

use crate::base::hash::{mix, Buckets};
use crate::base::list::{Link, List};
use crate::base::table::{NoMemory, Table};

/// The hosts a [`Net`] holds by default: the capacity of `Net::new()` and the default of the
/// `H` parameter (without feature `alloc`, the compile-time capacity; with it,
/// `Net::builder().hosts(n)` chooses any number).
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
    /// Its open sockets (links: `host`).
    pub(crate) socks: List,
    /// Its `connect`s retrying their `SYN` (links: `pending`).
    pub(crate) syns: List,
    /// Its sockets with stream bytes held by a partition (links: `pending`).
    pub(crate) held: List,
}

/// Every host, and its addresses indexed.
pub(crate) struct Hosts<const H: usize> {
    infos: Table<Option<HostInfo>, H>,
    count: usize,
    by_v4: Buckets<H>,
    by_v6: Buckets<H>,
    links_v4: Table<Link, H>,
    links_v6: Table<Link, H>,
}

fn hash4(ip: Ipv4Addr) -> u64 {
    mix(u64::from(u32::from(ip)))
}

fn hash6(ip: Ipv6Addr) -> u64 {
    let n = u128::from(ip);
    mix((n as u64) ^ mix((n >> 64) as u64))
}

impl<const H: usize> Hosts<H> {
    /// Room for `len` hosts (without `alloc`: `H`).
    pub(crate) fn try_new(len: usize) -> Result<Self, NoMemory> {
        let len = len.min(u32::MAX as usize - 2);
        Ok(Hosts {
            infos: Table::try_new(len, |_| None)?,
            count: 0,
            by_v4: Buckets::try_new(len)?,
            by_v6: Buckets::try_new(len)?,
            links_v4: Table::try_new(len, |_| Link::OFF)?,
            links_v6: Table::try_new(len, |_| Link::OFF)?,
        })
    }

    pub(crate) fn count(&self) -> usize {
        self.count
    }

    pub(crate) fn get(&self, host: usize) -> Option<&HostInfo> {
        self.infos.get(host)?.as_ref()
    }

    pub(crate) fn get_mut(&mut self, host: usize) -> Option<&mut HostInfo> {
        self.infos.get_mut(host)?.as_mut()
    }

    /// The host owning `ip` (canonical; not loopback).
    pub(crate) fn find(&self, ip: IpAddr) -> Option<usize> {
        let found = match ip {
            IpAddr::V4(v4) => self
                .by_v4
                .list(hash4(v4))
                .iter(&self.links_v4)
                .find(|&h| self.get(h as usize).is_some_and(|i| i.ipv4 == v4)),
            IpAddr::V6(v6) => self
                .by_v6
                .list(hash6(v6))
                .iter(&self.links_v6)
                .find(|&h| self.get(h as usize).is_some_and(|i| i.ipv6 == v6)),
        };
        found.map(|h| h as usize)
    }

    /// Adds a host with these addresses (checked by the caller); `ENOMEM` when the network
    /// already holds as many as it can.
    pub(crate) fn add(&mut self, ipv4: Ipv4Addr, ipv6: Ipv6Addr) -> Result<usize> {
        let id = self.count;
        let slot = self
            .infos
            .get_mut(id)
            .ok_or(Error::new(ErrorKind::OutOfMemory))?;
        *slot = Some(HostInfo {
            ipv4,
            ipv6,
            next_port: FIRST_EPHEMERAL_PORT,
            next_autobind: 0,
            socks: List::EMPTY,
            syns: List::EMPTY,
            held: List::EMPTY,
        });
        let i = id as u32;
        self.by_v4.insert(&mut self.links_v4, hash4(ipv4), i);
        self.by_v6.insert(&mut self.links_v6, hash6(ipv6), i);
        self.count += 1;
        Ok(id)
    }

    /// Bytes held outside the owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.infos.heap_bytes()
            + self.by_v4.heap_bytes()
            + self.by_v6.heap_bytes()
            + self.links_v4.heap_bytes()
            + self.links_v6.heap_bytes()
    }
}

impl<const H: usize> core::fmt::Debug for Hosts<H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Hosts({} of {})", self.count, self.infos.len())
    }
}
