//! `anysock::nal_async`: embedded-nal-async 0.9's `TcpConnect`, `UdpStack` (connected and
//! unconnected sockets; multicast joined, delivered and left, in a network namespace of the
//! test's own) and `Dns` over the async POSIX stack, on both reactors, with the choices the
//! adapter documents (a datagram cut short is an error, a foreign local address is refused); and
//! the same stories, but multicast, on the mock network.

use crate::netns;
use crate::system;
use crate::{on_both_reactors, reactors};

use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use core::time::Duration;

use anysock::asynch::{timeout, Endpoint as _, Listener as _, Stack};
use anysock::embedded_io_async::{Read as _, Write as _};
use anysock::nal_async::embedded_nal_async::{
    ConnectedUdp, Dns as _, TcpConnect, UdpStack, UnconnectedUdp,
};
use anysock::nal_async::Nal;
use anysock::opt::{InterfaceV4, JoinMulticastV4, LeaveMulticastV4, MulticastGroupV4};
use anysock::ErrorKind;

use embassy_futures::join::join;
use reactors::checked;

/// `TcpConnect::connect` gives a stream that talks to an anysock listener both ways.
async fn tcp_connect_talks<S: Stack + Copy>(stack: &S) {
    let nal = Nal::new(*stack);
    let mut listener = stack.listen(&"127.0.0.1:0".parse().unwrap(), 4).unwrap();
    let addr = listener.local_addr().unwrap().as_inet().unwrap();
    let (conn, accepted) = join(TcpConnect::connect(&nal, addr), listener.accept()).await;
    let (mut conn, (mut server, _)) = (conn.unwrap(), accepted.unwrap());
    conn.write_all(b"GET").await.unwrap();
    let mut buf = [0u8; 3];
    server.read_exact(&mut buf).await.unwrap();
    server.write_all(b"200").await.unwrap();
    conn.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"200");

    let closed = {
        let l = stack.listen(&"127.0.0.1:0".parse().unwrap(), 1).unwrap();
        l.local_addr().unwrap().as_inet().unwrap()
    };
    let refused = TcpConnect::connect(&nal, closed)
        .await
        .map(drop)
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn tcp_connect_talks_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(tcp_connect_talks);
}

/// A connected and a bound socket exchange datagrams; addresses come back as the system
/// completed them; a datagram too long for the buffer is `MessageTooLong`.
async fn udp_connected_and_unconnected<S: Stack + Copy>(stack: &S) {
    let nal = Nal::new(*stack);
    let (server_addr, mut server) = nal
        .bind_single("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert_ne!(server_addr.port(), 0);
    let (client_addr, mut client) = UdpStack::connect(&nal, server_addr).await.unwrap();
    assert_eq!(client_addr.ip(), IpAddr::from(Ipv4Addr::LOCALHOST));

    ConnectedUdp::send(&mut client, b"query").await.unwrap();
    let mut buf = [0u8; 16];
    let (n, local, remote) = UnconnectedUdp::receive_into(&mut server, &mut buf)
        .await
        .unwrap();
    assert_eq!(
        (&buf[..n], local, remote),
        (&b"query"[..], server_addr, client_addr)
    );

    let any_local = SocketAddr::from(([0, 0, 0, 0], 0));
    UnconnectedUdp::send(&mut server, any_local, client_addr, b"a long answer")
        .await
        .unwrap();
    let cut = ConnectedUdp::receive_into(&mut client, &mut [0u8; 4]).await;
    assert_eq!(cut.unwrap_err().kind(), ErrorKind::MessageTooLong);

    UnconnectedUdp::send(&mut server, server_addr, client_addr, b"ok")
        .await
        .unwrap();
    assert_eq!(
        ConnectedUdp::receive_into(&mut client, &mut buf).await,
        Ok(2)
    );

    let foreign = SocketAddr::from(([127, 0, 0, 2], server_addr.port()));
    let refused = UnconnectedUdp::send(&mut server, foreign, client_addr, b"x").await;
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::InvalidInput);
}

/// A socket bound for several senders joins and leaves a multicast group, once each (where
/// the stack has the membership options).
async fn udp_multicast_membership<S>(stack: &S)
where
    S: Stack + Copy,
    S::Datagram: anysock::SockOpt<JoinMulticastV4> + anysock::SockOpt<LeaveMulticastV4>,
{
    let nal = Nal::new(*stack);
    let mut multi = nal
        .bind_multiple("0.0.0.0:0".parse().unwrap())
        .await
        .unwrap();
    let membership = MulticastGroupV4::new(
        Ipv4Addr::new(239, 255, 0, 1),
        InterfaceV4::Address(Ipv4Addr::LOCALHOST),
    );
    multi.join_multicast_v4(membership).unwrap();
    let twice = multi.join_multicast_v4(membership).unwrap_err();
    assert_eq!(twice.kind(), ErrorKind::AddrInUse);
    multi.leave_multicast_v4(membership).unwrap();
}

#[test]
fn udp_connected_and_unconnected_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(udp_connected_and_unconnected);
    on_both_reactors!(udp_multicast_membership);
}

/// `Dns` resolves through the stack's resolver (the system's, or the mock's table): a name, a
/// literal, the reverse of loopback, and a name that does not exist as `HostNotFound`.
async fn dns_resolves<S: Stack + anysock::asynch::Resolve + Copy>(stack: &S) {
    use anysock::nal_async::embedded_nal_async::AddrType;
    let nal = Nal::new(*stack);
    let bounded = |f| timeout(stack, Duration::from_secs(10), f);
    let ip = bounded(nal.get_host_by_name("localhost", AddrType::IPv4)).await;
    assert_eq!(ip.unwrap().unwrap(), IpAddr::from(Ipv4Addr::LOCALHOST));
    let ip = nal.get_host_by_name("10.1.2.3", AddrType::Either).await;
    assert_eq!(ip.unwrap(), IpAddr::from([10, 1, 2, 3]));
    let wrong_family = nal.get_host_by_name("10.1.2.3", AddrType::IPv6).await;
    assert_eq!(wrong_family.unwrap_err().kind(), ErrorKind::HostNotFound);
    let missing = nal
        .get_host_by_name("no-such-host.invalid", AddrType::Either)
        .await;
    assert_eq!(missing.unwrap_err().kind(), ErrorKind::HostNotFound);
    let mut name = [0u8; 255];
    let n = nal
        .get_host_by_address(Ipv4Addr::LOCALHOST.into(), &mut name)
        .await
        .unwrap();
    assert!(n > 0);
    let small = nal
        .get_host_by_address(Ipv4Addr::LOCALHOST.into(), &mut [0u8; 1])
        .await;
    assert_eq!(small.unwrap_err().kind(), ErrorKind::InvalidInput);
}

#[test]
fn the_stories_without_multicast_run_on_the_mock_too() {
    use anysock::mock::Net;
    let net: Net = Net::new();
    let host = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap()
        .asynch();
    net.run(tcp_connect_talks(&host)).unwrap();
    net.run(udp_connected_and_unconnected(&host)).unwrap();
    net.run(dns_resolves(&host)).unwrap();
    assert_eq!(net.open_sockets(), 0);
}

#[test]
fn dns_resolves_on_both_reactors() {
    let fds = checked();
    on_both_reactors!(dns_resolves);
    // The C library keeps a lookup thread's name-server socket until the thread exits.
    fds.settle(Duration::from_secs(2));
}

/// Set in the environment of the copy of this binary that runs inside the namespace.
const INSIDE: &str = "ANYSOCK_NAL_ASYNC_MULTICAST_NETNS";

#[test]
fn multicast_is_delivered_through_the_adapter_in_a_namespace_of_its_own() {
    let _fds = checked();
    let Some(ns) = netns::NetNs::create("nalmc") else {
        return;
    };
    ns.multicast_on_lo();
    let inside = system::test_path(module_path!(), "multicast_inside_the_namespace");
    ns.expect_test(&inside, INSIDE, "multicast: received");
}

/// The half that runs inside the namespace (a no-op anywhere else), on both reactors: a
/// member joins a group through the adapter and receives what a sender sends to it; after
/// leaving, nothing more arrives.
#[test]
fn multicast_inside_the_namespace() {
    if std::env::var_os(INSIDE).is_none() {
        return;
    }
    on_both_reactors!(multicast_round);
}

async fn multicast_round<S>(stack: &S)
where
    S: Stack + Copy,
    S::Datagram: anysock::SockOpt<JoinMulticastV4>
        + anysock::SockOpt<LeaveMulticastV4>
        + anysock::SockOpt<anysock::opt::MulticastInterfaceV4>
        + anysock::SockOpt<anysock::opt::MulticastTtl>,
{
    use anysock::SockOpt as _;
    let nal = Nal::new(*stack);
    let group = Ipv4Addr::new(239, 255, 0, 1);
    let membership = MulticastGroupV4::new(group, InterfaceV4::Address(Ipv4Addr::LOCALHOST));
    let mut member = nal
        .bind_multiple("0.0.0.0:0".parse().unwrap())
        .await
        .unwrap();
    member.join_multicast_v4(membership).unwrap();
    let port = member.get_mut().local_addr().unwrap().port().unwrap();
    let (from, mut sender) = nal
        .bind_single("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let tx = sender.get_mut();
    tx.set(anysock::opt::MulticastInterfaceV4, Ipv4Addr::LOCALHOST)
        .unwrap();
    tx.set(anysock::opt::MulticastTtl, 0).unwrap(); // the looped-back copy is all there is
    let to = SocketAddr::from((group, port));

    UnconnectedUdp::send(&mut sender, from, to, b"to the group")
        .await
        .unwrap();
    let mut buf = [0u8; 32];
    let received = timeout(stack, Duration::from_secs(5), member.receive_into(&mut buf)).await;
    let (n, _local, remote) = received.expect("in time").unwrap();
    assert_eq!((&buf[..n], remote), (&b"to the group"[..], from));
    println!("multicast: received {n} bytes for {to} from {remote}");

    member.leave_multicast_v4(membership).unwrap();
    UnconnectedUdp::send(&mut sender, from, to, b"after leaving")
        .await
        .unwrap();
    let late = timeout(
        stack,
        Duration::from_millis(200),
        member.receive_into(&mut buf),
    )
    .await;
    assert_eq!(
        late.unwrap_err().kind(),
        ErrorKind::TimedOut,
        "nothing after leaving"
    );
}
