//! Host names on the mock network: the test declares them (`Net::name`), every host resolves
//! them (blocking and async `Resolve`), the reverse lookup finds them, and every mistake is a
//! typed error.

use crate::mock_common;

use core::net::IpAddr;

use anysock::asynch::{Resolve as _, Stack as _};
use anysock::mock::{Net, MAX_NAMES};
use anysock::{ErrorKind, Family, Resolve};

use mock_common::two_hosts;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn a_declared_name_resolves_on_every_host_to_its_addresses_ipv4_first() {
    let net: Net = Net::new();
    let (broker, client) = two_hosts(&net);
    net.name("broker.test", broker).unwrap();
    let mut out = [ip("0.0.0.0"); 4];
    for host in [broker, client] {
        assert_eq!(host.resolve("broker.test", Family::Any, &mut out), Ok(2));
        assert_eq!(&out[..2], &[ip("10.0.0.1"), ip("fd00::1")]);
    }
    // As DNS compares names: letters in either case, with or without the root's dot.
    assert_eq!(
        client.resolve("BROKER.Test.", Family::Inet6, &mut out),
        Ok(1)
    );
    assert_eq!(out[0], ip("fd00::1"));
    assert_eq!(
        client.resolve("broker.test", Family::Inet, &mut out[..1]),
        Ok(1)
    );
    assert_eq!(out[0], ip("10.0.0.1"));
    // `localhost` and literals need no declaring.
    assert_eq!(client.resolve("localhost", Family::Any, &mut out), Ok(2));
    assert_eq!(&out[..2], &[ip("127.0.0.1"), ip("::1")]);
    assert_eq!(client.resolve("[fd00::9]", Family::Any, &mut out), Ok(1));
    assert_eq!(out[0], ip("fd00::9"));

    // The reverse: the first name declared for the host that owns the address.
    net.name("mqtt.test", broker).unwrap();
    let mut name = [0u8; 64];
    let n = client.reverse(ip("fd00::1"), &mut name).unwrap();
    assert_eq!(&name[..n], b"broker.test");
    let n = client.reverse(ip("::ffff:10.0.0.1"), &mut name).unwrap();
    assert_eq!(
        &name[..n],
        b"broker.test",
        "a mapped address is its IPv4 one"
    );
    let n = client.reverse(ip("127.0.0.1"), &mut name).unwrap();
    assert_eq!(&name[..n], b"localhost");

    // A name outlives its host's crash, as a name server's record does.
    net.crash(broker);
    assert_eq!(client.resolve("mqtt.test", Family::Inet, &mut out), Ok(1));
}

#[test]
fn names_resolve_through_the_async_stack_too() {
    let net: Net = Net::new();
    let (broker, client) = two_hosts(&net);
    net.name("broker.test", broker.asynch()).unwrap();
    let client = client.asynch();
    let story = async {
        let mut out = [ip("0.0.0.0"); 2];
        assert_eq!(
            client.resolve("broker.test", Family::Any, &mut out).await,
            Ok(2)
        );
        let missing = client.resolve("nobody.test", Family::Any, &mut out).await;
        assert_eq!(missing.unwrap_err().kind(), ErrorKind::HostNotFound);
        let mut name = [0u8; 16];
        let n = client.reverse(ip("10.0.0.1"), &mut name).await.unwrap();
        assert_eq!(&name[..n], b"broker.test");
        let started = client.now().unwrap();
        assert_eq!(
            client.now().unwrap(),
            started,
            "answered at once, no time passed"
        );
    };
    net.run(story).unwrap();
}

#[test]
fn every_mistake_is_a_typed_error() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let kind = |r: anysock::Result<()>| r.unwrap_err().kind();
    net.name("a.test", a).unwrap();
    assert_eq!(
        kind(net.name("a.test", b)),
        ErrorKind::AddrInUse,
        "declared twice"
    );
    assert_eq!(
        kind(net.name("A.TEST.", b)),
        ErrorKind::AddrInUse,
        "the same name"
    );
    assert_eq!(kind(net.name("localhost", b)), ErrorKind::AddrInUse);
    for bad in [
        "",
        ".",
        "a..b",
        "has space",
        "10.0.0.1",
        "::1",
        "tab\t",
        "-\0",
    ] {
        assert_eq!(kind(net.name(bad, b)), ErrorKind::InvalidInput, "{bad:?}");
    }
    let long_label = "x".repeat(64);
    assert_eq!(kind(net.name(&long_label, b)), ErrorKind::InvalidInput);
    let long_name = ["abc"; 64].join(".");
    assert_eq!(kind(net.name(&long_name, b)), ErrorKind::InvalidInput);
    for i in 1..MAX_NAMES {
        net.name(&format!("b{i}.test"), b).unwrap();
    }
    assert_eq!(
        kind(net.name("one-more.test", b)),
        ErrorKind::OutOfMemory,
        "full"
    );

    let mut out = [ip("0.0.0.0"); 2];
    let resolve = |name: &str, family, out: &mut [IpAddr]| a.resolve(name, family, out).map(drop);
    assert_eq!(
        kind(resolve("nobody.test", Family::Any, &mut out)),
        ErrorKind::HostNotFound
    );
    assert_eq!(
        kind(resolve("10.0.0.1", Family::Inet6, &mut out)),
        ErrorKind::HostNotFound,
        "a literal of the other family"
    );
    assert_eq!(
        kind(resolve("a.test", Family::Any, &mut [])),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind(resolve("", Family::Any, &mut out)),
        ErrorKind::InvalidInput
    );
    let mut small = [0u8; 3];
    assert_eq!(
        kind(a.reverse(ip("10.0.0.1"), &mut small).map(drop)),
        ErrorKind::InvalidInput,
        "the name does not fit"
    );
    assert_eq!(
        kind(a.reverse(ip("10.9.9.9"), &mut [0u8; 64]).map(drop)),
        ErrorKind::HostNotFound
    );
}
