//! [`Posix`]: the backend's entry point.

use core::time::Duration;

use core::net::IpAddr;

use anysock_core::{Domain, Family, Instant, PollFd, Resolve, Result, Stack, Type};

use crate::sys;
use crate::{Datagram, Listener, Socket, Stream};

/// The operating system's sockets, as an anysock [`Stack`]. It holds nothing: every socket
/// is a kernel descriptor.
///
/// ```
/// use anysock_posix::Posix;
/// use anysock_core::{Endpoint, Listener, Stack};
/// use anysock_core::embedded_io::{Read, Write};
///
/// let mut listener = Posix.listen(&"127.0.0.1:0".parse()?, 8)?;
/// let mut client = Posix.connect(&listener.local_addr()?)?;
/// let (mut server, _peer) = listener.accept()?;
/// client.write_all(b"hola")?;
/// let mut buf = [0u8; 4];
/// server.read_exact(&mut buf).unwrap();
/// assert_eq!(&buf, b"hola");
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Posix;

impl Stack for Posix {
    type Handle = i32;
    type Socket = Socket;
    type Listener = Listener;
    type Stream = Stream;
    type Datagram = Datagram;

    fn socket(&self, domain: Domain, ty: Type) -> Result<Socket> {
        Socket::new(domain, ty)
    }

    fn socketpair(&self, ty: Type) -> Result<(Socket, Socket)> {
        let (a, b) = sys::socket::socketpair(ty)?;
        let wrap = |fd| Socket {
            fd,
            domain: Domain::Unix,
            ty,
        };
        Ok((wrap(a), wrap(b)))
    }

    fn poll(&self, fds: &mut [PollFd<i32>], timeout: Option<Duration>) -> Result<usize> {
        sys::poll::poll(fds, timeout)
    }

    /// `clock_gettime(CLOCK_MONOTONIC)`, the clock `poll` and the socket timeouts run on.
    fn now(&self) -> Result<Instant> {
        Ok(Instant::from_since_start(sys::rt::monotonic_now()))
    }
}

/// The system's resolver (`/etc/hosts`, DNS, ... as `nsswitch.conf` says), blocking until it
/// answers. The async stacks (`asynch::Posix`, features `async-io` and `tokio`) run the same
/// calls off the executor.
///
/// ```
/// use anysock_posix::Posix;
/// use anysock_core::{ErrorKind, Family, Resolve};
/// use core::net::IpAddr;
///
/// let mut addrs = [IpAddr::from([0, 0, 0, 0]); 4];
/// let n = Posix.resolve("localhost", Family::Inet, &mut addrs)?;
/// assert!(addrs[..n].contains(&IpAddr::from([127, 0, 0, 1])));
/// let missing = Posix.resolve("no-such-host.invalid", Family::Any, &mut addrs);
/// assert_eq!(missing.unwrap_err().kind(), ErrorKind::HostNotFound);
/// # Ok::<(), anysock_core::Error>(())
/// ```
impl Resolve for Posix {
    /// [`getaddrinfo(host, NULL, &hints, &res)`][getaddrinfo(3)], the list freed with
    /// `freeaddrinfo` on every path.
    ///
    /// [getaddrinfo(3)]: https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
    fn resolve(&self, host: &str, family: Family, out: &mut [IpAddr]) -> Result<usize> {
        sys::resolve::resolve(host, family, out)
    }

    /// [`getnameinfo(addr, NI_NAMEREQD)`][getnameinfo(3)].
    ///
    /// [getnameinfo(3)]: https://man7.org/linux/man-pages/man3/getnameinfo.3.html
    fn reverse(&self, addr: IpAddr, name: &mut [u8]) -> Result<usize> {
        sys::resolve::reverse(addr, name)
    }
}
