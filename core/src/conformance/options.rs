//! Socket options: what each reads back after it is set, its defaults, the values it refuses,
//! and the options that change what a call does (timeouts, the pending error).

use crate::Endpoint as _;
use core::time::Duration;

use crate::embedded_io::Write;
use crate::opt::*;
use crate::{Datagram, Domain, ErrorKind, Interest, Listener, SockOpt, Socket, Stack, Type};

use super::{
    connected, stream_socketpair, udp_pair, unix_socket, wait, Harness, IpOptionsHarness, Outcome,
    Stop,
};

/// Sets `opt` to true, then false, reading each back.
pub(super) fn flips<S, O>(s: &mut S, opt: O) -> Outcome
where
    S: SockOpt<O>,
    O: Settable + Gettable + SockOption<Value = bool>,
{
    must!(s.set(opt, true), "set an option to true");
    ensure!(
        must!(s.get(opt), "get"),
        "an option set to true reads back true"
    );
    must!(s.set(opt, false), "set an option to false");
    ensure!(
        !must!(s.get(opt), "get"),
        "an option set to false reads back false"
    );
    Ok(())
}

/// Sets a timeout option to `value` and returns what reads back.
fn timeout_round_trip<S, O>(
    s: &mut S,
    opt: O,
    value: Option<Duration>,
) -> Result<Option<Duration>, Stop>
where
    S: SockOpt<O>,
    O: Settable + Gettable + SockOption<Value = Option<Duration>>,
{
    must!(s.set(opt, value), "set a timeout");
    Ok(must!(s.get(opt), "get a timeout"))
}

pub(super) fn fresh_sockets_have_boolean_options_off<H: IpOptionsHarness>(h: &mut H) -> Outcome {
    let tcp = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    ensure!(
        !must!(tcp.get(ReuseAddr), "get ReuseAddr"),
        "ReuseAddr is off by default"
    );
    ensure!(
        !must!(tcp.get(ReusePort), "get ReusePort"),
        "ReusePort is off by default"
    );
    ensure!(
        !must!(tcp.get(KeepAlive), "get KeepAlive"),
        "KeepAlive is off by default"
    );
    ensure!(
        !must!(tcp.get(NoDelay), "get NoDelay"),
        "NoDelay is off by default"
    );
    ensure!(
        must!(tcp.get(Linger), "get Linger").is_none(),
        "Linger is None by default"
    );
    let udp = must!(h.stack().socket(Domain::Inet, Type::Datagram), "socket");
    ensure!(
        !must!(udp.get(Broadcast), "get Broadcast"),
        "Broadcast is off by default"
    );
    Ok(())
}

pub(super) fn boolean_options_round_trip<H: IpOptionsHarness>(h: &mut H) -> Outcome {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    flips(&mut s, ReuseAddr)?;
    flips(&mut s, ReusePort)?;
    flips(&mut s, KeepAlive)?;
    flips(&mut s, NoDelay)?;
    Ok(())
}

pub(super) fn broadcast_round_trips_on_udp<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    flips(&mut a, Broadcast)
}

pub(super) fn linger_round_trips<H: Harness>(h: &mut H) -> Outcome {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    let one = Some(Duration::from_secs(1));
    must!(s.set(Linger, one), "set Linger 1s");
    ensure!(
        must!(s.get(Linger), "get Linger") == one,
        "Linger 1s reads back 1s"
    );
    // Zero is a value of its own (reset on close), not "off".
    must!(s.set(Linger, Some(Duration::ZERO)), "set Linger 0");
    ensure!(
        must!(s.get(Linger), "get Linger") == Some(Duration::ZERO),
        "Linger 0 reads back Some(0), not None"
    );
    // Linger counts whole seconds; a fraction rounds up so it never lingers less than asked.
    must!(
        s.set(Linger, Some(Duration::from_millis(1500))),
        "set Linger 1.5s"
    );
    ensure!(
        must!(s.get(Linger), "get Linger") == Some(Duration::from_secs(2)),
        "Linger 1.5s reads back 2s"
    );
    must!(
        s.set(Linger, Some(Duration::from_millis(1))),
        "set Linger 1ms"
    );
    ensure!(
        must!(s.get(Linger), "get Linger") == Some(Duration::from_secs(1)),
        "Linger 1ms reads back 1s: a fraction never rounds down to a reset"
    );
    must!(s.set(Linger, None), "set Linger None");
    ensure!(
        must!(s.get(Linger), "get Linger").is_none(),
        "Linger None reads back None"
    );
    Ok(())
}

pub(super) fn timeouts_are_none_by_default_and_round_trip<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    ensure!(
        must!(a.get(RecvTimeout), "get").is_none(),
        "RecvTimeout is None by default"
    );
    ensure!(
        must!(a.get(SendTimeout), "get").is_none(),
        "SendTimeout is None by default"
    );
    // Whole seconds: exact whatever the kernel's tick (see the next case for fractions).
    let two = Some(Duration::from_secs(2));
    ensure!(
        timeout_round_trip(&mut a, RecvTimeout, two)? == two,
        "RecvTimeout 2s reads back 2s"
    );
    ensure!(
        timeout_round_trip(&mut a, SendTimeout, two)? == two,
        "SendTimeout 2s reads back 2s"
    );
    ensure!(
        timeout_round_trip(&mut a, RecvTimeout, None)?.is_none(),
        "RecvTimeout None reads back None"
    );
    ensure!(
        timeout_round_trip(&mut a, SendTimeout, None)?.is_none(),
        "SendTimeout None reads back None"
    );
    Ok(())
}

pub(super) fn timeouts_below_a_second_read_back_rounded_up_at_most_a_tick<H: Harness>(
    h: &mut H,
) -> Outcome {
    // Linux keeps timeouts in scheduler ticks (jiffies), rounding up: with HZ=250, 250ms is
    // 62.5 ticks and reads back as 252ms. Never less than asked; at most one tick (10ms at
    // HZ=100, the coarsest) more.
    let (mut a, _b) = udp_pair(h)?;
    let asked = Duration::from_millis(250);
    let limit = asked + Duration::from_millis(10);
    for got in [
        timeout_round_trip(&mut a, RecvTimeout, Some(asked))?,
        timeout_round_trip(&mut a, SendTimeout, Some(asked))?,
    ] {
        ensure!(got.is_some(), "a 250ms timeout reads back as set, not None");
        ensure!(
            got >= Some(asked),
            "a timeout reads back no shorter than it was set"
        );
        ensure!(
            got <= Some(limit),
            "a timeout reads back at most a tick longer than it was set"
        );
    }
    Ok(())
}

pub(super) fn a_zero_timeout_is_invalid_input<H: Harness>(h: &mut H) -> Outcome {
    // The kernel reads {0, 0} as "no timeout": refusing zero avoids the opposite of what was
    // asked.
    let (mut a, _b) = udp_pair(h)?;
    fails!(
        a.set(RecvTimeout, Some(Duration::ZERO)),
        ErrorKind::InvalidInput,
        "RecvTimeout Some(ZERO) must be InvalidInput"
    );
    fails!(
        a.set(SendTimeout, Some(Duration::ZERO)),
        ErrorKind::InvalidInput,
        "SendTimeout Some(ZERO) must be InvalidInput"
    );
    ensure!(
        must!(a.get(RecvTimeout), "get").is_none(),
        "a refused timeout changes nothing"
    );
    Ok(())
}

pub(super) fn a_blocking_recv_gives_up_after_the_recv_timeout<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    must!(
        a.set(RecvTimeout, Some(Duration::from_millis(20))),
        "set RecvTimeout"
    );
    let mut buf = [0u8; 8];
    // Linux: EAGAIN, the same as a non-blocking socket with nothing queued.
    fails!(
        a.recv_from(&mut buf),
        ErrorKind::WouldBlock,
        "a blocking recv_from past its RecvTimeout must be WouldBlock"
    );
    Ok(())
}

pub(super) fn a_blocking_accept_gives_up_after_the_recv_timeout<H: Harness>(h: &mut H) -> Outcome {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    must!(
        listener.set(RecvTimeout, Some(Duration::from_millis(20))),
        "set RecvTimeout"
    );
    fails!(
        listener.accept(),
        ErrorKind::WouldBlock,
        "a blocking accept past its RecvTimeout must be WouldBlock"
    );
    Ok(())
}

pub(super) fn a_blocking_write_to_a_full_stream_gives_up_after_the_send_timeout<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (mut a, _b) = stream_socketpair(h, Type::Stream)?;
    super::poll::fill::<H>(&mut a)?;
    must!(a.set_nonblocking(false), "set_nonblocking(false)");
    must!(
        a.set(SendTimeout, Some(Duration::from_millis(20))),
        "set SendTimeout"
    );
    fails!(
        a.write(b"more"),
        ErrorKind::WouldBlock,
        "a blocking write that took nothing before its SendTimeout must be WouldBlock"
    );
    Ok(())
}

pub(super) fn socket_type_reports_the_type<H: Harness>(h: &mut H) -> Outcome {
    for ty in [Type::Stream, Type::Datagram] {
        let s = must!(h.stack().socket(Domain::Inet, ty), "socket");
        ensure!(
            must!(s.get(SocketType), "get SocketType") == ty,
            "SocketType is the type created"
        );
    }
    for ty in [Type::Stream, Type::Datagram, Type::SeqPacket] {
        let s = unix_socket(h, ty)?;
        ensure!(
            must!(s.get(SocketType), "get SocketType") == ty,
            "SocketType is the type created"
        );
    }
    let (a, _b) = stream_socketpair(h, Type::SeqPacket)?;
    ensure!(
        must!(a.get(SocketType), "get SocketType") == Type::SeqPacket,
        "a seqpacket socketpair reports SeqPacket"
    );
    Ok(())
}

pub(super) fn accept_conn_is_true_only_on_a_listener<H: Harness>(h: &mut H) -> Outcome {
    let s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    ensure!(
        !must!(s.get(AcceptConn), "get AcceptConn"),
        "a fresh socket is not listening"
    );
    let (listener, _client, _server) = connected(h, &h.ipv4())?;
    ensure!(
        must!(listener.get(AcceptConn), "get AcceptConn"),
        "a listener is listening"
    );
    // A stream's or a datagram socket's `AcceptConn` does not compile: the type says it.
    Ok(())
}

pub(super) fn socket_error_is_none_on_a_healthy_socket<H: Harness>(h: &mut H) -> Outcome {
    let s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    ensure!(
        must!(s.get(SocketError), "get SocketError").is_none(),
        "a fresh socket has no error"
    );
    let (listener, client, _server) = connected(h, &h.ipv4())?;
    ensure!(
        must!(listener.get(SocketError), "get").is_none(),
        "a listener has no error"
    );
    ensure!(
        must!(client.get(SocketError), "get").is_none(),
        "a connected stream has no error"
    );
    Ok(())
}

pub(super) fn socket_error_reports_a_refused_udp_peer_once<H: Harness>(h: &mut H) -> Outcome {
    let closed = {
        let s = must!(h.stack().bind(&h.ipv4()), "bind");
        must!(s.local_addr(), "local_addr")
    };
    let mut a = must!(h.stack().bind(&h.ipv4()), "bind");
    must!(a.connect(&closed), "connect");
    must!(a.send(b"x"), "send");
    wait(h, &a, Interest::NONE)?;
    let pending = must!(a.get(SocketError), "get SocketError");
    ensure!(
        pending.is_some_and(|e| e.kind() == ErrorKind::ConnectionRefused),
        "SocketError holds ConnectionRefused after the port was found closed"
    );
    // Reading the option collects the error.
    ensure!(
        must!(a.get(SocketError), "get SocketError").is_none(),
        "reading SocketError clears it"
    );
    Ok(())
}

pub(super) fn options_set_before_connect_stay_on_the_stream<H: IpOptionsHarness>(
    h: &mut H,
) -> Outcome {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set(NoDelay, true), "set NoDelay");
    must!(s.set(KeepAlive, true), "set KeepAlive");
    must!(
        s.connect(&must!(listener.local_addr(), "local_addr")),
        "connect"
    );
    let client = must!(s.into_stream(), "into_stream");
    ensure!(
        must!(client.get(NoDelay), "get NoDelay"),
        "NoDelay set before connect stays set"
    );
    ensure!(
        must!(client.get(KeepAlive), "get KeepAlive"),
        "KeepAlive set before connect stays set"
    );
    wait(h, &listener, Interest::READABLE)?;
    let _ = must!(listener.accept(), "accept");
    Ok(())
}

pub(super) fn options_set_on_a_socket_stay_on_the_listener<H: Harness>(h: &mut H) -> Outcome {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set(ReuseAddr, true), "set ReuseAddr");
    must!(
        s.set(RecvTimeout, Some(Duration::from_secs(3))),
        "set RecvTimeout"
    );
    must!(s.bind(&h.ipv4()), "bind");
    let listener = must!(s.listen(4), "listen");
    ensure!(
        must!(listener.get(ReuseAddr), "get ReuseAddr"),
        "ReuseAddr stays set on the listener"
    );
    ensure!(
        must!(listener.get(RecvTimeout), "get RecvTimeout") == Some(Duration::from_secs(3)),
        "RecvTimeout stays set on the listener"
    );
    Ok(())
}

pub(super) fn accepted_streams_inherit_the_listeners_options<H: IpOptionsHarness>(
    h: &mut H,
) -> Outcome {
    // Linux clones an accepted socket from its listener: NoDelay and KeepAlive carry over.
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set(NoDelay, true), "set NoDelay");
    must!(s.set(KeepAlive, true), "set KeepAlive");
    must!(s.bind(&h.ipv4()), "bind");
    let mut listener = must!(s.listen(4), "listen");
    let _client = must!(
        h.stack()
            .connect(&must!(listener.local_addr(), "local_addr")),
        "connect"
    );
    wait(h, &listener, Interest::READABLE)?;
    let (server, _) = must!(listener.accept(), "accept");
    ensure!(
        must!(server.get(NoDelay), "get NoDelay"),
        "an accepted stream inherits NoDelay"
    );
    ensure!(
        must!(server.get(KeepAlive), "get KeepAlive"),
        "an accepted stream inherits KeepAlive"
    );
    Ok(())
}

pub(super) fn a_listener_keeps_its_options_apart_from_its_connections<H: Harness>(
    h: &mut H,
) -> Outcome {
    // Inheritance is a copy at accept: changing the stream afterwards leaves the listener alone.
    let (listener, _client, mut server) = connected(h, &h.ipv4())?;
    let before = must!(listener.get(RecvTimeout), "get RecvTimeout");
    must!(
        server.set(RecvTimeout, Some(Duration::from_secs(7))),
        "set RecvTimeout on the accepted stream"
    );
    ensure!(
        must!(listener.get(RecvTimeout), "get RecvTimeout") == before,
        "an option set on an accepted stream does not change the listener"
    );
    Ok(())
}

pub(super) fn stack_listen_sets_reuse_addr_on_inet_sockets<H: Harness>(h: &mut H) -> Outcome {
    let listener = must!(h.stack().listen(&h.ipv4(), 1), "listen");
    ensure!(
        must!(listener.get(ReuseAddr), "get ReuseAddr"),
        "Stack::listen sets SO_REUSEADDR, as std does"
    );
    ensure!(
        must!(listener.get(AcceptConn), "get AcceptConn"),
        "and it is listening"
    );
    Ok(())
}

pub(super) fn unix_sockets_have_no_reuse_port<H: Harness>(h: &mut H) -> Outcome {
    let mut s = unix_socket(h, Type::Stream)?;
    fails!(
        s.set(ReusePort, true),
        ErrorKind::Unsupported,
        "SO_REUSEPORT is an Internet socket's (EOPNOTSUPP)"
    );
    ensure!(
        !must!(s.get(ReusePort), "get ReusePort"),
        "though it reads, as off"
    );
    must!(s.set(ReusePort, false), "and turning it off is no error");
    Ok(())
}
