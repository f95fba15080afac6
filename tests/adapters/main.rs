//! anysock under other crates' traits: embedded-nal's blocking stacks (`anysock::nal`, feature
//! `nal`), embedded-nal-async's (`anysock::nal_async`, feature `nal-async`, on the async POSIX
//! stack's two reactors and on the mock), and the standard library's descriptors, sockets and
//! `io` traits (feature `std`).
//!
//! Every test that opens a kernel descriptor holds `common::fd_check` (the binary's lock).
//! `cargo test --features nal --test adapters nal::` runs the embedded-nal stories;
//! `--features nal-async,async-io,tokio` adds the async ones.

#[path = "../support/common.rs"]
mod common;
#[path = "../support/data.rs"]
mod data;
#[cfg(all(
    feature = "nal-async",
    feature = "async-io",
    feature = "tokio",
    feature = "mock"
))]
#[path = "../support/netns.rs"]
mod netns;
#[cfg(all(
    feature = "nal-async",
    feature = "async-io",
    feature = "tokio",
    feature = "mock"
))]
#[path = "../support/reactors.rs"]
mod reactors;
#[path = "../support/system.rs"]
mod system;

/// embedded-nal 0.9's blocking stacks, on loopback and on the mock.
#[cfg(all(feature = "nal", feature = "mock"))]
mod nal;

/// embedded-nal-async 0.9's stacks, on both reactors and on the mock.
#[cfg(all(
    feature = "nal-async",
    feature = "async-io",
    feature = "tokio",
    feature = "mock"
))]
mod nal_async;

/// Descriptors, `std::net` and `std::io` with the POSIX backend.
#[cfg(feature = "std")]
mod std_interop;
