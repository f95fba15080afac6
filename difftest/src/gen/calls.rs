//! Which call comes next: one that fits what a slot holds, or now and then any call at all.

use anysock_core::{Domain, Interest, Shutdown, Type};

use super::{Gen, Stage, RECV_LENS, SEND_LENS};
use crate::call::{Call, Slot};

impl Gen {
    pub(super) fn plausible(&mut self, s: Slot) -> Call {
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

    pub(super) fn poll(&mut self, s: Option<Slot>) -> Call {
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

    pub(super) fn wild(&mut self) -> Call {
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
