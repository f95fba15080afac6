//! `Resolve`, async: host names to addresses and back, without blocking the executor.

use core::net::IpAddr;

use crate::error::Result;
use crate::resolve::Family;

/// Name resolution as futures: the async counterpart of [`crate::Resolve`], with the same
/// answers and errors ([`crate::ErrorKind::HostNotFound`] for a name that does not exist).
///
/// A backend whose resolver blocks (the system's `getaddrinfo`) runs it off the executor's
/// thread; a simulated one answers from its table at once. Address literals resolve to
/// themselves without a lookup. Cancelling a lookup (dropping the future) abandons it: its
/// answer, when it comes, is discarded, and nothing stays allocated.
pub trait Resolve {
    /// [`getaddrinfo`][getaddrinfo(3)] as a future: as [`crate::Resolve::resolve`].
    ///
    /// [getaddrinfo(3)]: https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
    #[doc(alias = "getaddrinfo")]
    async fn resolve(&self, host: &str, family: Family, out: &mut [IpAddr]) -> Result<usize>;

    /// [`getnameinfo`][getnameinfo(3)] as a future: as [`crate::Resolve::reverse`].
    ///
    /// [getnameinfo(3)]: https://man7.org/linux/man-pages/man3/getnameinfo.3.html
    #[doc(alias = "getnameinfo")]
    async fn reverse(&self, addr: IpAddr, name: &mut [u8]) -> Result<usize>;
}
