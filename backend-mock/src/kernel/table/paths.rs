//! The Unix socket namespace of each host: pathnames (files that outlive their socket, as on
//! Linux), in a table indexed by host and path. Abstract names, gone with their socket, are in
//! the address index (`addrs.rs`).

use anysock_core::{Error, ErrorKind, Result, UnixAddr};

use crate::base::handle::Handle;
use crate::base::hash::{bytes, Buckets};
use crate::base::list::{Link, List};
use crate::base::table::{NoMemory, Table};

/// The socket files all hosts together hold by default (then `bind` fails with
/// [`ErrorKind::OutOfMemory`], where a full disk would give `ENOSPC`): without feature
/// `alloc` the capacity; with it, `Net::builder().paths(n)` chooses another.
pub const MAX_PATHS: usize = 32;

#[derive(Clone, Copy, Debug)]
struct Entry {
    host: usize,
    path: UnixAddr,
    /// The socket bound there; `None` once it closed and only the file is left.
    owner: Option<Handle>,
}

/// Socket files of every host.
#[derive(Debug)]
pub(crate) struct Paths {
    entries: Table<Option<Entry>, MAX_PATHS>,
    /// Each entry's place in its bucket's list, or in the list of free entries.
    links: Table<Link, MAX_PATHS>,
    index: Buckets<MAX_PATHS>,
    free: List,
}

fn hash(host: usize, path: &UnixAddr) -> u64 {
    bytes(host as u64, path.as_pathname().unwrap_or_default())
}

impl Paths {
    /// Room for `len` files (without `alloc`: [`MAX_PATHS`]).
    pub(crate) fn try_new(len: usize) -> Result<Self, NoMemory> {
        let len = len.min(u32::MAX as usize - 2);
        let mut p = Paths {
            entries: Table::try_new(len, |_| None)?,
            links: Table::try_new(len, |_| Link::OFF)?,
            index: Buckets::try_new(len)?,
            free: List::EMPTY,
        };
        for i in 0..p.entries.len() {
            p.free.push_back(&mut p.links, i as u32);
        }
        Ok(p)
    }

    fn find(&self, host: usize, path: &UnixAddr) -> Option<u32> {
        self.index
            .list(hash(host, path))
            .iter(&self.links)
            .find(|&i| {
                let e = self.entries.get(i as usize).copied().flatten();
                e.is_some_and(|e| e.host == host && e.path == *path)
            })
    }

    /// Whether a file exists at `path` on `host`.
    pub(crate) fn exists(&self, host: usize, path: &UnixAddr) -> bool {
        self.find(host, path).is_some()
    }

    /// Creates the file for `owner`; `EADDRINUSE` if the file exists, whoever made it. The
    /// entry's number, for [`Paths::release`].
    pub(crate) fn create(&mut self, host: usize, path: &UnixAddr, owner: Handle) -> Result<u32> {
        if self.find(host, path).is_some() {
            return Err(Error::new(ErrorKind::AddrInUse));
        }
        let i = self
            .free
            .pop_front(&mut self.links)
            .ok_or(Error::new(ErrorKind::OutOfMemory))?;
        if let Some(slot) = self.entries.get_mut(i as usize) {
            *slot = Some(Entry {
                host,
                path: *path,
                owner: Some(owner),
            });
        }
        self.index.insert(&mut self.links, hash(host, path), i);
        Ok(i)
    }

    /// The socket bound at `path`: `ENOENT` without a file, `ECONNREFUSED` when the file's
    /// socket is closed.
    pub(crate) fn lookup(&self, host: usize, path: &UnixAddr) -> Result<Handle> {
        let i = self
            .find(host, path)
            .ok_or(Error::new(ErrorKind::NotFound))?;
        let entry = self.entries.get(i as usize).copied().flatten();
        entry
            .and_then(|e| e.owner)
            .ok_or(Error::new(ErrorKind::ConnectionRefused))
    }

    /// Socket `owner`, which made entry `i`, closed; the file stays (unless it was removed
    /// meanwhile and the entry now holds another).
    pub(crate) fn release(&mut self, i: u32, owner: Handle) {
        if let Some(Some(e)) = self.entries.get_mut(i as usize) {
            if e.owner == Some(owner) {
                e.owner = None;
            }
        }
    }

    pub(crate) fn unlink(&mut self, host: usize, path: &UnixAddr) -> Result<()> {
        let i = self
            .find(host, path)
            .ok_or(Error::new(ErrorKind::NotFound))?;
        self.index.remove(&mut self.links, hash(host, path), i);
        if let Some(slot) = self.entries.get_mut(i as usize) {
            *slot = None;
        }
        self.free.push_back(&mut self.links, i);
        Ok(())
    }

    /// Bytes held outside the owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.entries.heap_bytes() + self.links.heap_bytes() + self.index.heap_bytes()
    }
}
