//! The POSIX backend on the kernel: every call on every domain Linux has, control messages,
//! options, what sockets do to the process around them, and bad input. Loopback, temporary
//! directories and abstract names only, or a network namespace the test makes itself.
//!
//! The tests share one process and so one descriptor table: every test that opens a descriptor
//! holds `common::fd_check` (the binary's lock) for its whole life, and fails if it left one
//! open. `cargo test --test posix MODULE` runs one group, e.g. `calls::stream`.

#[path = "../support/common.rs"]
mod common;
#[path = "../support/data.rs"]
mod data;
#[path = "../support/netns.rs"]
mod netns;
#[path = "../support/system.rs"]
mod system;

/// The calls themselves, domain by domain: connections, datagrams, what only the Unix domain
/// has, scatter/gather messages and batches.
mod calls {
    mod batch;
    mod datagram;
    mod msg_io;
    #[cfg(feature = "std")]
    mod stream;
    mod unix;
}

/// Control messages: the decoder fed arbitrary bytes, typed ancillary data on real sockets,
/// and descriptors passed between processes.
mod cmsg {
    mod decode;
    mod fd_passing;
    mod inet;
}

/// Socket options beyond the conformance suite's: the whole catalogue, and the raw escape
/// hatch.
mod options {
    mod catalogue;
    mod raw;
}

/// What sockets do to the process: no leaked descriptor, the EINTR policy under a storm of
/// signals, close-on-exec, and no `SIGPIPE`.
mod process {
    #[cfg(feature = "std")]
    mod exec_and_sigpipe;
    #[cfg(feature = "std")]
    mod leaks;
    mod signals;
}

/// Bad input and unhappy paths: the exact error kind and `errno` of each, never a panic.
#[cfg(feature = "std")]
mod bad_input;
/// The selector (epoll) with 10,000 registered sockets.
mod selector_scale;
