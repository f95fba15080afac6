//! Unix addresses on a host: the socket a name reaches, and Linux's autobind.

use anysock_core::{Error, ErrorKind, Result, Type, UnixAddr, UnixAddrKind};

use crate::base::handle::Handle;
use crate::kernel::state::State;
use crate::kernel::table::addrs::Key;

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// The socket a Unix address names on `host`.
    ///
    /// Errors as Linux: `ENOENT` for a missing path, `ECONNREFUSED` for a path whose socket
    /// closed or an abstract name nobody holds, `EINVAL` for the unnamed address.
    pub(crate) fn unix_target(&self, host: usize, addr: &UnixAddr, ty: Type) -> Result<Handle> {
        match addr.kind() {
            UnixAddrKind::Pathname(_) => {
                let h = self.paths.lookup(host, addr)?;
                if self.sock(h)?.ty != ty {
                    return Err(Error::new(ErrorKind::Unsupported)); // EPROTOTYPE
                }
                Ok(h)
            }
            // Abstract names live apart per socket type: one of another type is nobody.
            UnixAddrKind::Abstract(_) => self
                .abstract_owner(host, addr, ty)
                .ok_or(Error::new(ErrorKind::ConnectionRefused)),
            UnixAddrKind::Unnamed => Err(Error::new(ErrorKind::InvalidInput)),
        }
    }

    /// The socket of type `ty` holding abstract name `addr` on `host` (the lowest slot,
    /// should a listener and the connections it accepted share it). Linux hashes abstract
    /// names with the socket type, so sockets of different types may hold the same name.
    pub(crate) fn abstract_owner(&self, host: usize, addr: &UnixAddr, ty: Type) -> Option<Handle> {
        let name = addr.as_abstract()?;
        self.at_key(Key::Abstract { host, ty, name })
            .map(|(h, _)| h)
            .min_by_key(|h| h.index)
    }

    /// Linux's autobind: binding the unnamed address gives an abstract name of five hex
    /// digits. Linux starts at a random number; the mock counts from 0 per host.
    pub(crate) fn autobind_name(&mut self, host: usize, ty: Type) -> Result<UnixAddr> {
        for _ in 0..0x10_0000u32 {
            let info = self
                .hosts
                .get_mut(host)
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
            if self.abstract_owner(host, &addr, ty).is_none() {
                return Ok(addr);
            }
        }
        Err(Error::new(ErrorKind::AddrInUse))
    }
}
