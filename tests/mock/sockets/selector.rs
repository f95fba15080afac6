//! The mock's `Selector` beyond the conformance suite: waiting on the virtual clock (and, on a
//! shared network, for another thread), sockets that close or belong to another host, and a
//! table as large as the network.

use crate::mock_common;

use std::time::Duration;

use anysock::embedded_io::Write;
use anysock::mock::{FaultPlan, Net, SharedNet};
use anysock::selector::{Event, ScalableReadiness, Selector as _, Token, Trigger};
use anysock::{
    Datagram as _, Error, ErrorKind, Interest, Pollable, Socket as _, Stack as _, Type, Wait,
};

use mock_common::{host, two_hosts};

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn a_wait_that_nothing_can_end_is_a_deadlock_and_a_timeout_moves_the_clock() {
    let net: Net = Net::new();
    let host = host(&net);
    let (_a, b) = host.socketpair(Type::Stream).unwrap();
    let mut selector = host.selector().unwrap();
    selector
        .register(b.handle(), Token(1), Interest::READABLE, Trigger::Level)
        .unwrap();
    let mut events = [Event::EMPTY; 4];
    let err = selector.wait(&mut events, None).unwrap_err();
    assert_eq!(
        err,
        Error::deadlock(Wait::Readiness),
        "nobody else can write"
    );
    assert_eq!(net.now(), Duration::ZERO);
    assert_eq!(selector.wait(&mut events, Some(SECOND)).unwrap(), 0);
    assert_eq!(net.now(), SECOND, "the timeout passed on the virtual clock");
}

#[test]
fn a_wait_moves_the_clock_to_data_on_its_way() {
    let net: Net = Net::with_seed(1);
    let (a, b) = two_hosts(&net);
    let ms = Duration::from_millis(1);
    net.set_faults(FaultPlan::new().latency(10 * ms..20 * ms));
    let server = b.bind(&"10.0.0.2:53".parse().unwrap()).unwrap();
    let mut client = a.bind(&"0.0.0.0:0".parse().unwrap()).unwrap();
    let mut selector = b.selector().unwrap();
    selector
        .register(
            server.handle(),
            Token(53),
            Interest::READABLE,
            Trigger::Edge,
        )
        .unwrap();
    client
        .send_to(b"query", &"10.0.0.2:53".parse().unwrap())
        .unwrap();
    let mut events = [Event::EMPTY; 4];
    // Not there yet, but it needs nobody to arrive: even a wait without timeout finds it.
    assert_eq!(selector.wait(&mut events, None).unwrap(), 1);
    assert_eq!(events[0].token(), Token(53));
    assert!(net.now() >= 10 * ms && net.now() < 20 * ms);
}

#[test]
fn a_closed_socket_leaves_the_set_and_its_slot_starts_afresh() {
    let net: Net = Net::new();
    let host = host(&net);
    let mut selector = host.selector().unwrap();
    let (a, b) = host.socketpair(Type::Datagram).unwrap();
    let old = b.handle();
    selector
        .register(old, Token(1), Interest::WRITABLE, Trigger::Level)
        .unwrap();
    drop((a, b));
    // The next sockets take the freed slots, with new handles.
    let (c, d) = host.socketpair(Type::Datagram).unwrap();
    assert!(c.handle() != old && d.handle() != old);
    let mut events = [Event::EMPTY; 4];
    assert_eq!(selector.wait(&mut events, Some(SECOND)).unwrap(), 0);
    let err = selector.deregister(old).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadDescriptor, "a closed socket");
    selector
        .register(d.handle(), Token(2), Interest::WRITABLE, Trigger::Level)
        .unwrap();
    assert_eq!(selector.wait(&mut events, Some(SECOND)).unwrap(), 1);
    assert_eq!(events[0].token(), Token(2), "never under the old token");
}

#[test]
fn only_the_hosts_own_sockets_can_be_registered() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let theirs = b.bind(&"10.0.0.2:0".parse().unwrap()).unwrap();
    let mut selector = a.selector().unwrap();
    let err = selector
        .register(
            theirs.handle(),
            Token(0),
            Interest::READABLE,
            Trigger::Level,
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadDescriptor);
}

#[test]
fn every_socket_of_the_network_can_be_registered() {
    let net: Net<8> = Net::new();
    let host = host(&net);
    let mut selector = host.selector().unwrap();
    let sockets: Vec<_> = (0..8)
        .map(|_| host.bind(&"10.0.0.1:0".parse().unwrap()).unwrap())
        .collect();
    for (i, s) in sockets.iter().enumerate() {
        selector
            .register(
                s.handle(),
                Token(i as u64),
                Interest::WRITABLE,
                Trigger::Level,
            )
            .unwrap();
    }
    let mut events = [Event::EMPTY; 16];
    assert_eq!(selector.wait(&mut events, Some(SECOND)).unwrap(), 8);
}

#[test]
fn on_a_shared_network_a_wait_ends_when_another_thread_writes() {
    let net: SharedNet = SharedNet::new();
    let host = host(&net);
    let (a, b) = host.socketpair(Type::Stream).unwrap();
    let (mut a, b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
    let mut selector = host.selector().unwrap();
    selector
        .register(b.handle(), Token(9), Interest::READABLE, Trigger::Edge)
        .unwrap();
    std::thread::scope(|s| {
        s.spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            a.write_all(b"wake up").unwrap();
        });
        let mut events = [Event::EMPTY; 4];
        assert_eq!(selector.wait(&mut events, Some(SECOND)).unwrap(), 1);
        assert_eq!(events[0].token(), Token(9));
    });
}
