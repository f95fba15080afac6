//! The seeded generator: sequences of calls that mostly make sense (a server binds, listens
//! and accepts; a client connects and talks) with a share of what users get wrong (wrong
//! domains, used ports, closed peers, calls on the wrong kind of socket), so both the paths
//! of working programs and those of broken ones are compared.
//!
//! The generator keeps a rough model of each slot (what it would hold if every call
//! succeeded) to choose calls that fit; it never needs to be right, only plausible.

mod args;
mod calls;
mod rng;

use anysock_core::{Domain, Type};

use crate::call::{Call, Slot, POOL};
use crate::target::Caps;

pub use rng::Rng;

/// What the generator believes a slot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    Fresh,
    Bound,
    Listening,
    Connected,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Model {
    pub(super) domain: Domain,
    pub(super) ty: Type,
    pub(super) stage: Stage,
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

pub(super) const SEND_LENS: [(u32, u8); 6] =
    [(10, 0), (10, 1), (20, 3), (25, 8), (20, 16), (15, 64)];
pub(super) const RECV_LENS: [(u32, u8); 5] = [(8, 0), (10, 1), (20, 4), (30, 16), (32, 64)];

impl Gen {
    pub(super) fn live(&self) -> Vec<Slot> {
        (0..POOL as u8)
            .filter(|&s| self.slots[usize::from(s)].is_some())
            .collect()
    }

    pub(super) fn free(&mut self) -> Slot {
        let free: Vec<Slot> = (0..POOL as u8)
            .filter(|&s| self.slots[usize::from(s)].is_none())
            .collect();
        if free.is_empty() {
            self.rng.below(POOL) as u8
        } else {
            self.rng.pick(&free)
        }
    }

    pub(super) fn any_slot(&mut self) -> Slot {
        self.rng.below(POOL) as u8
    }

    pub(super) fn other(&mut self, s: Slot, stage: Option<Stage>) -> Slot {
        let live = self.live();
        let fits: Vec<Slot> = live
            .iter()
            .copied()
            .filter(|&o| o != s && stage.is_none_or(|st| self.model(o).stage == st))
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

    pub(super) fn model(&self, s: Slot) -> Model {
        self.slots[usize::from(s)].unwrap_or(Model {
            domain: self.family.0,
            ty: self.family.1,
            stage: Stage::Fresh,
        })
    }

    pub(super) fn set_stage(&mut self, s: Slot, stage: Stage) {
        if let Some(m) = &mut self.slots[usize::from(s)] {
            m.stage = stage;
        }
    }

    pub(super) fn next_call(&mut self) -> Call {
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

    pub(super) fn create(&mut self) -> Call {
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

    pub(super) fn update(&mut self, call: &Call) {
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
}
