//! The mock network on its own: its sockets call by call as Linux tells them, its faults, what
//! its tracers record (pcap captures read back by tshark), its async driver on the virtual
//! clock, its scale, and the README's mock section. (The mock held against the kernel is the
//! `conformance` binary; its allocations, the `allocations` binary.)
//!
//! No test here opens a kernel socket, so the tests run in parallel without a lock.
//! `cargo test --test mock MODULE` runs one group, e.g. `trace::pcap`.

#[path = "../support/data.rs"]
mod data;
#[path = "../support/mock_common.rs"]
mod mock_common;
#[path = "../support/system.rs"]
mod system;

/// Sockets on the mock, call by call: connections, datagrams, ancillary data, options, host
/// names and the selector.
mod sockets {
    mod ancillary;
    mod datagrams;
    mod names;
    mod options;
    mod selector;
    mod streams;
}

/// Faults: each kind on its own, a seeded mix, and thousands of random calls.
mod faults {
    mod kinds;
    mod robust;
    mod seeded;
}

/// What the network records: trace events, pcap files, and a whole program captured.
mod trace {
    mod capture;
    mod events;
    mod pcap;
}

/// Async on the mock: the driver on the virtual clock, wake-ups, and cancelled calls.
mod asynch {
    mod cancel;
    #[cfg(feature = "std")]
    mod driver;
}

/// A network sized at run time: a thousand hosts, tens of thousands of sockets.
#[cfg(feature = "std")]
mod scale;

/// The README's section on the mock, compiled and run, and kept in step with the README.
mod readme;
