//! `Dns` for [`Nal`], over the stack's [`crate::asynch::Resolve`].

use core::net::IpAddr;

use embedded_nal_async::{AddrType, Dns};

use super::Nal;
use crate::asynch::Resolve;
use crate::{Error, Family};

impl<S: Resolve> Dns for Nal<S> {
    type Error = Error;

    /// The first address of `host` of `addr_type` in the resolver's order
    /// ([`Resolve::resolve`]; `getaddrinfo` on POSIX). `Either` takes what the resolver
    /// prefers.
    ///
    /// Errors: [`crate::ErrorKind::HostNotFound`] for a name that does not exist or has no
    /// address of that type; [`crate::ErrorKind::InvalidInput`] for an empty or malformed name.
    async fn get_host_by_name(&self, host: &str, addr_type: AddrType) -> Result<IpAddr, Error> {
        let family = match addr_type {
            AddrType::IPv4 => Family::Inet,
            AddrType::IPv6 => Family::Inet6,
            AddrType::Either => Family::Any,
        };
        let mut first = [IpAddr::from([0, 0, 0, 0])];
        self.stack.resolve(host, family, &mut first).await?;
        Ok(first[0])
    }

    /// The name of `addr` ([`Resolve::reverse`]; `getnameinfo` on POSIX), into `result`.
    ///
    /// Errors: [`crate::ErrorKind::HostNotFound`] when the address has no name;
    /// [`crate::ErrorKind::InvalidInput`] when it does not fit in `result`.
    async fn get_host_by_address(&self, addr: IpAddr, result: &mut [u8]) -> Result<usize, Error> {
        self.stack.reverse(addr, result).await
    }
}
