//! [`Tokio`]: the async sockets on tokio's reactor (feature `tokio`).

use core::future::poll_fn;
use core::task::Poll;
use core::time::Duration;

use tokio::io::unix::AsyncFd;

use anysock_core::{Error, ErrorKind, Result};

use super::reactor::{driver::Driver, io_error, Direction, Reactor};
use crate::sys;
use crate::sys::source_fd::SourceFd;

/// tokio's reactor, through `tokio::io::unix::AsyncFd`: the sockets wait in the runtime's own
/// I/O driver, so a tokio program runs no second reactor thread.
///
/// The calls must run inside a tokio runtime with I/O (and, for `sleep` and timeouts, time)
/// enabled. Outside any runtime, registering a socket or sleeping fails with
/// [`ErrorKind::Unsupported`]; a runtime built without I/O or time panics inside tokio, as
/// tokio's own sockets and timers do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tokio;

impl Reactor for Tokio {}

/// Whether a tokio runtime is current; tokio panics where one is needed and missing.
fn in_runtime() -> Result<()> {
    tokio::runtime::Handle::try_current()
        .map(drop)
        .map_err(|_| Error::new(ErrorKind::Unsupported))
}

impl Driver for Tokio {
    type Source = AsyncFd<SourceFd>;

    /// `AsyncFd::register_with_interest(fd, READABLE | WRITABLE)`.
    fn register(fd: SourceFd) -> Result<AsyncFd<SourceFd>> {
        in_runtime()?;
        sys::source_fd::register_tokio(fd).map_err(io_error)
    }

    /// What tokio's own `TcpStream` does: wait until the reactor reports readiness, run the
    /// call, and on `WouldBlock` clear that readiness and wait for the next event. The waiter
    /// joins tokio's list (`AsyncFd::readable`), so two tasks waiting on one socket are both
    /// woken.
    async fn io<T>(
        source: &AsyncFd<SourceFd>,
        dir: Direction,
        mut op: impl FnMut() -> Result<T>,
    ) -> Result<T> {
        loop {
            let mut ready = match dir {
                Direction::Read => source.readable().await,
                Direction::Write => source.writable().await,
            }
            .map_err(io_error)?;
            match op() {
                Err(e) if e.is_would_block() => ready.clear_ready(),
                done => return done,
            }
        }
    }

    /// The same, on tokio's one waker per direction (`AsyncFd::poll_read_ready`), as its own
    /// `TcpStream` reads and writes: no waiter list to lock for a socket only one task can
    /// wait on.
    async fn io_exclusive<T>(
        source: &AsyncFd<SourceFd>,
        dir: Direction,
        mut op: impl FnMut() -> Result<T>,
    ) -> Result<T> {
        poll_fn(|cx| loop {
            let ready = match dir {
                Direction::Read => source.poll_read_ready(cx),
                Direction::Write => source.poll_write_ready(cx),
            };
            let mut ready = match ready {
                Poll::Ready(Ok(ready)) => ready,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(io_error(e))),
                Poll::Pending => return Poll::Pending,
            };
            match op() {
                Err(e) if e.is_would_block() => ready.clear_ready(),
                done => return Poll::Ready(done),
            }
        })
        .await
    }

    async fn sleep(duration: Duration) -> Result<()> {
        in_runtime()?;
        tokio::time::sleep(duration).await;
        Ok(())
    }
}
