// The kernel layer: the simulated kernel, which the net layer above keeps behind its lock. From
// the bottom: `table/` (the data), `state.rs` (`State`, which owns the tables, the socket slots
// and the clock), then the calls: each other file is an `impl State` for one concern (routes,
// ports, bind, connect and accept, stream and datagram I/O, ancillary data and passed sockets,
// close, poll, faults, partitions and crashes, async waiting, name resolution).
//
// May import: `state.rs` from `table/` and below; a call from `state.rs`, other calls, `table/`,
// `trace/`, `base/`.

pub(crate) mod ancillary;
mod bind;
mod close;
mod connect;
pub(crate) mod datagram;
mod faults;
pub(crate) mod flags;
mod index;
mod outage;
mod park;
mod paths;
pub(crate) mod poll;
mod ports;
mod quick;
mod resolve;
mod rights;
pub(crate) mod route;
pub(crate) mod state;
pub(crate) mod stream;
pub(crate) mod table;
mod timers;
