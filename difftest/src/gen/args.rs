//! The arguments of calls: addresses (right, used, foreign, of another domain), flags (and
//! ones that do not belong), option values.

use anysock_core::{Domain, MsgFlags};

use super::{Gen, Model, Stage};
use crate::call::{Addr, GetOpt, Port, SetOpt, Slot};

impl Gen {
    pub(super) fn bind_addr(&mut self, domain: Domain, s: Slot) -> Addr {
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

    pub(super) fn peer_addr(&mut self, m: Model, s: Slot) -> Addr {
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

    pub(super) fn wild_addr(&mut self) -> Addr {
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

    pub(super) fn send_flags(&mut self) -> MsgFlags {
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

    pub(super) fn recv_flags(&mut self) -> MsgFlags {
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

    pub(super) fn set_opt(&mut self) -> SetOpt {
        let b = self.rng.chance(75);
        let ttl = self.rng.pick(&[1, 64, 0, 256]);
        // Below every kernel's rmem_max (212992 before Linux raised it to 4 MiB): what a size
        // is capped at depends on the host's sysctl, not on the stack.
        let size = self.rng.pick(&[0, 1, 4096, 100_000]);
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

    pub(super) fn get_opt(&mut self, stage: Stage) -> GetOpt {
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
}
