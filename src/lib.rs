//! # anysock
//!
//! One socket API for portable code. This facade re-exports the vocabulary of
//! [`anysock_core`] and the backends, and names the default one.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

pub use anysock_core::*;
