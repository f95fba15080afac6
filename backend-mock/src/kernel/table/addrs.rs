//! The address index: every bound Internet socket by its host, transport and port (listeners,
//! UDP receivers, connected ends and sockets waiting to be accepted alike, as all of them hold
//! their port), and every Unix socket by its abstract name, so `bind`, `connect` and each
//! datagram find the sockets at an address without looking at the others.

use anysock_core::{SocketAddr, Type, UnixAddrKind};

use crate::base::hash::{bytes, mix, Buckets};
use crate::base::list::{Link, List};
use crate::base::table::NoMemory;
use crate::kernel::table::sock::Sock;

/// What a socket is found by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key<'a> {
    /// An Internet socket's port on its host, for its transport.
    Port { host: usize, ty: Type, port: u16 },
    /// A Unix socket's abstract name on its host, for its type (Linux keeps the names of
    /// each type apart).
    Abstract {
        host: usize,
        ty: Type,
        name: &'a [u8],
    },
}

impl Key<'_> {
    /// The key of a socket bound to `local` on `host`: none for Unix pathnames (files, see
    /// `paths.rs`) and unnamed sockets.
    pub(crate) fn of<'a>(host: usize, ty: Type, local: &'a SocketAddr) -> Option<Key<'a>> {
        match local {
            SocketAddr::Unix(u) => match u.kind() {
                UnixAddrKind::Abstract(name) => Some(Key::Abstract { host, ty, name }),
                UnixAddrKind::Pathname(_) | UnixAddrKind::Unnamed => None,
            },
            inet => inet.port().map(|port| Key::Port { host, ty, port }),
        }
    }

    /// The key of socket `s`, if it is indexed: not once it gave its port back (a TCP
    /// connection that ended, its port not bound explicitly), though its address still shows
    /// the port.
    pub(crate) fn of_sock<const B: usize, const Q: usize>(s: &Sock<B, Q>) -> Option<Key<'_>> {
        if !s.holds_port {
            return None;
        }
        Key::of(s.host, s.ty, s.local.as_ref()?)
    }

    /// The hash the index files the key under.
    pub(crate) fn hash(&self) -> u64 {
        let ty = |ty: Type| match ty {
            Type::Stream => 1u64,
            Type::Datagram => 2,
            _ => 3,
        };
        match *self {
            Key::Port { host, ty: t, port } => {
                mix(((host as u64) << 24) ^ (ty(t) << 16) ^ u64::from(port))
            }
            Key::Abstract { host, ty: t, name } => {
                bytes(mix(host as u64 ^ 0xab57_ac70 ^ (ty(t) << 40)), name)
            }
        }
    }
}

/// Sockets by [`Key`] (links: `addr`).
#[derive(Debug)]
pub(crate) struct Addrs<const S: usize> {
    buckets: Buckets<S>,
}

impl<const S: usize> Addrs<S> {
    /// An index for a table of `len` sockets.
    pub(crate) fn try_new(len: usize) -> Result<Self, NoMemory> {
        Ok(Addrs {
            buckets: Buckets::try_new(len)?,
        })
    }

    /// The sockets that may have `key` (the caller compares each one's own key).
    pub(crate) fn list(&self, key: &Key<'_>) -> List {
        self.buckets.list(key.hash())
    }

    /// Files socket `i` under the key hashing to `hash` ([`Key::hash`]).
    pub(crate) fn insert(&mut self, links: &mut [Link], hash: u64, i: u32) {
        self.buckets.insert(links, hash, i);
    }

    /// Takes socket `i`, filed under `hash`, out.
    pub(crate) fn remove(&mut self, links: &mut [Link], hash: u64, i: u32) {
        self.buckets.remove(links, hash, i);
    }

    /// Bytes held outside the owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.buckets.heap_bytes()
    }
}
