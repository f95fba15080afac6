//! The async conformance suite (`anysock_core::conformance::asynch`), the cases `posix.rs`
//! runs on the kernel under both reactors, on the mock network under its driver (`Net::run`), on
//! the virtual clock: on the single-threaded network and on the thread-safe one. Every case
//! leaves no socket open.

use crate::common;

use core::future::Future;

use anysock::mock::asynch::Host;
use anysock::mock::trace::Tracer;
use anysock::mock::{Net, SharedNet, Sharing};
use anysock::SocketAddr;
use anysock_core::conformance::asynch::{self as suite, AsyncHarness};

/// A host of a mock network, and the network's driver to run the cases.
struct OnMock<'n, T: Tracer, K: Sharing> {
    net: &'n Net<32, 4096, 8, T, K>,
    host: Host<'n, 32, 4096, 8, T, K>,
}

impl<'n, T: Tracer, K: Sharing> OnMock<'n, T, K> {
    fn new(net: &'n Net<32, 4096, 8, T, K>) -> Self {
        let host = net
            .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
            .unwrap()
            .asynch();
        OnMock { net, host }
    }
}

impl<'n, T: Tracer, K: Sharing> AsyncHarness for OnMock<'n, T, K> {
    type Stack = Host<'n, 32, 4096, 8, T, K>;

    fn stack(&self) -> &Self::Stack {
        &self.host
    }

    fn ipv4(&self) -> SocketAddr {
        "10.0.0.1:0".parse().unwrap()
    }

    /// The driver; a case it finds stuck (a deadlock: nothing scheduled could wake it) fails.
    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.net
            .run(fut)
            .unwrap_or_else(|e| panic!("the driver stopped the case: {e}"))
    }
}

#[test]
fn the_mock_passes_the_async_suite() {
    let net: Net = Net::with_seed(1);
    common::suite_passes("mock", 13, |report| {
        suite::run(&mut OnMock::new(&net), report)
    });
    assert_eq!(net.open_sockets(), 0);
}

#[test]
fn the_shared_mock_passes_the_async_suite() {
    let net: SharedNet = SharedNet::with_seed(1);
    common::suite_passes("mock/shared", 13, |report| {
        suite::run(&mut OnMock::new(&net), report)
    });
    assert_eq!(net.open_sockets(), 0);
}
