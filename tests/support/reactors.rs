//! Running an async story on the kernel under both reactors: async-io's `block_on` and a
//! current-thread tokio runtime, with a descriptor check that knows what the reactors keep open
//! for the process's life.
//!
//! Each test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use core::future::Future;
use core::time::Duration;

use super::common::{fd_check, FdCheck};

/// A current-thread tokio runtime with I/O and timers, made and dropped around `fut`.
pub fn tokio_block_on<F: Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(fut)
}

/// [`fd_check`], after starting what stays open for the process's life once used — async-io's
/// reactor (its epoll and wake-up descriptors) and, with tokio's `signal` feature on, tokio's
/// signal pipe. Once per binary, so no test opens descriptors outside the lock another test's
/// count runs under.
pub fn checked() -> FdCheck {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        async_io::block_on(async_io::Timer::after(Duration::from_millis(1)));
        tokio_block_on(async { tokio::time::sleep(Duration::from_millis(1)).await });
    });
    fd_check()
}

/// Runs `story(&stack, args...)` on the async-io stack, then on the tokio stack.
#[macro_export]
macro_rules! on_both_reactors {
    ($story:ident $(, $arg:expr)*) => {{
        use anysock::posix::asynch::{AsyncIo, Posix, Tokio};
        async_io::block_on($story(&Posix::<AsyncIo>::new() $(, $arg)*));
        $crate::reactors::tokio_block_on($story(&Posix::<Tokio>::new() $(, $arg)*));
    }};
}
