//! The seeded generator: sequences of calls that mostly make sense (a server binds, listens
//! and accepts; a client connects and talks) with a share of what users get wrong (wrong
//! domains, used ports, closed peers, calls on the wrong kind of socket), so both the paths
//! of working programs and those of broken ones are compared.
//!
//! The generator keeps a rough model of each slot (what it would hold if every call
//! succeeded) to choose calls that fit; it never needs to be right, only plausible.

use anysock_core::{Domain, Interest, MsgFlags, Shutdown, Type};

use crate::call::{Addr, Call, GetOpt, Port, SetOpt, Slot, POOL};
use crate::target::Caps;

/// splitmix64: small, fast, and the same sequence from the same seed everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator started at `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (not empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// One of `items`, each as likely as its weight.
    pub fn weighted<T: Copy>(&mut self, items: &[(u32, T)]) -> T {
        let total: u32 = items.iter().map(|(w, _)| w).sum();
        let mut r = self.below(total as usize) as u32;
        for &(w, item) in items {
            if r < w {
                return item;
            }
            r -= w;
        }
        items[items.len() - 1].1
    }
}

/// What the generator believes a slot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Fresh,
    Bound,
    Listening,
    Connected,
}

#[derive(Clone, Copy, Debug)]
struct Model {
    domain: Domain,
    ty: Type,
    stage: Stage,
}

/// The generator of one sequence.
struct Gen {
    rng: Rng,
    caps: Caps,
    /// The domain and type most of the sequence's sockets have.
    family: (Domain, Type),
    slots: [Option<Model>; POOL],
}

/// The calls of the sequence of `seed`, using only what `caps` allows.
pub fn generate(seed: u64, caps: Caps) -> Vec<Call> {
    let mut rng = Rng::new(seed);
    let mut families = vec![
        (Domain::Inet, Type::Stream),
        (Domain::Inet, Type::Datagram),
        (Domain::Unix, Type::Stream),
        (Domain::Unix, Type::Datagram),
        (Domain::Unix, Type::SeqPacket),
    ];
    if caps.ipv6 {
        families.push((Domain::Inet6, Type::Stream));
        families.push((Domain::Inet6, Type::Datagram));
    }
    let family = rng.pick(&families);
    let len = 3 + rng.below(22);
    let mut g = Gen {
        rng,
        caps,
        family,
        slots: [None; POOL],
    };
    (0..len).map(|_| g.next_call()).collect()
}

const SEND_LENS: [(u32, u8); 6] = [(10, 0), (10, 1), (20, 3), (25, 8), (20, 16), (15, 64)];
const RECV_LENS: [(u32, u8); 5] = [(8, 0), (10, 1), (20, 4), (30, 16), (32, 64)];

impl Gen {
    fn live(&self) -> Vec<Slot> {
        (0..POOL as u8)
            .filter(|&s| self.slots[usize::from(s)].is_some())
            .collect()
    }

    fn free(&mut self) -> Slot {
        let free: Vec<Slot> = (0..POOL as u8)
            .filter(|&s| self.slots[usize::from(s)].is_none())
            .collect();
        if free.is_empty() {
            self.rng.below(POOL) as u8
        } else {
            self.rng.pick(&free)
        }
    }

    fn any_slot(&mut self) -> Slot {
        self.rng.below(POOL) as u8
    }

    /// A slot other than `s` in `stage`, else any other live one, else any.
    fn other(&mut self, s: Slot, stage: Option<Stage>) -> Slot {
        let live = self.live();
        let fits: Vec<Slot> = live
            .iter()
            .copied()
            .filter(|&o| o != s && stage.map_or(true, |st| self.model(o).stage == st))
            .collect();
        if !fits.is_empty() {
            return self.rng.pick(&fits);
        }
        let others: Vec<Slot> = live.into_iter().filter(|&o| o != s).collect();
        if others.is_empty() {
            self.any_slot()
        } else {
            self.rng.pick(&others)
        }
    }

    fn model(&self, s: Slot) -> Model {
        self.slots[usize::from(s)].unwrap_or(Model {
            domain: self.family.0,
            ty: self.family.1,
            stage: Stage::Fresh,
        })
    }

    fn set_stage(&mut self, s: Slot, stage: Stage) {
        if let Some(m) = &mut self.slots[usize::from(s)] {
            m.stage = stage;
        }
    }

    fn next_call(&mut self) -> Call {
        if self.rng.chance(6) {
            return self.wild();
        }
        let live = self.live();
        if live.is_empty() || (live.len() < POOL && self.rng.chance(18)) {
            return self.create();
        }
        let s = self.rng.pick(&live);
        let call = self.plausible(s);
        self.update(&call);
        call
    }

    /// A new socket of the sequence's family (now and then of another, or a pair).
    fn create(&mut self) -> Call {
        let (domain, ty) = if self.rng.chance(90) {
            self.family
        } else {
            (
                self.rng.pick(&[Domain::Unix, Domain::Inet, Domain::Inet6]),
                self.rng
                    .pick(&[Type::Stream, Type::Datagram, Type::SeqPacket]),
            )
        };
        let call = if domain == Domain::Unix && self.rng.chance(25) {
            let a = self.free();
            self.slots[usize::from(a)] = Some(Model {
                domain,
                ty,
                stage: Stage::Connected,
            });
            let b = self.free();
            Call::Pair { a, b, ty }
        } else {
            Call::Socket {
                slot: self.free(),
                domain,
                ty,
            }
        };
        self.update(&call);
        call
    }

    /// Follows `call` in the model, as if it succeeded.
    fn update(&mut self, call: &Call) {
        match *call {
            Call::Socket { slot, domain, ty } => {
                self.slots[usize::from(slot)] = Some(Model {
                    domain,
                    ty,
                    stage: Stage::Fresh,
                })
            }
            Call::Pair { a, b, ty } => {
                for s in [a, b] {
                    self.slots[usize::from(s)] = Some(Model {
                        domain: Domain::Unix,
                        ty,
                        stage: Stage::Connected,
                    });
                }
            }
            Call::Bind { slot, .. } => self.set_stage(slot, Stage::Bound),
            Call::Listen { slot, .. } => {
                if self.model(slot).ty.is_connection_oriented() {
                    self.set_stage(slot, Stage::Listening)
                } else {
                    // `listen` on a datagram socket fails, and closes it.
                    self.slots[usize::from(slot)] = None;
                }
            }
            Call::Connect { slot, .. } => self.set_stage(slot, Stage::Connected),
            Call::Accept { slot, into } => {
                let m = self.model(slot);
                self.slots[usize::from(into)] = Some(Model {
                    stage: Stage::Connected,
                    ..m
                });
            }
            Call::Close { slot } => self.slots[usize::from(slot)] = None,
            _ => {}
        }
    }

    /// A call that fits what slot `s` holds.
    fn plausible(&mut self, s: Slot) -> Call {
        #[derive(Clone, Copy)]
        enum Op {
            Bind,
            Listen,
            Connect,
            Accept,
            Send,
            Write,
            Recv,
            Read,
            SendTo,
            RecvFrom,
            SendMsg,
            RecvMsg,
            Shutdown,
            Close,
            Nonblocking,
            Set,
            Get,
            Poll,
            LocalAddr,
            PeerAddr,
        }
        let m = self.model(s);
        let stream = m.ty.is_connection_oriented();
        let ops: &[(u32, Op)] = match (m.stage, stream) {
            (Stage::Fresh | Stage::Bound, true) => &[
                (if m.stage == Stage::Fresh { 25 } else { 3 }, Op::Bind),
                (14, Op::Listen),
                (20, Op::Connect),
                (8, Op::Nonblocking),
                (8, Op::Set),
                (5, Op::Get),
                (3, Op::Shutdown),
                (2, Op::Send),
                (2, Op::Recv),
                (3, Op::Close),
                (4, Op::Poll),
                (3, Op::LocalAddr),
                (2, Op::PeerAddr),
            ],
            (Stage::Listening, _) => &[
                (35, Op::Accept),
                (15, Op::Poll),
                (5, Op::Close),
                (5, Op::Get),
                (8, Op::Nonblocking),
                (3, Op::LocalAddr),
                (2, Op::Send),
            ],
            (Stage::Connected, true) => &[
                (15, Op::Send),
                (8, Op::Write),
                (15, Op::Recv),
                (8, Op::Read),
                (6, Op::SendMsg),
                (6, Op::RecvMsg),
                (8, Op::Shutdown),
                (6, Op::Close),
                (10, Op::Poll),
                (3, Op::PeerAddr),
                (5, Op::Set),
                (4, Op::Get),
                (5, Op::Nonblocking),
                (2, Op::Connect),
            ],
            (_, false) => &[
                (if m.stage == Stage::Fresh { 15 } else { 2 }, Op::Bind),
                (18, Op::SendTo),
                (15, Op::RecvFrom),
                (6, Op::Send),
                (8, Op::Recv),
                (8, Op::SendMsg),
                (8, Op::RecvMsg),
                (7, Op::Connect),
                (4, Op::Close),
                (8, Op::Poll),
                (4, Op::Get),
                (4, Op::Set),
                (5, Op::Nonblocking),
                (2, Op::PeerAddr),
                (1, Op::Listen),
            ],
        };
        match self.rng.weighted(ops) {
            Op::Bind => Call::Bind {
                slot: s,
                addr: self.bind_addr(m.domain, s),
            },
            Op::Listen => Call::Listen {
                slot: s,
                backlog: self.rng.below(4) as u8,
            },
            Op::Connect => Call::Connect {
                slot: s,
                addr: self.peer_addr(m, s),
            },
            Op::Accept => Call::Accept {
                slot: s,
                into: self.free(),
            },
            Op::Send => Call::Send {
                slot: s,
                len: self.rng.weighted(&SEND_LENS),
                flags: self.send_flags(),
            },
            Op::Write => Call::Write {
                slot: s,
                len: self.rng.weighted(&SEND_LENS),
            },
            Op::Recv => Call::Recv {
                slot: s,
                len: self.rng.weighted(&RECV_LENS),
                flags: self.recv_flags(),
            },
            Op::Read => Call::Read {
                slot: s,
                len: self.rng.weighted(&RECV_LENS),
            },
            Op::SendTo => Call::SendTo {
                slot: s,
                len: self.rng.weighted(&SEND_LENS),
                addr: self.peer_addr(m, s),
            },
            Op::RecvFrom => Call::RecvFrom {
                slot: s,
                len: self.rng.weighted(&RECV_LENS),
            },
            Op::SendMsg => Call::SendMsg {
                slot: s,
                lens: [self.rng.weighted(&SEND_LENS), self.rng.weighted(&SEND_LENS)],
                to: (!stream || self.rng.chance(10)).then(|| self.peer_addr(m, s)),
                flags: self.send_flags(),
            },
            Op::RecvMsg => Call::RecvMsg {
                slot: s,
                lens: [self.rng.weighted(&RECV_LENS), self.rng.weighted(&RECV_LENS)],
                flags: self.recv_flags(),
            },
            Op::Shutdown => Call::Shutdown {
                slot: s,
                how: self
                    .rng
                    .pick(&[Shutdown::Read, Shutdown::Write, Shutdown::Both]),
            },
            Op::Close => Call::Close { slot: s },
            Op::Nonblocking => Call::Nonblocking {
                slot: s,
                on: self.rng.chance(80),
            },
            Op::Set => Call::Set {
                slot: s,
                opt: self.set_opt(),
            },
            Op::Get => Call::Get {
                slot: s,
                opt: self.get_opt(m.stage),
            },
            Op::Poll => self.poll(Some(s)),
            Op::LocalAddr => Call::LocalAddr { slot: s },
            Op::PeerAddr => Call::PeerAddr { slot: s },
        }
    }

    /// Somewhere a socket of `domain` binds: mostly right, now and then used, foreign, or of
    /// another domain.
    fn bind_addr(&mut self, domain: Domain, s: Slot) -> Addr {
        if self.rng.chance(4) {
            return self.wild_addr();
        }
        let k = self.rng.below(3) as u8;
        let other = self.other(s, None);
        match domain {
            Domain::Inet | Domain::Inet6 => {
                let v6 = domain == Domain::Inet6;
                let mut choices = vec![
                    (
                        30,
                        Addr::Loopback {
                            v6,
                            port: Port::Zero,
                        },
                    ),
                    (
                        25,
                        Addr::Loopback {
                            v6,
                            port: Port::Fresh(k),
                        },
                    ),
                    (
                        12,
                        Addr::Loopback {
                            v6,
                            port: Port::Of(other),
                        },
                    ),
                    (10, Addr::Any { v6 }),
                    (5, Addr::Foreign { v6 }),
                    (
                        4,
                        Addr::Loopback {
                            v6: !v6,
                            port: Port::Zero,
                        },
                    ),
                ];
                if v6 {
                    choices.push((8, Addr::Mapped(Port::Zero)));
                    choices.push((4, Addr::Mapped(Port::Of(other))));
                }
                self.rng.weighted(&choices)
            }
            Domain::Unix => {
                let mut choices = vec![
                    (30, Addr::Path(k)),
                    (10, Addr::Unnamed),
                    (5, Addr::LongPath(k)),
                    (4, Addr::MissingDir),
                    (8, Addr::Of(other)),
                ];
                if self.caps.abstract_names {
                    choices.push((22, Addr::Abstract(k)));
                }
                self.rng.weighted(&choices)
            }
        }
    }

    /// Somewhere a socket connects or sends to: mostly another socket of the sequence (a
    /// listener, for a stream), now and then nobody, itself, port 0 or the wrong domain.
    fn peer_addr(&mut self, m: Model, s: Slot) -> Addr {
        if self.rng.chance(4) {
            return self.wild_addr();
        }
        let k = self.rng.below(3) as u8;
        let wanted = m.ty.is_connection_oriented().then_some(Stage::Listening);
        let target = self.other(s, wanted);
        let v6 = m.domain == Domain::Inet6;
        let mut choices = vec![(45, Addr::Of(target)), (8, Addr::Of(s))];
        match m.domain {
            Domain::Inet | Domain::Inet6 => {
                choices.extend([
                    (
                        15,
                        Addr::Loopback {
                            v6,
                            port: Port::Fresh(k),
                        },
                    ),
                    (
                        5,
                        Addr::Loopback {
                            v6,
                            port: Port::Zero,
                        },
                    ),
                    (3, Addr::Any { v6 }),
                    (
                        8,
                        Addr::Loopback {
                            v6,
                            port: Port::Of(target),
                        },
                    ),
                ]);
                if v6 {
                    choices.push((6, Addr::Mapped(Port::Of(target))));
                }
            }
            Domain::Unix => {
                choices.extend([
                    (15, Addr::Path(k)),
                    (3, Addr::Unnamed),
                    (3, Addr::MissingDir),
                ]);
                if self.caps.abstract_names {
                    choices.push((8, Addr::Abstract(k)));
                }
            }
        }
        self.rng.weighted(&choices)
    }

    /// Any address at all.
    fn wild_addr(&mut self) -> Addr {
        let k = self.rng.below(3) as u8;
        let other = self.any_slot();
        let v6 = self.caps.ipv6 && self.rng.chance(50);
        let mut choices = vec![
            Addr::Loopback {
                v6,
                port: Port::Zero,
            },
            Addr::Loopback {
                v6,
                port: Port::Fresh(k),
            },
            Addr::Loopback {
                v6,
                port: Port::Of(other),
            },
            Addr::Any { v6 },
            Addr::Foreign { v6 },
            Addr::Path(k),
            Addr::LongPath(k),
            Addr::MissingDir,
            Addr::Unnamed,
            Addr::Of(other),
        ];
        if self.caps.ipv6 {
            choices.push(Addr::Mapped(Port::Of(other)));
        }
        if self.caps.abstract_names {
            choices.push(Addr::Abstract(k));
        }
        self.rng.pick(&choices)
    }

    fn send_flags(&mut self) -> MsgFlags {
        self.rng.weighted(&[
            (70, MsgFlags::NONE),
            (10, MsgFlags::DONTWAIT),
            (5, MsgFlags::EOR),
            (3, MsgFlags::OOB),
            (5, MsgFlags::NOSIGNAL),
            (2, MsgFlags::DONTROUTE),
            // Not a send flag: refused before anything is sent.
            (5, MsgFlags::PEEK),
        ])
    }

    fn recv_flags(&mut self) -> MsgFlags {
        self.rng.weighted(&[
            (55, MsgFlags::NONE),
            (12, MsgFlags::PEEK),
            (12, MsgFlags::DONTWAIT),
            (8, MsgFlags::WAITALL),
            (6, MsgFlags::PEEK | MsgFlags::DONTWAIT),
            (3, MsgFlags::OOB),
            // Not a receive flag: refused.
            (4, MsgFlags::EOR),
        ])
    }

    fn set_opt(&mut self) -> SetOpt {
        let b = self.rng.chance(75);
        let ttl = self.rng.pick(&[1, 64, 0, 256]);
        let size = self.rng.pick(&[0, 1, 4096, 1 << 20]);
        self.rng.weighted(&[
            (20, SetOpt::ReuseAddr(b)),
            (10, SetOpt::ReusePort(b)),
            (5, SetOpt::KeepAlive(b)),
            (15, SetOpt::LingerZero(b)),
            (8, SetOpt::Broadcast(b)),
            (8, SetOpt::NoDelay(b)),
            (8, SetOpt::Ttl(ttl)),
            (6, SetOpt::UnicastHops(ttl)),
            (15, SetOpt::V6Only(b)),
            (5, SetOpt::RecvBufferSize(size)),
        ])
    }

    fn get_opt(&mut self, stage: Stage) -> GetOpt {
        if stage == Stage::Connected && self.rng.chance(40) {
            return GetOpt::SocketError;
        }
        self.rng.pick(&[
            GetOpt::SocketError,
            GetOpt::AcceptConn,
            GetOpt::SocketType,
            GetOpt::ReuseAddr,
            GetOpt::ReusePort,
            GetOpt::KeepAlive,
            GetOpt::Linger,
            GetOpt::Broadcast,
            GetOpt::NoDelay,
            GetOpt::Ttl,
            GetOpt::UnicastHops,
            GetOpt::V6Only,
            GetOpt::RecvBufferSize,
            GetOpt::SendBufferSize,
        ])
    }

    /// `poll` of `s` and some others.
    fn poll(&mut self, s: Option<Slot>) -> Call {
        let mut mask = s.map_or(0, |s| 1 << s);
        for o in self.live() {
            if self.rng.chance(40) {
                mask |= 1 << o;
            }
        }
        if mask == 0 {
            mask = 1 << self.any_slot();
        }
        Call::Poll {
            mask,
            interest: self.rng.weighted(&[
                (35, Interest::READABLE),
                (25, Interest::WRITABLE),
                (40, Interest::BOTH),
            ]),
        }
    }

    /// Any call on any slot, with any arguments: what a confused program does.
    fn wild(&mut self) -> Call {
        let s = self.any_slot();
        let m = self.model(s);
        let call = match self.rng.below(12) {
            0 => Call::Socket {
                slot: s,
                domain: self.rng.pick(&[Domain::Unix, Domain::Inet, Domain::Inet6]),
                ty: self
                    .rng
                    .pick(&[Type::Stream, Type::Datagram, Type::SeqPacket]),
            },
            1 => Call::Bind {
                slot: s,
                addr: self.wild_addr(),
            },
            2 => Call::Connect {
                slot: s,
                addr: self.wild_addr(),
            },
            3 => Call::Listen {
                slot: s,
                backlog: self.rng.below(4) as u8,
            },
            4 => Call::Accept {
                slot: s,
                into: self.any_slot(),
            },
            5 => Call::SendTo {
                slot: s,
                len: self.rng.weighted(&SEND_LENS),
                addr: self.wild_addr(),
            },
            6 => Call::Shutdown {
                slot: s,
                how: self
                    .rng
                    .pick(&[Shutdown::Read, Shutdown::Write, Shutdown::Both]),
            },
            7 => Call::Set {
                slot: s,
                opt: self.set_opt(),
            },
            8 => Call::Get {
                slot: s,
                opt: self.get_opt(m.stage),
            },
            9 => Call::Write {
                slot: s,
                len: self.rng.weighted(&SEND_LENS),
            },
            10 => Call::RecvFrom {
                slot: s,
                len: self.rng.weighted(&RECV_LENS),
            },
            _ => self.poll(None),
        };
        self.update(&call);
        call
    }
}
