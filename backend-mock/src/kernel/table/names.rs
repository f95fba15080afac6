//! The network's host names: what a test declares, as a name server would hold it.

use anysock_core::resolve::MAX_HOST_NAME;
use anysock_core::{Error, ErrorKind, Result};

/// The most names one network holds (then [`crate::Net::name`] fails with
/// [`ErrorKind::OutOfMemory`]).
pub const MAX_NAMES: usize = 16;

/// One declared name, stored without a trailing dot and in lower case (names are compared as
/// DNS compares them: ASCII letters in either case are the same).
#[derive(Clone, Copy, Debug)]
struct Entry {
    name: [u8; MAX_HOST_NAME],
    len: u8,
    host: usize,
}

impl Entry {
    fn name(&self) -> &[u8] {
        self.name.get(..usize::from(self.len)).unwrap_or_default()
    }
}

/// The names declared on a network, in the order they were declared.
#[derive(Debug)]
pub(crate) struct Names {
    entries: [Option<Entry>; MAX_NAMES],
}

/// `name` as stored and looked up: without one trailing dot (the root), `None` when that
/// leaves nothing or too much.
fn bare(name: &str) -> Option<&[u8]> {
    let name = name.strip_suffix('.').unwrap_or(name).as_bytes();
    (!name.is_empty() && name.len() <= MAX_HOST_NAME).then_some(name)
}

/// Whether `name` is a host name DNS can carry: dot-separated labels of 1 to 63 letters,
/// digits, hyphens or underscores (underscores appear in service names).
fn well_formed(name: &[u8]) -> bool {
    name.split(|&b| b == b'.').all(|label| {
        (1..=63).contains(&label.len())
            && label
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

impl Names {
    pub(crate) const fn new() -> Self {
        Names {
            entries: [None; MAX_NAMES],
        }
    }

    fn find(&self, name: &[u8]) -> Option<&Entry> {
        self.entries
            .iter()
            .flatten()
            .find(|e| e.name().eq_ignore_ascii_case(name))
    }

    /// Declares that `name` is `host`.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] for a name DNS cannot carry (empty, longer than
    /// 253 bytes, a label empty or longer than 63, characters other than letters, digits,
    /// `-` and `_`) and for an address literal (which names itself); [`ErrorKind::AddrInUse`]
    /// for a name declared already (or `localhost`); [`ErrorKind::OutOfMemory`] when
    /// [`MAX_NAMES`] are declared.
    pub(crate) fn declare(&mut self, name: &str, host: usize) -> Result<()> {
        let invalid = Error::new(ErrorKind::InvalidInput);
        let bare = bare(name).ok_or(invalid)?;
        if !well_formed(bare) || name.parse::<core::net::IpAddr>().is_ok() {
            return Err(invalid);
        }
        if self.find(bare).is_some() || bare.eq_ignore_ascii_case(b"localhost") {
            return Err(Error::new(ErrorKind::AddrInUse));
        }
        let slot = self
            .entries
            .iter_mut()
            .find(|e| e.is_none())
            .ok_or(Error::new(ErrorKind::OutOfMemory))?;
        let mut entry = Entry {
            name: [0; MAX_HOST_NAME],
            len: u8::try_from(bare.len()).map_err(|_| invalid)?,
            host,
        };
        entry
            .name
            .get_mut(..bare.len())
            .ok_or(invalid)?
            .copy_from_slice(bare);
        entry.name.make_ascii_lowercase();
        *slot = Some(entry);
        Ok(())
    }

    /// The host `name` was declared for.
    pub(crate) fn lookup(&self, name: &str) -> Option<usize> {
        self.find(bare(name)?).map(|e| e.host)
    }

    /// The first name declared for `host`.
    pub(crate) fn name_of(&self, host: usize) -> Option<&[u8]> {
        self.entries
            .iter()
            .flatten()
            .find(|e| e.host == host)
            .map(Entry::name)
    }
}
