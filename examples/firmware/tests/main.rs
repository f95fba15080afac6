//! The firmware example (`examples/firmware`): its logic on the mock network's virtual clock,
//! and the real binary, built without std as `.ci/run` builds it, driven over loopback by our
//! clients, curl and Python, hostile clients, load, faults and signals, and across two network
//! namespaces joined by a cable.
//!
//! `cargo test --test firmware`. The tests of the real binary build it themselves, once per
//! run, into `target/firmware-e2e*`. Those that time replies or load the machine run alone
//! (`node::serial`); the others run beside one another (`node::shared`).

#[cfg(feature = "mock")]
#[path = "../../../tests/support/mock_common.rs"]
mod mock_common;
#[path = "../../../tests/support/netns.rs"]
mod netns;
#[path = "../../../tests/support/system.rs"]
mod system;

/// The firmware's app on a mock network: its host, a host for its clients, and its superloop
/// stepped on the virtual clock.
#[cfg(feature = "mock")]
mod bench;
/// The real binary: built, started on loopback ports, a console client, the control socket.
mod node;

/// The firmware's logic on the mock network: commands, limits, hostile clients, timing.
#[cfg(feature = "mock")]
mod on_mock {
    mod app;
    mod limits;
}

/// The real binary, as a process.
mod binary {
    mod clients;
    mod e2e;
    #[cfg(feature = "std")]
    mod faults;
    #[cfg(feature = "std")]
    mod hostile;
    mod load;
    mod signals;
    mod two_hosts;
}
