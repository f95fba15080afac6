//! The Unix socket namespace of each host: pathnames (files that outlive their socket, as on
//! Linux) and abstract names (gone with their socket).

use anysock_core::{Error, ErrorKind, Result, UnixAddr, UnixAddrKind};

use crate::net::State;
use crate::Handle;

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

impl<const S: usize, const B: usize, const Q: usize> State<S, B, Q> {
    /// The socket a Unix address names on `host`.
    ///
    /// Errors as Linux: `ENOENT` for a missing path, `ECONNREFUSED` for a path whose socket
    /// closed or an abstract name nobody holds, `EINVAL` for the unnamed address.
    pub(crate) fn unix_target(&self, host: usize, addr: &UnixAddr) -> Result<Handle> {
        match addr.kind() {
            UnixAddrKind::Pathname(_) => self.paths.lookup(host, addr),
            UnixAddrKind::Abstract(_) => self
                .abstract_owner(host, addr)
                .ok_or(Error::new(ErrorKind::ConnectionRefused)),
            UnixAddrKind::Unnamed => Err(Error::new(ErrorKind::InvalidInput)),
        }
    }

    pub(crate) fn abstract_owner(&self, host: usize, addr: &UnixAddr) -> Option<Handle> {
        self.handles().find(|&h| {
            self.sock(h).is_ok_and(|s| {
                s.host == host && s.is_unix() && s.local.is_some_and(|l| l.as_unix() == Some(addr))
            })
        })
    }

    /// Linux's autobind: binding the unnamed address gives an abstract name of five hex
    /// digits. Linux starts at a random number; the mock counts from 0 per host.
    pub(crate) fn autobind_name(&mut self, host: usize) -> Result<UnixAddr> {
        for _ in 0..0x10_0000u32 {
            let info = self
                .hosts
                .get_mut(host)
                .and_then(|h| h.as_mut())
                .ok_or(Error::new(ErrorKind::NetworkDown))?;
            let n = info.next_autobind & 0xf_ffff;
            info.next_autobind = info.next_autobind.wrapping_add(1);
            let mut name = [0u8; 5];
            for (i, b) in name.iter_mut().enumerate() {
                let shift = 4 * (4 - i as u32);
                let digit = ((n >> shift) & 0xf) as u8;
                *b = if digit < 10 {
                    b'0' + digit
                } else {
                    b'a' + digit - 10
                };
            }
            let addr = UnixAddr::abstract_name(&name)?;
            if self.abstract_owner(host, &addr).is_none() {
                return Ok(addr);
            }
        }
        Err(Error::new(ErrorKind::AddrInUse))
    }
}
