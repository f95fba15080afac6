//! [`Posix`]: the async stack, generic over its reactor.

use core::fmt;
use core::marker::PhantomData;
use core::net::IpAddr;

use anysock_core::{asynch, Domain, Error, ErrorKind, Family, Instant, Resolve as _, Result};
use anysock_core::{Socket as _, SocketAddr, Stack as _, Type};

use super::datagram::Datagram;
use super::listener::Listener;
use super::off_thread::off_thread;
use super::reactor::Reactor;
use super::socket::connect;
use super::socket::Socket;
use super::stream::Stream;

/// The operating system's sockets as an [`anysock_core::asynch::Stack`], waiting on reactor
/// `R` ([`super::AsyncIo`] or [`super::Tokio`]). It holds nothing: every socket is a kernel
/// descriptor registered with `R`.
///
/// ```
/// # #[cfg(feature = "async-io")]
/// # async_io::block_on(async {
/// use anysock_core::asynch::{Listener as _, Stack as _};
/// use anysock_core::embedded_io_async::{Read as _, Write as _};
/// use anysock_posix::asynch::{AsyncIo, Posix};
///
/// let stack = Posix::<AsyncIo>::new();
/// let mut listener = stack.listen(&"127.0.0.1:0".parse()?, 8)?;
/// let addr = anysock_core::asynch::Endpoint::local_addr(&listener)?;
/// let mut client = stack.connect(&addr).await?;
/// let (mut server, _peer) = listener.accept().await?;
/// client.write_all(b"hola").await?;
/// let mut buf = [0u8; 4];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hola");
/// # Ok::<(), anysock_core::Error>(())
/// # }).unwrap();
/// ```
pub struct Posix<R: Reactor>(PhantomData<R>);

impl<R: Reactor> Posix<R> {
    /// The stack: sockets on the kernel, waiting on `R`.
    pub const fn new() -> Self {
        Posix(PhantomData)
    }
}

impl<R: Reactor> Default for Posix<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Reactor> Clone for Posix<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Reactor> Copy for Posix<R> {}

impl<R: Reactor> fmt::Debug for Posix<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Posix<{:?}>", R::default())
    }
}

impl<R: Reactor> asynch::Stack for Posix<R> {
    type Socket = Socket<R>;
    type Listener = Listener<R>;
    type Stream = Stream<R>;
    type Datagram = Datagram<R>;

    fn socket(&self, domain: Domain, ty: Type) -> Result<Socket<R>> {
        Socket::new(crate::Posix.socket(domain, ty)?)
    }

    fn socketpair(&self, ty: Type) -> Result<(Socket<R>, Socket<R>)> {
        let (a, b) = crate::Posix.socketpair(ty)?;
        Ok((Socket::new(a)?, Socket::new(b)?))
    }

    /// As [`crate::Posix`]'s `listen` (`SO_REUSEADDR` on Internet sockets), registered once.
    fn listen(&self, addr: &SocketAddr, backlog: u32) -> Result<Listener<R>> {
        Listener::new(crate::Posix.listen(addr, backlog)?)
    }

    /// `socket` + non-blocking `connect`, registered once, as the stream it becomes.
    async fn connect(&self, addr: &SocketAddr) -> Result<Stream<R>> {
        let sock = crate::Posix.socket(addr.domain(), Type::Stream)?;
        let mut stream = Stream::new(sock.into_stream()?)?;
        connect(&mut stream.inner, addr).await?;
        Ok(stream)
    }

    fn bind(&self, addr: &SocketAddr) -> Result<Datagram<R>> {
        Datagram::new(crate::Posix.bind(addr)?)
    }

    /// `clock_gettime(CLOCK_MONOTONIC)`, as [`crate::Posix`]'s.
    fn now(&self) -> Result<Instant> {
        crate::Posix.now()
    }

    /// The reactor's timer, set for what is left until `deadline` (the reactors' clocks are
    /// `CLOCK_MONOTONIC` too).
    async fn sleep_until(&self, deadline: Instant) -> Result<()> {
        let left = deadline - self.now()?;
        if left.is_zero() {
            return Ok(());
        }
        R::sleep(left).await
    }
}

/// The system's resolver, as [`crate::Posix`]'s, run on a thread of its own per lookup so the
/// executor never waits for a name server. Address literals answer at once, without a thread.
impl<R: Reactor> asynch::Resolve for Posix<R> {
    async fn resolve(&self, host: &str, family: Family, out: &mut [IpAddr]) -> Result<usize> {
        if let Some(n) = anysock_core::resolve::literal(host, family, out)? {
            return Ok(n);
        }
        let (host, room) = (std::string::String::from(host), out.len());
        let found = off_thread(move || {
            let mut found = std::vec![IpAddr::from([0, 0, 0, 0]); room];
            let n = crate::Posix.resolve(&host, family, &mut found)?;
            found.truncate(n);
            Ok::<_, Error>(found)
        })
        .await??;
        out[..found.len()].copy_from_slice(&found);
        Ok(found.len())
    }

    async fn reverse(&self, addr: IpAddr, name: &mut [u8]) -> Result<usize> {
        let (found, len) = off_thread(move || {
            let mut found = [0u8; 256];
            let len = crate::Posix.reverse(addr, &mut found)?;
            Ok::<_, Error>((found, len))
        })
        .await??;
        let dst = name
            .get_mut(..len)
            .ok_or(Error::new(ErrorKind::InvalidInput))?;
        dst.copy_from_slice(&found[..len]);
        Ok(len)
    }
}
