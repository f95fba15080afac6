//! Running a sequence on one stack: a pool of sockets, each call made on what its slot holds,
//! and every outcome normalised.
//!
//! Nothing may hang: every socket gets a short `SO_RCVTIMEO`/`SO_SNDTIMEO` ([`BOUND`]) as it
//! is made or accepted, and `poll` only looks. A call that would wait for ever on Linux thus
//! ends, on the kernel and on a simulation alike, the way an expired timeout ends it.

mod io;
mod opts;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use anysock_core::opt::{RecvTimeout, SendTimeout};
use anysock_core::{
    Domain, Endpoint, Listener, PollFd, Pollable, Result, SockOpt, Socket, SocketAddr, Stack, Type,
    UnixAddr,
};

use crate::call::{Addr, Call, Port, Slot, POOL};
use crate::outcome::{Names, Outcome};
use crate::target::Target;

/// The send and receive timeout every socket of a sequence gets, so that a call Linux would
/// block in ends (with `WouldBlock`, or `InProgress` for `connect`) instead of hanging.
pub const BOUND: Duration = Duration::from_millis(1);

/// One call's result on one stack, with the socket it acted on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What the call gave.
    pub outcome: Outcome,
    /// The domain and type of the socket it acted on, when there was one.
    pub sock: Option<(Domain, Type)>,
}

/// What a slot of the pool holds.
enum Held<S: Stack> {
    Empty,
    Socket(S::Socket),
    Listener(S::Listener),
    Stream(S::Stream),
    Datagram(S::Datagram),
}

impl<S: Stack> Held<S> {
    fn local_addr(&self) -> Option<SocketAddr> {
        match self {
            Held::Empty => None,
            Held::Socket(s) => s.local_addr().ok(),
            Held::Listener(s) => s.local_addr().ok(),
            Held::Stream(s) => s.local_addr().ok(),
            Held::Datagram(s) => s.local_addr().ok(),
        }
    }

    fn handle(&self) -> Option<S::Handle> {
        match self {
            Held::Empty => None,
            Held::Socket(s) => Some(s.handle()),
            Held::Listener(s) => Some(s.handle()),
            Held::Stream(s) => Some(s.handle()),
            Held::Datagram(s) => Some(s.handle()),
        }
    }
}

/// Runs `calls` on `target`, one [`Step`] per call. A call that panics is recorded as
/// [`Outcome::Panicked`] and ends the run (the calls after it are [`Outcome::Abandoned`]).
pub fn execute<T: Target>(target: &mut T, calls: &[Call]) -> Vec<Step> {
    let mut steps = Vec::with_capacity(calls.len());
    let mut run = Run::new(target);
    let mut abandoned = false;
    for (i, call) in calls.iter().enumerate() {
        let sock = match *call {
            Call::Socket { domain, ty, .. } => Some((domain, ty)),
            Call::Pair { ty, .. } => Some((Domain::Unix, ty)),
            _ => call.slot().and_then(|s| run.kinds[usize::from(s)]),
        };
        let outcome = if abandoned {
            Outcome::Abandoned
        } else {
            match catch_unwind(AssertUnwindSafe(|| run.call(i, call))) {
                Ok(outcome) => outcome,
                Err(panic) => {
                    abandoned = true;
                    Outcome::Panicked(panic_message(&*panic))
                }
            }
        };
        steps.push(Step { outcome, sock });
    }
    // Closing what is left may fail the same way a call did; it must not end the campaign.
    let _ = catch_unwind(AssertUnwindSafe(move || drop(run)));
    steps
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// The outcome of a call that returns nothing.
fn done(result: Result<()>) -> Outcome {
    match result {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::Err(e.kind()),
    }
}

/// A sequence under way on one stack.
struct Run<'t, T: Target> {
    target: &'t mut T,
    slots: [Held<T::Stack>; POOL],
    /// The domain and type of each slot's socket.
    kinds: [Option<(Domain, Type)>; POOL],
    /// The local address each slot's last socket had when it was closed.
    gone: [Option<SocketAddr>; POOL],
    names: Names,
    /// The names handed out for `Port::Fresh(k)`, `Addr::Path(k)`, `Addr::Abstract(k)`, ...
    ports: Vec<(u8, u16)>,
    unix: Vec<(Addr, UnixAddr)>,
}

impl<'t, T: Target> Run<'t, T> {
    fn new(target: &'t mut T) -> Self {
        Run {
            target,
            slots: [Held::Empty, Held::Empty, Held::Empty, Held::Empty],
            kinds: [None; POOL],
            gone: [None; POOL],
            names: Names::default(),
            ports: Vec::new(),
            unix: Vec::new(),
        }
    }

    fn stack(&self) -> &T::Stack {
        self.target.stack()
    }

    fn call(&mut self, step: usize, call: &Call) -> Outcome {
        match *call {
            Call::Socket { slot, domain, ty } => match self.stack().socket(domain, ty) {
                Ok(s) => self.put(slot, Held::Socket(bounded(s)), Some((domain, ty))),
                Err(e) => Outcome::Err(e.kind()),
            },
            Call::Pair { a, b, ty } => {
                if a == b {
                    return Outcome::NotMade;
                }
                match self.stack().socketpair(ty) {
                    Ok((x, y)) => {
                        self.put(a, Held::Socket(bounded(x)), Some((Domain::Unix, ty)));
                        self.put(b, Held::Socket(bounded(y)), Some((Domain::Unix, ty)))
                    }
                    Err(e) => Outcome::Err(e.kind()),
                }
            }
            Call::Bind { slot, addr } => {
                let Some(addr) = self.resolve(addr) else {
                    return Outcome::NotMade;
                };
                match &mut self.slots[usize::from(slot)] {
                    Held::Socket(s) => done(s.bind(&addr)),
                    _ => Outcome::NotMade,
                }
            }
            Call::Listen { slot, backlog } => {
                let i = usize::from(slot);
                match core::mem::replace(&mut self.slots[i], Held::Empty) {
                    Held::Socket(s) => match s.listen(u32::from(backlog)) {
                        Ok(l) => {
                            self.slots[i] = Held::Listener(l);
                            Outcome::Done
                        }
                        // `listen` took the socket, and closed it.
                        Err(e) => Outcome::Err(e.kind()),
                    },
                    other => {
                        self.slots[i] = other;
                        Outcome::NotMade
                    }
                }
            }
            Call::Connect { slot, addr } => {
                let Some(addr) = self.resolve_peer(addr) else {
                    return Outcome::NotMade;
                };
                match &mut self.slots[usize::from(slot)] {
                    Held::Socket(s) => done(s.connect(&addr)),
                    Held::Datagram(d) => done(anysock_core::Datagram::connect(d, &addr)),
                    _ => Outcome::NotMade,
                }
            }
            Call::Accept { slot, into } => {
                let kind = self.kinds[usize::from(slot)];
                let Held::Listener(l) = &mut self.slots[usize::from(slot)] else {
                    return Outcome::NotMade;
                };
                match l.accept() {
                    Ok((s, peer)) => {
                        let peer = self.names.label(&peer);
                        self.put(into, Held::Stream(bounded(s)), kind);
                        Outcome::Accepted(peer)
                    }
                    Err(e) => Outcome::Err(e.kind()),
                }
            }
            Call::Close { slot } => match self.slots[usize::from(slot)] {
                Held::Empty => Outcome::NotMade,
                _ => self.put(slot, Held::Empty, None),
            },
            Call::Nonblocking { slot, on } => match &mut self.slots[usize::from(slot)] {
                Held::Empty => Outcome::NotMade,
                Held::Socket(s) => done(s.set_nonblocking(on)),
                Held::Listener(s) => done(s.set_nonblocking(on)),
                Held::Stream(s) => done(s.set_nonblocking(on)),
                Held::Datagram(s) => done(s.set_nonblocking(on)),
            },
            Call::LocalAddr { slot } => match self.slots[usize::from(slot)].local_addr() {
                _ if matches!(self.slots[usize::from(slot)], Held::Empty) => Outcome::NotMade,
                Some(a) => Outcome::Addr(self.names.label(&a)),
                None => self.local_addr_error(slot),
            },
            Call::Poll { mask, interest } => self.poll(mask, interest),
            Call::Set { slot, opt } => opts::set(&mut self.slots[usize::from(slot)], opt),
            Call::Get { slot, opt } => opts::get(&self.slots[usize::from(slot)], opt),
            _ => self.io(step, call),
        }
    }

    /// `getsockname` failed: which error.
    fn local_addr_error(&self, slot: Slot) -> Outcome {
        let err = match &self.slots[usize::from(slot)] {
            Held::Empty => return Outcome::NotMade,
            Held::Socket(s) => s.local_addr().err(),
            Held::Listener(s) => s.local_addr().err(),
            Held::Stream(s) => s.local_addr().err(),
            Held::Datagram(s) => s.local_addr().err(),
        };
        err.map_or(Outcome::NotMade, |e| Outcome::Err(e.kind()))
    }

    /// Puts `held` into `slot`, closing what was there after (as `s = socket(..)` in Rust
    /// drops the old value once the new one exists).
    fn put(&mut self, slot: Slot, held: Held<T::Stack>, kind: Option<(Domain, Type)>) -> Outcome {
        let i = usize::from(slot);
        if let Some(addr) = self.slots[i].local_addr() {
            self.gone[i] = Some(addr);
        }
        let old = core::mem::replace(&mut self.slots[i], held);
        self.kinds[i] = kind;
        drop(old);
        Outcome::Done
    }

    /// `poll` of the live sockets among `mask`, without waiting.
    fn poll(&mut self, mask: u8, interest: anysock_core::Interest) -> Outcome {
        let mut fds = Vec::new();
        let mut slots = Vec::new();
        for s in 0..POOL as u8 {
            if mask & (1 << s) == 0 {
                continue;
            }
            if let Some(h) = self.slots[usize::from(s)].handle() {
                fds.push(PollFd::new(h, interest));
                slots.push(s);
            }
        }
        if fds.is_empty() {
            return Outcome::NotMade;
        }
        match self.stack().poll(&mut fds, Some(Duration::ZERO)) {
            Ok(_) => Outcome::Ready(
                slots
                    .into_iter()
                    .zip(&fds)
                    .map(|(s, fd)| (s, fd.ready().bits()))
                    .collect(),
            ),
            Err(e) => Outcome::Err(e.kind()),
        }
    }

    /// The address of slot `s`'s socket, or the one it had when closed.
    fn addr_of(&self, s: Slot) -> Option<SocketAddr> {
        self.slots[usize::from(s)]
            .local_addr()
            .or(self.gone[usize::from(s)])
    }

    fn port(&mut self, port: Port) -> Option<u16> {
        match port {
            Port::Zero => Some(0),
            Port::Of(s) => self.addr_of(s)?.port(),
            Port::Fresh(k) => {
                if let Some(&(_, p)) = self.ports.iter().find(|(key, _)| *key == k) {
                    return Some(p);
                }
                let p = self.target.fresh_port();
                self.ports.push((k, p));
                self.names.port(p, format!("port#{k}"));
                Some(p)
            }
        }
    }

    /// A Unix name the sequence asked for, the same one each time it asks.
    fn unix(&mut self, addr: Addr) -> SocketAddr {
        if let Some(&(_, u)) = self.unix.iter().find(|(a, _)| *a == addr) {
            return SocketAddr::Unix(u);
        }
        let u = match addr {
            Addr::Path(_) => self.target.fresh_path(false),
            Addr::LongPath(_) => self.target.fresh_path(true),
            Addr::MissingDir => self.target.missing_dir(),
            _ => self.target.fresh_abstract(),
        };
        self.unix.push((addr, u));
        let name = SocketAddr::Unix(u);
        self.names.unix(&name, format!("{addr}"));
        name
    }

    /// The address `addr` stands for on this stack, if it exists.
    fn resolve(&mut self, addr: Addr) -> Option<SocketAddr> {
        use core::net::{Ipv4Addr, Ipv6Addr};
        let v4 = |ip: Ipv4Addr, port| SocketAddr::from((ip, port));
        let v6 = |ip: Ipv6Addr, port| SocketAddr::from((ip, port));
        Some(match addr {
            Addr::Loopback { v6: false, port } => v4(Ipv4Addr::LOCALHOST, self.port(port)?),
            Addr::Loopback { v6: true, port } => v6(Ipv6Addr::LOCALHOST, self.port(port)?),
            Addr::Mapped(port) => v6(Ipv4Addr::LOCALHOST.to_ipv6_mapped(), self.port(port)?),
            Addr::Any { v6: false } => v4(Ipv4Addr::UNSPECIFIED, 0),
            Addr::Any { v6: true } => v6(Ipv6Addr::UNSPECIFIED, 0),
            Addr::Foreign { v6: false } => v4(Ipv4Addr::new(192, 0, 2, 1), 0),
            Addr::Foreign { v6: true } => v6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 0),
            Addr::Unnamed => SocketAddr::Unix(UnixAddr::unnamed()),
            Addr::Path(_) | Addr::LongPath(_) | Addr::MissingDir | Addr::Abstract(_) => {
                self.unix(addr)
            }
            Addr::Of(s) => self.addr_of(s)?,
        })
    }

    /// As [`Run::resolve`], for an address something is sent to: never one that could leave
    /// the host.
    fn resolve_peer(&mut self, addr: Addr) -> Option<SocketAddr> {
        if addr.is_foreign() {
            return None;
        }
        let resolved = self.resolve(addr)?;
        let local = |ip: core::net::IpAddr| {
            ip.is_loopback()
                || ip.is_unspecified()
                || matches!(ip, core::net::IpAddr::V6(v6)
                    if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback() || v4.is_unspecified()))
        };
        match resolved.as_inet() {
            Some(inet) if !local(inet.ip()) => None,
            _ => Some(resolved),
        }
    }
}

/// A socket with [`BOUND`] as its send and receive timeout.
fn bounded<X: SockOpt<RecvTimeout> + SockOpt<SendTimeout>>(mut s: X) -> X {
    // Both stacks take these timeouts on every kind of socket; were one to refuse, the calls
    // that then wait would show it.
    let _ = s.set(RecvTimeout, Some(BOUND));
    let _ = s.set(SendTimeout, Some(BOUND));
    s
}
