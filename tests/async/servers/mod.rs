//! Servers written on anysock's async traits, generic over any async stack, for the acceptance
//! tests of real client crates on the mock network (`async_clients_mock.rs`): an HTTP/1.1 server
//! for reqwless, and a small MQTT 5 broker for rust-mqtt.
//!
//! Each test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

pub mod http;
pub mod mqtt;
