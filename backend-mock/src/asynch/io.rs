//! The two futures every async call is made of: [`Io`], a socket call that parks its waker on
//! the socket it waits on, and [`Sleep`], a timer on the virtual clock. Each owns its parked
//! entry: dropped before it completes, it takes the entry back, so cancelling leaves nothing
//! registered.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use anysock_core::{ErrorKind, MsgFlags, RecvMeta, RecvMsg, Result, Wait};

use crate::base::handle::Handle;
use crate::base::wakers::Ticket;
use crate::kernel::ancillary::Ctl;
use crate::kernel::state::State;
use crate::kernel::table::wake::WaitOn;
use crate::net::sharing::Sharing;
use crate::net::Net;
use crate::trace::Tracer;

/// A kernel call, made again at each poll, that completes the first time it does not answer
/// `WouldBlock`. When it would block, the kernel names the socket whose change can let it
/// finish (its own, or the peer whose queue is full) and the future parks there.
///
/// Cancel-safe as the calls are: one that would block has changed nothing, and only the poll
/// that completes moves bytes or takes a connection.
///
/// Polled again while still parked (not woken: a join polls all its futures whenever one
/// of them can go on), it answers `Pending` without making the call: nothing it waits for
/// has changed.
pub(crate) struct Io<
    'n,
    const S: usize,
    const B: usize,
    const Q: usize,
    T: Tracer,
    K: Sharing,
    const H: usize,
    F,
> {
    net: &'n Net<S, B, Q, T, K, H>,
    call: F,
    parked: Option<(WaitOn, Ticket)>,
}

impl<
        'n,
        const S: usize,
        const B: usize,
        const Q: usize,
        T: Tracer,
        K: Sharing,
        const H: usize,
        F,
        R,
    > Io<'n, S, B, Q, T, K, H, F>
where
    F: FnMut(&mut State<S, B, Q, H>) -> Result<R> + Unpin,
{
    pub(crate) fn new(net: &'n Net<S, B, Q, T, K, H>, call: F) -> Self {
        Io {
            net,
            call,
            parked: None,
        }
    }
}

impl<
        const S: usize,
        const B: usize,
        const Q: usize,
        T: Tracer,
        K: Sharing,
        const H: usize,
        F,
        R,
    > Future for Io<'_, S, B, Q, T, K, H, F>
where
    F: FnMut(&mut State<S, B, Q, H>) -> Result<R> + Unpin,
{
    type Output = Result<R>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<R>> {
        let this = self.get_mut();
        let mut st = this.net.state_mut();
        if let Some((at, t)) = this.parked {
            if st.still_parked(at.on, t, cx.waker()) {
                st.last_wait = Some(at.what);
                return Poll::Pending;
            }
            // Woken: the entry is no longer this future's.
            this.parked = None;
        }
        st.waiting = None;
        let answer = (this.call)(&mut st);
        let at = match answer {
            Err(e) if e.kind() == ErrorKind::WouldBlock => st.waiting.take(),
            _ => None,
        };
        let Some(at) = at else {
            // Done (or a would-block with nothing to wait for, such as a full Unix
            // listener's queue, which is the answer).
            return Poll::Ready(answer);
        };
        match st.park(at, cx.waker()) {
            Ok(t) => {
                this.parked = Some((at, t));
                st.last_wait = Some(at.what);
                Poll::Pending
            }
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize, F> Drop
    for Io<'_, S, B, Q, T, K, H, F>
{
    fn drop(&mut self) {
        if let Some((at, t)) = self.parked.take() {
            self.net.state_mut().unpark(at.on, t);
        }
    }
}

/// A kernel receive with ancillary data: socket, buffers, flags, control data out.
type Recv<const S: usize, const B: usize, const Q: usize, const H: usize, G> =
    fn(&mut State<S, B, Q, H>, Handle, &mut [&mut [u8]], MsgFlags, &mut Ctl<'_>) -> Result<G>;

/// `recvmsg` on socket `h` made by `recv` (a stream's or a datagram's receive), waiting as
/// [`Io`] does: `msg`'s control buffer is lent to the call for the ancillary data it takes
/// and given back whatever the answer; `meta` says what was received.
pub(crate) async fn recv_msg<
    const S: usize,
    const B: usize,
    const Q: usize,
    T: Tracer,
    K: Sharing,
    const H: usize,
    const N: usize,
    G,
>(
    net: &Net<S, B, Q, T, K, H>,
    h: Handle,
    msg: &mut RecvMsg<'_, N>,
    recv: Recv<S, B, Q, H, G>,
    meta: impl FnOnce(&G, &Ctl<'_>) -> RecvMeta,
) -> Result<RecvMeta> {
    let control = core::mem::take(&mut msg.control);
    let mut ctl = Ctl::new(&mut *control, false);
    let flags = msg.flags;
    let iov = &mut msg.iov;
    let got = Io::new(net, |st| recv(st, h, iov.as_mut_slices(), flags, &mut ctl)).await;
    let meta = got.map(|got| meta(&got, &ctl));
    msg.control = control;
    meta
}

/// A timer on the network's virtual clock: completes once the clock reads `deadline`. The
/// clock moves only when told to (`Net::advance`) or when a driver finds nothing else to do.
pub(crate) struct Sleep<
    'n,
    const S: usize,
    const B: usize,
    const Q: usize,
    T: Tracer,
    K: Sharing,
    const H: usize,
> {
    net: &'n Net<S, B, Q, T, K, H>,
    deadline: Duration,
    ticket: Option<Ticket>,
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Sleep<'n, S, B, Q, T, K, H>
{
    pub(crate) fn new(net: &'n Net<S, B, Q, T, K, H>, deadline: Duration) -> Self {
        Sleep {
            net,
            deadline,
            ticket: None,
        }
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Future
    for Sleep<'_, S, B, Q, T, K, H>
{
    type Output = Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let this = self.get_mut();
        let mut st = this.net.state_mut();
        if st.clock.now() >= this.deadline {
            if let Some(t) = this.ticket.take() {
                st.sleepers.cancel(t);
            }
            return Poll::Ready(Ok(()));
        }
        match st.sleepers.set(this.deadline, cx.waker(), this.ticket) {
            Ok(t) => {
                this.ticket = Some(t);
                st.last_wait = Some(Wait::Task);
                Poll::Pending
            }
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Drop
    for Sleep<'_, S, B, Q, T, K, H>
{
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            self.net.state_mut().sleepers.cancel(t);
        }
    }
}
