//! The Redis client against servers: a scripted one on the mock network (every reply shape,
//! split, reset, delayed, or replaced by arbitrary bytes), and a real `redis-server` over the
//! POSIX backend. `cargo test -p anysock-resp --test client`.

#[path = "../../../../tests/support/data.rs"]
mod data;
#[path = "../../../../tests/support/system.rs"]
mod system;

/// A real `redis-server`, started on a free port, killed when dropped.
mod redis;
/// A scripted server on the mock network and a reference RESP2 decoder.
mod server;

/// The client against the scripted server, on the mock network.
mod on_mock;

/// The client against `redis-server`, on loopback.
mod against_redis;
