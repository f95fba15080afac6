//! [`AsyncIo`]: the async sockets on async-io's reactor (feature `async-io`).

use core::future::{poll_fn, Future};
use core::pin::pin;
use core::task::Poll;
use core::time::Duration;

use async_io::{Async, Timer};

use anysock_core::Result;

use super::reactor::{driver::Driver, io_error, Direction, Reactor};
use crate::sys::source_fd::SourceFd;

/// async-io's reactor, the one smol is built on: one thread (`async-io`'s own, started on
/// first use) waits with `epoll`/`kqueue` for every registered socket. It works under any
/// executor — smol's, `futures::executor`, `async_io::block_on`, even tokio's — which is why
/// it is the runtime-agnostic choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AsyncIo;

impl Reactor for AsyncIo {}

impl Driver for AsyncIo {
    type Source = Async<SourceFd>;

    /// `Async::new_nonblocking`: the descriptor is already non-blocking.
    fn register(fd: SourceFd) -> Result<Async<SourceFd>> {
        Async::new_nonblocking(fd).map_err(io_error)
    }

    /// What `Async::read_with` does, without converting errors through `std::io::Error`: the
    /// call first; on `WouldBlock`, wait for the next readiness event, then the call again.
    async fn io<T>(
        source: &Async<SourceFd>,
        dir: Direction,
        mut op: impl FnMut() -> Result<T>,
    ) -> Result<T> {
        loop {
            match op() {
                Err(e) if e.is_would_block() => {}
                done => return done,
            }
            match dir {
                Direction::Read => optimistic(source.readable()).await,
                Direction::Write => optimistic(source.writable()).await,
            }
            .map_err(io_error)?;
        }
    }

    async fn sleep(duration: Duration) -> Result<()> {
        Timer::after(duration).await;
        Ok(())
    }
}

/// Polls the readiness future once, to register interest; once woken, reports ready without
/// polling it again: the wake-up is the event, and the call that follows tells whether it was
/// the one wanted (async-io's own loop does the same).
async fn optimistic(fut: impl Future<Output = std::io::Result<()>>) -> std::io::Result<()> {
    let mut polled = false;
    let mut fut = pin!(fut);
    poll_fn(|cx| {
        if polled {
            return Poll::Ready(Ok(()));
        }
        polled = true;
        fut.as_mut().poll(cx)
    })
    .await
}
