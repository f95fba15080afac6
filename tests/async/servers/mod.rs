//! Servers written on anysock's async traits, generic over any async stack, for the acceptance
//! tests of real client crates on the mock network (`clients_on_mock.rs`): an HTTP/1.1 server
//! for reqwless, and a small MQTT 5 broker for rust-mqtt.

pub mod http;
pub mod mqtt;
