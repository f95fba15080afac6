//! anysock against socket stacks and programs that are not ours: Python's `socket` module as
//! client and server over every domain, and, with the async features, reqwless fetching from
//! `python3 -m http.server` and rust-mqtt talking to a `mosquitto` broker. (The firmware against
//! curl and Python is the firmware's own test binary; the Redis client against redis-server,
//! anysock-resp's.)
//!
//! Outside CI a missing program skips its test with a message; in CI (`.ci/run` installs them)
//! it fails. Every test holds the binary's descriptor lock (`common::fd_check`).

#[path = "../support/common.rs"]
mod common;
#[path = "../support/data.rs"]
mod data;
#[cfg(all(feature = "nal-async", feature = "async-io", feature = "tokio"))]
#[path = "../support/protocol_clients.rs"]
mod protocol_clients;
#[cfg(all(feature = "nal-async", feature = "async-io", feature = "tokio"))]
#[path = "../support/reactors.rs"]
mod reactors;
#[path = "../support/system.rs"]
mod system;

/// Python's `socket` module (`tests/support/peer.py`): TCP, UDP, Unix streams and datagrams.
mod python;

/// reqwless against `python3 -m http.server`, rust-mqtt against `mosquitto`, on both reactors.
#[cfg(all(feature = "nal-async", feature = "async-io", feature = "tokio"))]
mod async_clients;
