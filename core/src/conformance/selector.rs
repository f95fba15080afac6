//! The [`Selector`]: each readiness rule of `poll`, through registered interest instead
//! (readable on data, on end of stream and on a pending connection; writable when buffer
//! space frees; errors and hang-ups whatever the interest), edge triggering once per change,
//! deregistered and closed sockets silent, and a small events buffer served in turn.

use crate::Endpoint as _;
use core::time::Duration;

use crate::embedded_io::{Read, Write};
use crate::selector::{Event, ScalableReadiness, Selector, Token, Trigger};
use crate::{Datagram, ErrorKind, Interest, Listener, Pollable, Shutdown, Stack, Stream, Type};

use super::poll::fill;
use super::{
    recv_exact, recv_some, send_all, stream_socketpair, tcp_pair, udp_pair, wait, Harness, Outcome,
    SelectorHarness, Stop,
};

/// The stack's selector type, for a harness.
type SelectorOf<H> = <<H as Harness>::Stack as ScalableReadiness>::Selector;

/// A short wait, for cases that expect nothing to happen.
const A_MOMENT: Duration = Duration::from_millis(10);

/// What one wait found.
struct Found {
    events: [Event; 8],
    n: usize,
}

impl Found {
    /// Whether exactly one socket was reported, under `token`.
    fn only(&self, token: u64) -> bool {
        self.n == 1 && self.events[0].token() == Token(token)
    }

    /// The one event found.
    fn first(&self) -> Event {
        self.events[0]
    }
}

/// A new selector of the stack.
fn selector<H: SelectorHarness>(h: &H) -> Result<SelectorOf<H>, Stop> {
    Ok(must!(h.stack().selector(), "selector"))
}

/// Registers `socket` under `token`.
fn register<H: SelectorHarness, P>(
    sel: &mut SelectorOf<H>,
    socket: &P,
    token: u64,
    interest: Interest,
    trigger: Trigger,
) -> Outcome
where
    P: Pollable<Handle = <H::Stack as Stack>::Handle>,
{
    must!(
        sel.register(socket.handle(), Token(token), interest, trigger),
        "register"
    );
    Ok(())
}

/// Waits at most `timeout` and returns what was found.
fn select<H: SelectorHarness>(sel: &mut SelectorOf<H>, timeout: Duration) -> Result<Found, Stop> {
    let mut events = [Event::EMPTY; 8];
    let n = must!(sel.wait(&mut events, Some(timeout)), "wait");
    ensure!(n <= events.len(), "wait fills no more entries than it has");
    Ok(Found { events, n })
}

pub(super) fn a_selector_reports_data_under_the_registered_token<H: SelectorHarness>(
    h: &mut H,
) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    let (_idle_client, idle_server) = tcp_pair(h)?;
    let mut sel = selector(h)?;
    register::<H, _>(&mut sel, &server, 1, Interest::READABLE, Trigger::Level)?;
    register::<H, _>(
        &mut sel,
        &idle_server,
        2,
        Interest::READABLE,
        Trigger::Level,
    )?;
    ensure!(
        select::<H>(&mut sel, Duration::ZERO)?.n == 0,
        "nothing is reported before data is sent"
    );
    send_all(h, &mut client, b"data")?;
    let found = select::<H>(&mut sel, h.patience())?;
    ensure!(
        found.only(1),
        "the stream with data is reported under its token, the idle one not"
    );
    ensure!(
        found.first().ready().is_readable(),
        "it is reported readable"
    );
    ensure!(
        select::<H>(&mut sel, Duration::ZERO)?.only(1),
        "level-triggered: reported again while the data is unread"
    );
    let mut buf = [0u8; 4];
    recv_exact(h, &mut server, &mut buf)?;
    ensure!(
        select::<H>(&mut sel, Duration::ZERO)?.n == 0,
        "once the data is read nothing is reported"
    );
    Ok(())
}

pub(super) fn a_selector_reports_end_of_stream_as_readable<H: SelectorHarness>(
    h: &mut H,
) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    let mut sel = selector(h)?;
    register::<H, _>(&mut sel, &server, 3, Interest::READABLE, Trigger::Level)?;
    must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
    let found = select::<H>(&mut sel, h.patience())?;
    ensure!(found.only(3), "end of stream is reported");
    ensure!(
        found.first().ready().is_readable(),
        "end of stream is readable"
    );
    ensure!(
        !found.first().ready().is_hangup(),
        "a half-close is not a hangup"
    );
    let mut buf = [0u8; 4];
    ensure!(
        must!(server.read(&mut buf), "read at end of stream") == 0,
        "and read returns Ok(0)"
    );
    Ok(())
}

pub(super) fn a_selector_reports_a_pending_connection_as_readable<H: SelectorHarness>(
    h: &mut H,
) -> Outcome {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    let mut sel = selector(h)?;
    register::<H, _>(&mut sel, &listener, 0, Interest::READABLE, Trigger::Level)?;
    ensure!(
        select::<H>(&mut sel, A_MOMENT)?.n == 0,
        "a listener with nobody waiting is not reported"
    );
    let target = must!(listener.local_addr(), "local_addr");
    let _client = must!(h.stack().connect(&target), "connect");
    let found = select::<H>(&mut sel, h.patience())?;
    ensure!(found.only(0), "a pending connection is reported");
    ensure!(
        found.first().ready().is_readable(),
        "a pending connection makes a listener readable"
    );
    must!(listener.accept(), "accept the pending connection");
    ensure!(
        select::<H>(&mut sel, Duration::ZERO)?.n == 0,
        "once the queue is empty the listener is not reported"
    );
    Ok(())
}

pub(super) fn a_selector_reports_writable_when_buffer_space_frees<H: SelectorHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::Stream)?;
    let mut sel = selector(h)?;
    register::<H, _>(&mut sel, &a, 5, Interest::WRITABLE, Trigger::Level)?;
    let found = select::<H>(&mut sel, h.patience())?;
    ensure!(
        found.only(5) && found.first().ready().is_writable(),
        "a fresh stream is writable"
    );
    let mut sent = fill::<H>(&mut a)?;
    ensure!(
        select::<H>(&mut sel, Duration::ZERO)?.n == 0,
        "a full stream is not reported writable"
    );
    // Edge-triggered from here: the room the reader frees is one change, reported once.
    must!(
        sel.modify(a.handle(), Token(6), Interest::WRITABLE, Trigger::Edge),
        "modify"
    );
    let mut buf = [0u8; 1024];
    while sent > 0 {
        let n = recv_some(h, &mut b, &mut buf)?;
        ensure!(n > 0, "end of stream before the data was read");
        sent -= n;
    }
    let found = select::<H>(&mut sel, h.patience())?;
    ensure!(
        found.only(6) && found.first().ready().is_writable(),
        "writable again once the reader has taken the data"
    );
    ensure!(
        select::<H>(&mut sel, A_MOMENT)?.n == 0,
        "edge-triggered: the room freed is reported once"
    );
    Ok(())
}

pub(super) fn a_selector_reports_errors_and_hangups_whatever_the_interest<H: SelectorHarness>(
    h: &mut H,
) -> Outcome {
    // A Unix stream whose peer closed is hung up; no interest is needed to hear of it.
    let (a, b) = stream_socketpair(h, Type::Stream)?;
    let mut sel = selector(h)?;
    register::<H, _>(&mut sel, &a, 4, Interest::NONE, Trigger::Level)?;
    ensure!(
        select::<H>(&mut sel, Duration::ZERO)?.n == 0,
        "a healthy stream registered for nothing is not reported"
    );
    drop(b);
    let found = select::<H>(&mut sel, h.patience())?;
    ensure!(
        found.only(4) && found.first().ready().is_hangup(),
        "the hangup is reported with no interest at all"
    );

    // TCP: the closed peer answers the first write with a reset, an error to collect.
    let (mut client, server) = tcp_pair(h)?;
    drop(server);
    let mut buf = [0u8; 4];
    ensure!(
        recv_some(h, &mut client, &mut buf)? == 0,
        "a closed peer reads as end of stream"
    );
    must!(
        client.write(b"first"),
        "the first write after the peer's FIN is accepted"
    );
    let mut sel = selector(h)?;
    register::<H, _>(&mut sel, &client, 8, Interest::NONE, Trigger::Level)?;
    let found = select::<H>(&mut sel, h.patience())?;
    let ready = found.first().ready();
    ensure!(
        found.only(8) && (ready.is_error() || ready.is_hangup()),
        "after the reset an error or hangup is reported with no interest at all"
    );
    Ok(())
}

pub(super) fn an_edge_triggered_socket_is_reported_once_per_change<H: SelectorHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::Stream)?;
    must!(b.set_nonblocking(true), "set_nonblocking");
    let mut sel = selector(h)?;
    register::<H, _>(&mut sel, &b, 1, Interest::READABLE, Trigger::Edge)?;
    send_all(h, &mut a, b"one")?;
    ensure!(
        select::<H>(&mut sel, h.patience())?.only(1),
        "the arrival of data is reported"
    );
    ensure!(
        select::<H>(&mut sel, A_MOMENT)?.n == 0,
        "once, though the data is unread"
    );
    send_all(h, &mut a, b"two")?;
    ensure!(
        select::<H>(&mut sel, h.patience())?.only(1),
        "more data is a new change, reported though the socket was readable all along"
    );
    let mut buf = [0u8; 6];
    recv_exact(h, &mut b, &mut buf)?;
    ensure!(&buf == b"onetwo", "the data read is the data sent");
    fails!(
        b.read(&mut buf),
        ErrorKind::WouldBlock,
        "read until it would block"
    );
    ensure!(
        select::<H>(&mut sel, A_MOMENT)?.n == 0,
        "reading is no change to report"
    );

    // `modify` re-arms: data already there is reported by the next wait.
    send_all(h, &mut a, b"three")?;
    wait(h, &b, Interest::READABLE)?;
    ensure!(
        select::<H>(&mut sel, h.patience())?.only(1),
        "the new data is reported"
    );
    must!(
        sel.modify(b.handle(), Token(2), Interest::READABLE, Trigger::Edge),
        "modify"
    );
    ensure!(
        select::<H>(&mut sel, Duration::ZERO)?.only(2),
        "modify re-arms an edge-triggered socket that is ready"
    );
    ensure!(
        select::<H>(&mut sel, A_MOMENT)?.n == 0,
        "and it is reported once"
    );
    // Level-triggered, by contrast, reports unread data on every wait.
    must!(
        sel.modify(b.handle(), Token(3), Interest::READABLE, Trigger::Level),
        "modify"
    );
    for _ in 0..3 {
        ensure!(
            select::<H>(&mut sel, Duration::ZERO)?.only(3),
            "level-triggered: reported on every wait"
        );
    }
    Ok(())
}

pub(super) fn deregistered_and_closed_sockets_report_nothing<H: SelectorHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, b) = tcp_pair(h)?;
    let (mut c, d) = tcp_pair(h)?;
    let mut sel = selector(h)?;
    register::<H, _>(&mut sel, &b, 1, Interest::READABLE, Trigger::Level)?;
    register::<H, _>(&mut sel, &d, 2, Interest::READABLE, Trigger::Edge)?;
    send_all(h, &mut a, b"x")?;
    send_all(h, &mut c, b"y")?;
    wait(h, &b, Interest::READABLE)?;
    wait(h, &d, Interest::READABLE)?;
    must!(sel.deregister(b.handle()), "deregister");
    drop(d);
    ensure!(
        select::<H>(&mut sel, A_MOMENT)?.n == 0,
        "pending readiness goes with the deregistered and the closed socket"
    );

    // Mistakes are errors, not surprises.
    fails!(
        sel.deregister(b.handle()),
        ErrorKind::NotFound,
        "deregistering a socket not registered must be NotFound"
    );
    fails!(
        sel.modify(b.handle(), Token(1), Interest::READABLE, Trigger::Level),
        ErrorKind::NotFound,
        "modifying a socket not registered must be NotFound"
    );
    register::<H, _>(&mut sel, &b, 1, Interest::READABLE, Trigger::Level)?;
    fails!(
        sel.register(b.handle(), Token(1), Interest::READABLE, Trigger::Level),
        ErrorKind::InvalidInput,
        "registering a socket twice must be InvalidInput"
    );
    fails!(
        sel.wait(&mut [], Some(A_MOMENT)),
        ErrorKind::InvalidInput,
        "a wait with no room for events must be InvalidInput"
    );
    ensure!(
        select::<H>(&mut sel, Duration::ZERO)?.only(1),
        "registered again, the socket with data is reported"
    );
    Ok(())
}

pub(super) fn a_small_events_buffer_gets_every_ready_socket_in_turn<H: SelectorHarness>(
    h: &mut H,
) -> Outcome {
    let (mut sender, first) = udp_pair(h)?;
    let (second, third) = udp_pair(h)?;
    let mut sel = selector(h)?;
    for (token, socket) in [(10, &first), (11, &second), (12, &third)] {
        register::<H, _>(&mut sel, socket, token, Interest::READABLE, Trigger::Level)?;
        let to = must!(socket.local_addr(), "local_addr");
        must!(sender.send_to(b"turn", &to), "send_to");
        wait(h, socket, Interest::READABLE)?;
    }
    let mut seen = [false; 3];
    for _ in 0..3 {
        let mut one = [Event::EMPTY; 1];
        let n = must!(sel.wait(&mut one, Some(h.patience())), "wait");
        ensure!(n == 1, "a buffer of one holds one event");
        let token = one[0].token().0;
        ensure!(
            (10..13).contains(&token),
            "only registered tokens are reported"
        );
        let slot = &mut seen[(token - 10) as usize];
        ensure!(
            !*slot,
            "each ready socket gets its turn before one comes again"
        );
        *slot = true;
    }
    Ok(())
}

pub(super) fn a_selector_wait_with_nothing_ready_times_out_with_zero<H: SelectorHarness>(
    h: &mut H,
) -> Outcome {
    let mut sel = selector(h)?;
    ensure!(
        select::<H>(&mut sel, A_MOMENT)?.n == 0,
        "a wait on an empty selector returns 0 at its timeout"
    );
    let (a, _b) = udp_pair(h)?;
    register::<H, _>(&mut sel, &a, 1, Interest::READABLE, Trigger::Level)?;
    ensure!(
        select::<H>(&mut sel, A_MOMENT)?.n == 0,
        "a wait with nothing ready returns 0 at its timeout"
    );
    ensure!(
        select::<H>(&mut sel, Duration::ZERO)?.n == 0,
        "a wait of zero only looks"
    );
    Ok(())
}

pub(super) fn selector_mistakes_are_errors<H: SelectorHarness>(h: &mut H) -> Outcome {
    let (_a, b) = tcp_pair(h)?;
    let mut sel = selector(h)?;
    fails!(
        sel.deregister(b.handle()),
        ErrorKind::NotFound,
        "deregistering a socket never registered"
    );
    fails!(
        sel.modify(b.handle(), Token(1), Interest::READABLE, Trigger::Level),
        ErrorKind::NotFound,
        "modifying a socket never registered"
    );
    register::<H, _>(&mut sel, &b, 1, Interest::READABLE, Trigger::Level)?;
    fails!(
        sel.register(b.handle(), Token(1), Interest::READABLE, Trigger::Level),
        ErrorKind::InvalidInput,
        "registering a socket twice"
    );
    fails!(
        sel.wait(&mut [], Some(A_MOMENT)),
        ErrorKind::InvalidInput,
        "waiting with no room for events"
    );
    Ok(())
}
