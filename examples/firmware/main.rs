//! `firmware`: a sensor node written the way microcontroller firmware is, running as an
//! ordinary Linux process: `#![no_std]`, `#![no_main]`, no heap, panics abort, linked only
//! against libc; one thread, a superloop over non-blocking sockets (see `app`).
//!
//! ```text
//! cargo build --profile firmware --example firmware --no-default-features --features posix
//! target/firmware/examples/firmware --console 127.0.0.1:7000 --http 127.0.0.1:8080 \
//!     --telemetry 127.0.0.1:9000 --control unix:/tmp/node.sock [--interval-ms 1000]
//! ```
//!
//! `--no-default-features --features posix` keeps the POSIX backend and turns off the facade's
//! `std` feature, which would bring the standard library in through the backends (and the mock,
//! which the firmware does not use); the release profile's `panic = "abort"` removes
//! unwinding. Built with the defaults (as `cargo test` and `cargo clippy` do) it still
//! compiles, with std's panic handler, so the workspace checks cover it.
//!
//! SIGUSR1 is caught and ignored without `SA_RESTART`: it interrupts blocking calls, which
//! are restarted, and otherwise changes nothing.
//!
//! Once every socket is open it prints one line per socket (`console 127.0.0.1:7000`, ...)
//! and `ready`. Exit codes: 0 after `SHUTDOWN`, 1 when a socket call fails at start or `poll`
//! fails, 2 for a bad command line (one line on stderr).
#![no_std]
#![no_main]

mod app;
use core::ffi::{c_char, c_int};
use core::fmt::Write as _;
use core::time::Duration;

use anysock_core::{Endpoint, SocketAddr};
use anysock_posix::rt::{self, Stderr, Stdout};
use anysock_posix::Posix;

use app::args::{self, Parsed, USAGE};
use app::{Clock as _, Node};

/// `clock_gettime(CLOCK_MONOTONIC)`: never jumps when the wall clock is set.
#[derive(Clone, Copy, Debug)]
struct Monotonic;

impl app::Clock for Monotonic {
    fn now(&self) -> Duration {
        rt::monotonic_now()
    }
}

/// Called by the C runtime, as a C program's `main` is. The arguments are read again through
/// `rt::Args` (from `/proc/self/cmdline`), which needs no raw pointers.
#[no_mangle]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    let command_line = match rt::Args::read() {
        Ok(args) => args,
        Err(e) => {
            let _ = writeln!(Stderr, "firmware: reading the command line: {e}");
            return 2;
        }
    };
    let config = match args::parse(command_line.iter().skip(1)) {
        Ok(Parsed::Run(config)) => config,
        Ok(Parsed::Help) => {
            let _ = writeln!(Stdout, "{USAGE}");
            return 0;
        }
        Err(e) => {
            let _ = writeln!(Stderr, "firmware: {e}; {USAGE}");
            return 2;
        }
    };
    // SIGUSR1 is caught and does nothing, like an interrupt the node does not use: it breaks
    // into `poll` and the socket calls (EINTR, as no SA_RESTART is asked for), and the node
    // must neither die of it nor lose or repeat a byte.
    if let Err(e) = rt::interrupt_on(rt::Signal::User1) {
        let _ = writeln!(Stderr, "firmware: catching SIGUSR1: {e}");
        return 1;
    }
    let code = run(&config);
    if let Some(path) = config.control.as_unix() {
        // Gone already, or not a pathname: nothing to remove.
        let _ = rt::unlink(path);
    }
    code
}

/// Starts the node and runs it until `SHUTDOWN`; every socket is closed when this returns.
fn run(config: &args::Config) -> c_int {
    let clock = Monotonic;
    let mut node = match Node::start(&Posix, config, clock.now()) {
        Ok(node) => node,
        Err((what, e)) => {
            let _ = writeln!(Stderr, "firmware: {what}: {e}");
            return 1;
        }
    };
    let show = |what: &str, addr: anysock_core::Result<SocketAddr>| match addr {
        Ok(addr) => writeln!(Stdout, "{what} {addr}"),
        Err(_) => writeln!(Stdout, "{what} ?"),
    };
    let _ = show("console", node.console().local_addr());
    let _ = show("http", node.http().local_addr());
    let _ = writeln!(Stdout, "ready");
    match node.run(&Posix, &clock) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(Stderr, "firmware: poll: {e}");
            1
        }
    }
}

/// A panic is a bug: stop at once, as firmware would reset. Only without `std`, which brings
/// a handler of its own.
#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    rt::abort()
}

/// The precompiled `core` refers to this symbol from its unwind tables even though, with
/// `panic = "abort"`, nothing ever unwinds; it is never called.
#[cfg(not(feature = "std"))]
#[no_mangle]
extern "C" fn rust_eh_personality() {}
