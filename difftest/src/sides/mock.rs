//! The mock network as a side: a fresh single-threaded network for every sequence, with one
//! host whose loopback the sequence uses.

use anysock_core::UnixAddr;
use anysock_mock::{Host, Net};

use super::{path, FIRST_FIXED_PORT};
use crate::exec::{execute, Step};
use crate::target::{Caps, Side, Target};
use crate::{Call, Quirk};

/// The mock network, fresh for each sequence.
#[derive(Debug, Default)]
pub struct MockSide;

/// One sequence's network.
struct MockTarget<'n> {
    host: Host<'n>,
    names: u32,
}

impl<'n> Target for MockTarget<'n> {
    type Stack = Host<'n>;

    fn stack(&self) -> &Host<'n> {
        &self.host
    }

    fn fresh_port(&mut self) -> u16 {
        self.names += 1;
        FIRST_FIXED_PORT + self.names as u16
    }

    fn fresh_path(&mut self, long: bool) -> UnixAddr {
        self.names += 1;
        let name = format!("/tmp/diff/s{}", self.names);
        path(name, long)
    }

    fn missing_dir(&mut self) -> UnixAddr {
        self.names += 1;
        path(format!("/tmp/diff/missing{}/s", self.names), false)
    }

    fn fresh_abstract(&mut self) -> UnixAddr {
        self.names += 1;
        UnixAddr::abstract_name(&format!("diff-{}", self.names)).expect("a short name")
    }
}

impl Side for MockSide {
    fn name(&self) -> &str {
        "mock"
    }

    fn caps(&self) -> Caps {
        Caps::ALL
    }

    fn run(&mut self, calls: &[Call]) -> Vec<Step> {
        // A network is a few hundred kilobytes: on the heap, not the test thread's stack.
        let net: Box<Net> = Box::default();
        let host = net
            .host([10, 0, 0, 1].into(), "fd00::1".parse().expect("an address"))
            .expect("a fresh network has room for a host");
        execute(&mut MockTarget { host, names: 0 }, calls)
    }

    fn quirk(&self, quirk: Quirk) -> bool {
        anysock_mock::QUIRKS.contains(&quirk)
    }
}
