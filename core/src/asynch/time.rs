//! Timeouts on the stack's clock.

use core::future::{poll_fn, Future};
use core::pin::pin;
use core::task::Poll;
use core::time::Duration;

use super::stack::Stack;
use crate::error::{Error, ErrorKind, Result};
use crate::time::Instant;

/// Runs `fut` for at most `after` on `stack`'s clock: `Ok` with its output if it completes in
/// time, else [`ErrorKind::TimedOut`] — the same kind `SO_RCVTIMEO`-style limits report as
/// a typed error rather than a hang.
///
/// The operation is asked first at every wake-up, so one that is ready by the deadline wins
/// over the timer. When the time is up, `fut` is dropped: by the cancellation contract of
/// [`super`], a `read`, `recv` or `accept` cut short loses nothing (the bytes stay readable, the
/// connection queued). Nothing is allocated; the timer is the stack's
/// ([`Stack::sleep_until`]), so on a simulated network it runs on virtual time.
///
/// The output of a fallible call is a `Result` inside the timeout's: `timeout(..).await??`.
///
/// ```
/// use anysock_core::asynch::{timeout, Stack};
/// use anysock_core::{ErrorKind, Result};
/// use core::time::Duration;
///
/// /// Waits up to 50 ms for a datagram; says "nothing" rather than an error when none came.
/// async fn poll_once<S: Stack>(stack: &S, sock: &mut S::Datagram) -> Result<Option<usize>> {
///     use anysock_core::asynch::Datagram;
///     let mut buf = [0u8; 64];
///     match timeout(stack, Duration::from_millis(50), sock.recv(&mut buf)).await {
///         Ok(got) => Ok(Some(got?.len)),
///         Err(e) if e.kind() == ErrorKind::TimedOut => Ok(None),
///         Err(e) => Err(e),
///     }
/// }
/// ```
///
/// Errors: [`ErrorKind::TimedOut`] when `after` passes first; the stack's own error when its
/// clock or its timer fails.
pub async fn timeout<S, F>(stack: &S, after: Duration, fut: F) -> Result<F::Output>
where
    S: Stack + ?Sized,
    F: Future,
{
    let deadline = stack.now()? + after;
    timeout_at(stack, deadline, fut).await
}

/// [`timeout`] with an absolute deadline on `stack`'s clock ([`Stack::now`]): several calls
/// can share one deadline, so a whole exchange is bounded rather than each step of it.
///
/// Errors: [`ErrorKind::TimedOut`] once `deadline` has passed (an operation already complete
/// at the first poll still wins); the stack's own error when its timer fails.
pub async fn timeout_at<S, F>(stack: &S, deadline: Instant, fut: F) -> Result<F::Output>
where
    S: Stack + ?Sized,
    F: Future,
{
    let mut fut = pin!(fut);
    let mut timer = pin!(stack.sleep_until(deadline));
    poll_fn(|cx| {
        if let Poll::Ready(out) = fut.as_mut().poll(cx) {
            return Poll::Ready(Ok(out));
        }
        match timer.as_mut().poll(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(Err(Error::new(ErrorKind::TimedOut))),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
