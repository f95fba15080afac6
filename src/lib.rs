//! # anysock
//!
//! One socket API for portable code: the BSD socket calls (`socket`, `bind`, `listen`,
//! `accept`, `connect`, `send`/`recv`, `sendto`/`recvfrom`, `sendmsg`/`recvmsg`, `shutdown`,
//! `setsockopt`/`getsockopt`, `poll`) as traits, with pluggable backends.
//!
//! This facade re-exports the vocabulary of [`anysock_core`] and the backends, and names the
//! default one, `DefaultStack`. Write protocol code against [`Stack`] and the traits it
//! names; pick the backend where the program starts.
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `posix` | yes | `anysock::posix` (the operating system's sockets, over libc) and `DefaultStack` |
//! | `mock` | yes | `anysock::mock` (the deterministic in-memory network) |
//! | `std` | yes | `From<Error> for std::io::Error`; the POSIX backend's std interop; the mock's thread-safe `SharedNet` |
//! | `nal` | no | `anysock::nal`: any stack through embedded-nal 0.9's traits |
//! | `async-io`, `tokio` | no | `anysock::posix::asynch`: the POSIX async stacks on either reactor (both bring `posix`) |
//! | `nal-async` | no | `anysock::nal_async`: any async stack through embedded-nal-async 0.9's traits |
//!
//! Without default features the facade is [`anysock_core`] alone — no libc, no backend — so a
//! `no_std` protocol crate depends on it with `default-features = false`, writes its code over
//! [`Stack`], and leaves the backend to the program:
//!
//! ```toml
//! [dependencies]
//! anysock = { version = "0.1", default-features = false }
//! ```
//!
//! The C calls and the lecture's walk-through, with examples that run, are on
//! [`anysock_core`]'s front page. With the feature `nal`, the module `anysock::nal` presents any
//! stack through embedded-nal 0.9's traits, so crates written for embedded-nal run on these
//! backends too. With the feature `nal-async`, `anysock::nal_async` does the same for
//! embedded-nal-async 0.9 over any async stack ([`asynch::Stack`]); the POSIX async stacks
//! come with the features `async-io` and `tokio` (`anysock::posix::asynch`).
//!
//! ```
//! # #[cfg(feature = "posix")] {
//! use anysock::{Datagram, Endpoint, Stack};
//!
//! fn ping<S: Stack>(stack: &S) -> anysock::Result<bool> {
//!     let mut a = stack.bind(&"127.0.0.1:0".parse()?)?;
//!     let mut b = stack.bind(&"127.0.0.1:0".parse()?)?;
//!     a.send_to(b"ping", &b.local_addr()?)?;
//!     let mut buf = [0u8; 8];
//!     let (got, _from) = b.recv_from(&mut buf)?;
//!     Ok(&buf[..got.len] == b"ping")
//! }
//!
//! assert!(ping(&anysock::DefaultStack::default())?);
//! # }
//! # Ok::<(), anysock::Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

pub use anysock_core::*;

/// The POSIX backend: the operating system's sockets ([`anysock_posix`]). Feature `posix`.
#[cfg(feature = "posix")]
pub mod posix {
    pub use anysock_posix::*;
}

/// The mock backend: a deterministic in-memory network with a virtual clock ([`anysock_mock`]).
/// Feature `mock`.
#[cfg(feature = "mock")]
pub mod mock {
    pub use anysock_mock::*;
}

#[cfg(feature = "nal")]
pub mod nal;

#[cfg(feature = "nal-async")]
pub mod nal_async;

/// The backend used when a program does not choose one: the operating system's sockets.
/// Feature `posix`.
#[cfg(feature = "posix")]
pub type DefaultStack = anysock_posix::Posix;
