//! Options, bind rules, `poll` and the virtual clock on the mock network.

use crate::mock_common;

use anysock::Endpoint as _;
use std::time::Duration;

use anysock::mock::{Net, SYN_TIMEOUT};
use anysock::opt::*;
use anysock::{
    Domain, Error, ErrorKind, Interest, Listener as _, PollFd, Pollable, SockOpt, Socket as _,
    Stack as _, Stream as _, Type, Wait,
};

use mock_common::{addr, host};

#[test]
fn a_default_net_fits_a_small_stack() {
    println!("size_of::<Net>() = {}", std::mem::size_of::<Net>());
    assert!(
        std::mem::size_of::<Net>() < 300 * 1024,
        "{}",
        std::mem::size_of::<Net>()
    );
}

#[test]
fn options_have_linux_defaults_ranges_and_errors() {
    let net: Net = Net::new();
    let h = host(&net);
    let mut tcp = h.socket(Domain::Inet, Type::Stream).unwrap();
    assert_eq!(tcp.get(Ttl).unwrap(), 64);
    assert_eq!(tcp.set(Ttl, 0).unwrap_err().kind(), ErrorKind::InvalidInput);
    assert_eq!(
        tcp.set(Ttl, 256).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert!(!tcp.get(NoDelay).unwrap());
    tcp.set(NoDelay, true).unwrap();
    assert!(tcp.get(NoDelay).unwrap());
    assert_eq!(tcp.get(V6Only).unwrap_err().kind(), ErrorKind::Unsupported);
    assert_eq!(
        tcp.get(UnicastHops).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
    assert_eq!(tcp.get(SocketType).unwrap(), Type::Stream);
    assert!(!tcp.get(AcceptConn).unwrap());
    assert_eq!(tcp.get(Linger).unwrap(), None);
    tcp.set(Linger, Some(Duration::from_millis(1500))).unwrap();
    assert_eq!(
        tcp.get(Linger).unwrap(),
        Some(Duration::from_secs(2)),
        "rounded up"
    );
    let e = tcp.set(RecvTimeout, Some(Duration::ZERO)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);

    // Buffer sizes: reported doubled, floored and capped as Linux; Linux's TCP default.
    assert_eq!(tcp.get(RecvBufferSize).unwrap(), 131072);
    tcp.set(RecvBufferSize, 1).unwrap();
    assert_eq!(tcp.get(RecvBufferSize).unwrap(), 2304);
    tcp.set(SendBufferSize, 1).unwrap();
    assert_eq!(tcp.get(SendBufferSize).unwrap(), 4608);
    tcp.set(RecvBufferSize, 1000).unwrap();
    assert_eq!(tcp.get(RecvBufferSize).unwrap(), 2304);
    tcp.set(RecvBufferSize, 65536).unwrap();
    assert_eq!(tcp.get(RecvBufferSize).unwrap(), 131072);
    // Capped at the kernel's default rmem_max (4 MiB) before doubling.
    tcp.set(RecvBufferSize, 1 << 23).unwrap();
    assert_eq!(tcp.get(RecvBufferSize).unwrap(), 8 << 20);
    let too_big = usize::try_from(i64::from(i32::MAX) + 1).unwrap();
    assert_eq!(
        tcp.set(RecvBufferSize, too_big).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );

    let udp = h.socket(Domain::Inet, Type::Datagram).unwrap();
    assert_eq!(udp.get(NoDelay).unwrap_err().kind(), ErrorKind::Unsupported);
    let unix = h.socket(Domain::Unix, Type::Stream).unwrap();
    assert_eq!(unix.get(Ttl).unwrap_err().kind(), ErrorKind::Unsupported);
    let mut v6 = h.socket(Domain::Inet6, Type::Stream).unwrap();
    assert_eq!(v6.get(UnicastHops).unwrap(), 64);
    v6.set(UnicastHops, 0).unwrap();
    assert!(!v6.get(V6Only).unwrap());
    v6.bind(&addr("[::1]:0")).unwrap();
    assert_eq!(
        v6.set(V6Only, true).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn bind_rules_follow_linux() {
    let net: Net = Net::new();
    let h = host(&net);
    let tcp = |reuse: bool| {
        let mut s = h.socket(Domain::Inet, Type::Stream).unwrap();
        s.set(ReuseAddr, reuse).unwrap();
        s
    };
    let listener = h.listen(&addr("127.0.0.1:80"), 1).unwrap(); // sets ReuseAddr
    assert_eq!(
        tcp(true).bind(&addr("127.0.0.1:80")).unwrap_err().kind(),
        ErrorKind::AddrInUse
    );
    assert_eq!(
        tcp(true).bind(&addr("0.0.0.0:80")).unwrap_err().kind(),
        ErrorKind::AddrInUse
    );
    let mut v6 = h.socket(Domain::Inet6, Type::Stream).unwrap();
    v6.set(ReuseAddr, true).unwrap();
    assert_eq!(
        v6.bind(&addr("[::]:80")).unwrap_err().kind(),
        ErrorKind::AddrInUse
    );
    assert!(
        tcp(false).bind(&addr("127.0.0.2:80")).is_ok(),
        "another address"
    );
    drop(listener);

    // Two bound (not listening) sockets may share a port with ReuseAddr; only one listens.
    let mut x = tcp(true);
    x.bind(&addr("127.0.0.1:81")).unwrap();
    let mut y = tcp(true);
    y.bind(&addr("127.0.0.1:81")).unwrap();
    let _ly = y.listen(1).unwrap();
    assert_eq!(x.listen(1).unwrap_err().kind(), ErrorKind::AddrInUse);
    assert_eq!(
        tcp(false).bind(&addr("127.0.0.1:81")).unwrap_err().kind(),
        ErrorKind::AddrInUse
    );

    // UDP and TCP have separate ports; UDP with ReuseAddr on both shares.
    let _u = h.bind(&addr("127.0.0.1:81")).unwrap();
    let mut u2 = h.socket(Domain::Inet, Type::Datagram).unwrap();
    assert_eq!(
        u2.bind(&addr("127.0.0.1:81")).unwrap_err().kind(),
        ErrorKind::AddrInUse
    );

    let mut s = tcp(false);
    assert_eq!(
        s.bind(&addr("10.9.9.9:0")).unwrap_err().kind(),
        ErrorKind::AddrNotAvailable
    );
    assert_eq!(
        s.bind(&addr("[::1]:0")).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    s.bind(&addr("10.0.0.1:0")).unwrap();
    assert_eq!(
        s.bind(&addr("10.0.0.1:0")).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );

    // listen on an unbound TCP socket binds the wildcard and an ephemeral port.
    let l = tcp(false).listen(1).unwrap();
    assert_eq!(l.local_addr().unwrap(), addr("0.0.0.0:49153"));
    let unix = h.socket(Domain::Unix, Type::Stream).unwrap();
    assert_eq!(unix.listen(1).unwrap_err().kind(), ErrorKind::InvalidInput);
    let mut auto = h.socket(Domain::Unix, Type::Stream).unwrap();
    auto.bind(&addr("unix:")).unwrap();
    assert_eq!(auto.local_addr().unwrap(), addr("unix:@00000"));
}

#[test]
fn poll_reports_readiness_and_moves_the_clock() {
    let net: Net = Net::new();
    let h = host(&net);
    let mut l = h.listen(&addr("127.0.0.1:9"), 1).unwrap();
    let mut fds = [PollFd::new(l.handle(), Interest::READABLE)];
    assert_eq!(h.poll(&mut fds, Some(Duration::ZERO)).unwrap(), 0);
    assert_eq!(
        h.poll(&mut fds, None).unwrap_err(),
        Error::deadlock(Wait::Readiness)
    );
    assert_eq!(h.poll(&mut fds, Some(Duration::from_secs(2))).unwrap(), 0);
    assert_eq!(net.now(), Duration::from_secs(2));

    let mut c = h.connect(&addr("127.0.0.1:9")).unwrap();
    assert_eq!(h.poll(&mut fds, None).unwrap(), 1);
    let (s, _) = l.accept().unwrap();
    let mut both = [
        PollFd::new(c.handle(), Interest::BOTH),
        PollFd::new(s.handle(), Interest::READABLE),
    ];
    assert_eq!(h.poll(&mut both, Some(Duration::ZERO)).unwrap(), 1);
    assert!(both[0].ready().is_writable() && !both[0].ready().is_readable());
    let gone = s.handle();
    drop(s); // c's peer closed: end of stream is readable
    assert_eq!(h.poll(&mut both, Some(Duration::ZERO)).unwrap(), 2);
    assert!(both[0].ready().is_readable());
    assert!(both[1].ready().is_invalid());
    // A socket reusing the slot does not answer to the old handle.
    let fresh = h.socket(Domain::Inet, Type::Stream).unwrap();
    assert_ne!(fresh.handle(), gone);
    let mut old = [PollFd::new(gone, Interest::READABLE)];
    h.poll(&mut old, Some(Duration::ZERO)).unwrap();
    assert!(old[0].ready().is_invalid());
    c.shutdown(anysock::Shutdown::Write).unwrap();
    let mut one = [PollFd::new(c.handle(), Interest::NONE)];
    h.poll(&mut one, Some(Duration::ZERO)).unwrap();
    assert!(one[0].ready().is_hangup());
}

#[test]
fn poll_wakes_when_a_waiting_connect_times_out() {
    let net: Net = Net::new();
    let h = host(&net);
    let _l = h.listen(&addr("127.0.0.1:9"), 0).unwrap();
    let _first = h.connect(&addr("127.0.0.1:9")).unwrap();
    let mut s = h.socket(Domain::Inet, Type::Stream).unwrap();
    s.set_nonblocking(true).unwrap();
    assert_eq!(
        s.connect(&addr("127.0.0.1:9")).unwrap_err().kind(),
        ErrorKind::InProgress
    );
    let mut fds = [PollFd::new(s.handle(), Interest::WRITABLE)];
    assert_eq!(h.poll(&mut fds, None).unwrap(), 1);
    assert_eq!(net.now(), SYN_TIMEOUT);
    assert!(fds[0].ready().is_error());
    assert_eq!(
        s.get(SocketError).unwrap().map(|e| e.kind()),
        Some(ErrorKind::TimedOut)
    );
}

#[test]
fn a_blocking_connect_with_a_send_timeout_says_in_progress() {
    let net: Net = Net::new();
    let h = host(&net);
    let _l = h.listen(&addr("127.0.0.1:9"), 0).unwrap();
    let _first = h.connect(&addr("127.0.0.1:9")).unwrap();
    let mut s = h.socket(Domain::Inet, Type::Stream).unwrap();
    s.set(SendTimeout, Some(Duration::from_secs(1))).unwrap();
    assert_eq!(
        s.connect(&addr("127.0.0.1:9")).unwrap_err().kind(),
        ErrorKind::InProgress
    );
    assert_eq!(net.now(), Duration::from_secs(1));
    assert_eq!(
        s.connect(&addr("127.0.0.1:9")).unwrap_err().kind(),
        ErrorKind::AlreadyInProgress
    );
    let st = s.into_stream().unwrap();
    assert_eq!(st.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
}

#[test]
fn hosts_are_checked() {
    let net: Net = Net::new();
    let _h = host(&net);
    let dup = net.host([10, 0, 0, 1].into(), "fd00::9".parse().unwrap());
    assert_eq!(dup.unwrap_err().kind(), ErrorKind::AddrInUse);
    let lo = net.host([127, 0, 0, 1].into(), "fd00::9".parse().unwrap());
    assert_eq!(lo.unwrap_err().kind(), ErrorKind::InvalidInput);
    for i in 2..=8u8 {
        net.host(
            [10, 0, 0, i].into(),
            std::net::Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, u16::from(i)),
        )
        .unwrap();
    }
    let full = net.host([10, 0, 0, 99].into(), "fd00::99".parse().unwrap());
    assert_eq!(full.unwrap_err().kind(), ErrorKind::OutOfMemory);
}
