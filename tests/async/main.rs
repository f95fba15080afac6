//! The async stack (`anysock::asynch`): the async conformance suite on the kernel under both
//! reactors (async-io and tokio) and on the mock under its driver, what only the POSIX stack
//! has, and real async protocol crates (reqwless, rust-mqtt) against servers written on the
//! async traits, on the mock. (Those crates against real servers are the `interop` binary; the
//! mock's driver itself, `mock`'s `asynch` group.)
//!
//! The kernel's tests hold `reactors::checked`, the binary's descriptor lock; the mock's open
//! no descriptor. `cargo test --features async-io,tokio,nal-async --test async` runs them all;
//! with the default features, only the mock's suite.

#[path = "../support/common.rs"]
mod common;
#[cfg(feature = "nal-async")]
#[path = "../support/mock_common.rs"]
mod mock_common;
#[cfg(feature = "nal-async")]
#[path = "../support/protocol_clients.rs"]
mod protocol_clients;
#[cfg(all(feature = "async-io", feature = "tokio"))]
#[path = "../support/reactors.rs"]
mod reactors;
#[path = "../support/system.rs"]
mod system;

/// The async suite on the kernel, on both reactors, and the POSIX stack's own stories.
#[cfg(all(feature = "async-io", feature = "tokio"))]
mod posix;

/// The async suite on the mock, single-threaded and shared.
mod mock;

/// reqwless and rust-mqtt on the mock, against the servers below, under faults.
#[cfg(feature = "nal-async")]
mod clients_on_mock;
/// An HTTP/1.1 server and a small MQTT 5 broker, written on the async traits.
#[cfg(feature = "nal-async")]
mod servers;
