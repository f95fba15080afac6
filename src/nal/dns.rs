//! `Dns` for [`Nal`], over the stack's blocking [`crate::Resolve`].

use core::net::IpAddr;

use embedded_nal::{nb, AddrType, Dns};

use super::{Error, Nal};
use crate::{Family, Resolve, Stack};

impl<S: Stack + Resolve> Dns for Nal<S> {
    type Error = Error;

    /// The first address of `hostname` of `addr_type` in the resolver's order
    /// ([`Resolve::resolve`]: `getaddrinfo` on POSIX). It blocks until the resolver answers;
    /// it never returns [`nb::Error::WouldBlock`].
    ///
    /// Errors: [`crate::ErrorKind::HostNotFound`] for a name that does not exist or has no
    /// address of that type.
    fn get_host_by_name(
        &mut self,
        hostname: &str,
        addr_type: AddrType,
    ) -> nb::Result<IpAddr, Error> {
        let family = match addr_type {
            AddrType::IPv4 => Family::Inet,
            AddrType::IPv6 => Family::Inet6,
            AddrType::Either => Family::Any,
        };
        let mut first = [IpAddr::from([0, 0, 0, 0])];
        self.stack()
            .resolve(hostname, family, &mut first)
            .map_err(|e| nb::Error::Other(e.into()))?;
        Ok(first[0])
    }

    /// The name of `addr` ([`Resolve::reverse`]: `getnameinfo` on POSIX), into `result`.
    ///
    /// Errors: [`crate::ErrorKind::HostNotFound`] when the address has no name;
    /// [`crate::ErrorKind::InvalidInput`] when it does not fit in `result`.
    fn get_host_by_address(&mut self, addr: IpAddr, result: &mut [u8]) -> nb::Result<usize, Error> {
        self.stack()
            .reverse(addr, result)
            .map_err(|e| nb::Error::Other(e.into()))
    }
}
