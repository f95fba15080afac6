//! `firmware`: a sensor node written the way microcontroller firmware is, running as an
//! ordinary Linux process: `#![no_std]`, `#![no_main]`, no heap, panics abort, linked only
//! against libc; one thread, a superloop over non-blocking sockets (see `app`).
//!
//! ```text
//! cargo build --profile firmware --example firmware --no-default-features --features posix
//! target/firmware/examples/firmware --console 127.0.0.1:7000 --http 127.0.0.1:8080 \
//!     --telemetry 127.0.0.1:9000 --control unix:/tmp/node.sock [--interval-ms 1000] \
//!     [--idle-ms 30000]
//! ```
//!
//! `--no-default-features --features posix` keeps the POSIX backend and turns off the facade's
//! `std` feature, which would bring the standard library in through the backends (and the mock,
//! which the firmware does not use); the release profile's `panic = "abort"` removes
//! unwinding. Built with the defaults (as `cargo test` and `cargo clippy` do) it still
//! compiles, with std's panic handler, so the workspace checks cover it.
//!
//! Signals: SIGTERM and SIGINT stop the node as `SHUTDOWN` does (they arrive as datagrams on a
//! socket it polls, `rt::notify_on`). SIGUSR1 is caught and ignored without `SA_RESTART`: it
//! interrupts blocking calls, which are restarted, and otherwise changes nothing.
//!
//! Socket files: at start, a file left at a `unix:` path by a node that was killed is removed
//! when nobody answers on it (`rt::remove_stale`); anything else there makes the start fail.
//! A node that stops removes the files it created.
//!
//! Once every socket is open it prints one line per socket (`console 127.0.0.1:7000`, ...)
//! and `ready`. Exit codes: 0 after `SHUTDOWN`, SIGTERM or SIGINT, 1 when a socket call fails
//! at start or `poll` fails, 2 for a bad command line (one line on stderr).
#![no_std]
#![no_main]
// No `unsafe` of its own: the runtime support it needs is in `anysock_posix::rt`. The only
// exceptions are the two symbols exported by their C names, which the lint counts.
#![deny(unsafe_code)]

mod app;
use core::ffi::{c_char, c_int};
use core::fmt::Write as _;

use anysock_core::{Endpoint, SocketAddr, Type};
use anysock_posix::rt::{self, Signal, Stderr, Stdout};
use anysock_posix::Posix;

use app::args::{self, Parsed, USAGE};
use app::Node;

/// Called by the C runtime, as a C program's `main` is. The arguments are read again through
/// `rt::Args` (from `/proc/self/cmdline`), which needs no raw pointers.
#[allow(unsafe_code, reason = "the C runtime calls `main` by that name")]
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
    if let Err(e) = rt::interrupt_on(Signal::User1) {
        let _ = writeln!(Stderr, "firmware: catching SIGUSR1: {e}");
        return 1;
    }
    let signals = match rt::notify_on(&[Signal::Terminate, Signal::Interrupt]) {
        Ok(signals) => signals,
        Err(e) => {
            let _ = writeln!(Stderr, "firmware: catching SIGTERM and SIGINT: {e}");
            return 1;
        }
    };
    let files = [
        ("console", &config.console, Type::Stream),
        ("http", &config.http, Type::Stream),
        ("control", &config.control, Type::Datagram),
    ];
    for (what, addr, ty) in files {
        if let Err(e) = rt::remove_stale(addr, ty) {
            let _ = writeln!(
                Stderr,
                "firmware: {what}: removing a stale socket file: {e}"
            );
            return 1;
        }
    }
    let mut node = match Node::start(&Posix, &config) {
        Ok(node) => node,
        // The files of the sockets bound before the failure stay: nobody answers on them, so
        // the next start removes them, while removing by path here could hit another node's.
        Err((what, e)) => {
            let _ = writeln!(Stderr, "firmware: {what}: {e}");
            return 1;
        }
    };
    if let Err(e) = node.stop_on(signals) {
        let _ = writeln!(Stderr, "firmware: polling the signals: {e}");
        return 1;
    }
    for (what, bound) in [
        ("console", node.console().local_addr()),
        ("http", node.http().local_addr()),
    ] {
        let flag = |arg: &&[u8]| arg.strip_prefix(b"--") == Some(what.as_bytes());
        let typed = command_line.iter().skip_while(|arg| !flag(arg)).nth(1);
        let _ = show(what, typed.unwrap_or_default(), bound.ok());
    }
    let _ = writeln!(Stdout, "ready");
    let ran = node.run(&Posix);
    // Every socket closes here, before its file goes.
    drop(node);
    for (_, addr, _) in files {
        if let Some(path) = addr.as_unix() {
            // Gone already, or not a pathname: nothing to remove.
            let _ = rt::unlink(path);
        }
    }
    match ran {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(Stderr, "firmware: poll: {e}");
            1
        }
    }
}

/// Prints `WHAT ADDR`: the address as typed on the command line (`typed`), with the port the
/// socket was `bound` to in place of the typed one, which may have been 0. Printing the bound
/// address itself would be the same line in other spelling, but `core::net`'s address
/// formatting would cost the firmware 4 KiB.
fn show(what: &str, typed: &[u8], bound: Option<SocketAddr>) -> core::fmt::Result {
    let typed = core::str::from_utf8(typed).map_err(|_| core::fmt::Error)?;
    match (bound.and_then(|a| a.port()), typed.rsplit_once(':')) {
        (Some(port), Some((host, _))) => writeln!(Stdout, "{what} {host}:{port}"),
        _ => writeln!(Stdout, "{what} {typed}"),
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
#[allow(unsafe_code, reason = "`core` names this symbol")]
#[no_mangle]
extern "C" fn rust_eh_personality() {}
