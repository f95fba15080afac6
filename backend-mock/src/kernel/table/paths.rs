//! The Unix socket namespace of each host: pathnames (files that outlive their socket, as on
//! Linux) and abstract names (gone with their socket).

use anysock_core::{Error, ErrorKind, Result, UnixAddr};

use crate::base::handle::Handle;

/// The most socket files all hosts together can hold (then `bind` fails with
/// [`ErrorKind::OutOfMemory`], where a full disk would give `ENOSPC`).
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
    entries: [Option<Entry>; MAX_PATHS],
}

impl Paths {
    pub(crate) const fn new() -> Self {
        Paths {
            entries: [None; MAX_PATHS],
        }
    }

    fn find(&self, host: usize, path: &UnixAddr) -> Option<&Entry> {
        self.entries
            .iter()
            .flatten()
            .find(|e| e.host == host && e.path == *path)
    }

    /// Whether a file exists at `path` on `host`.
    pub(crate) fn exists(&self, host: usize, path: &UnixAddr) -> bool {
        self.find(host, path).is_some()
    }

    /// Creates the file for `owner`; `EADDRINUSE` if the file exists, whoever made it.
    pub(crate) fn create(&mut self, host: usize, path: &UnixAddr, owner: Handle) -> Result<()> {
        if self.find(host, path).is_some() {
            return Err(Error::new(ErrorKind::AddrInUse));
        }
        let slot = self
            .entries
            .iter_mut()
            .find(|e| e.is_none())
            .ok_or(Error::new(ErrorKind::OutOfMemory))?;
        *slot = Some(Entry {
            host,
            path: *path,
            owner: Some(owner),
        });
        Ok(())
    }

    /// The socket bound at `path`: `ENOENT` without a file, `ECONNREFUSED` when the file's
    /// socket is closed.
    pub(crate) fn lookup(&self, host: usize, path: &UnixAddr) -> Result<Handle> {
        let entry = self
            .find(host, path)
            .ok_or(Error::new(ErrorKind::NotFound))?;
        entry.owner.ok_or(Error::new(ErrorKind::ConnectionRefused))
    }

    /// The socket closed; its file stays.
    pub(crate) fn release(&mut self, owner: Handle) {
        for e in self.entries.iter_mut().flatten() {
            if e.owner == Some(owner) {
                e.owner = None;
            }
        }
    }

    pub(crate) fn unlink(&mut self, host: usize, path: &UnixAddr) -> Result<()> {
        let slot = self
            .entries
            .iter_mut()
            .find(|e| e.is_some_and(|e| e.host == host && e.path == *path))
            .ok_or(Error::new(ErrorKind::NotFound))?;
        *slot = None;
        Ok(())
    }
}
