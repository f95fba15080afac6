//! Work that blocks (the system's resolver), run on a thread of its own so the executor's
//! thread never waits for it.

use core::future::poll_fn;
use core::task::{Poll, Waker};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use anysock_core::Result;

use super::reactor::io_error;

/// The answer and the task waiting for it.
struct Slot<T> {
    done: Option<T>,
    waker: Option<Waker>,
}

fn lock<T>(slot: &Mutex<Slot<T>>) -> MutexGuard<'_, Slot<T>> {
    // The lock is only held to move a value in or out; a panic in `work` happens outside it.
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `work` on a new thread and completes with its result. Dropping the future abandons
/// the answer: the thread finishes its call, stores the result nobody reads, and both are
/// freed.
///
/// Errors: the system's, when no thread can be started.
pub(crate) async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let slot = Arc::new(Mutex::new(Slot {
        done: None,
        waker: None,
    }));
    let theirs = Arc::clone(&slot);
    std::thread::Builder::new()
        .name("anysock-resolve".into())
        .spawn(move || {
            let out = work();
            let waker = {
                let mut slot = lock(&theirs);
                slot.done = Some(out);
                slot.waker.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        })
        .map_err(io_error)?;
    poll_fn(|cx| {
        let mut slot = lock(&slot);
        match slot.done.take() {
            Some(out) => Poll::Ready(Ok(out)),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
    .await
}
