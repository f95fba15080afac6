//! The calls that move bytes (and `shutdown`, `getpeername`): made on a stream or a datagram
//! socket, turning a fresh socket of the right type into one first.

use anysock_core::embedded_io::{Read, Write};
use anysock_core::{
    Datagram, IoVec, IoVecMut, MsgFlags, MsgIo, RecvMeta, RecvMsg, Result, SendMsg, Socket, Stream,
    Type,
};

use super::{done, Held, Run};
use crate::call::{Call, Slot};
use crate::outcome::Outcome;
use crate::target::Target;

/// The bytes call `step` sends: letters, different from one call to the next, so a byte that
/// arrives twice, late or from the wrong sender shows.
pub fn payload(step: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|j| b'a' + ((step * 7 + j) % 26) as u8)
        .collect()
}

/// The message flags a received message may report.
const REPORTED: MsgFlags = MsgFlags::TRUNC
    .union(MsgFlags::CTRUNC)
    .union(MsgFlags::EOR)
    .union(MsgFlags::OOB);

/// Which kinds of socket a call works on.
#[derive(Clone, Copy)]
struct Wants {
    stream: bool,
    datagram: bool,
}

const STREAM: Wants = Wants {
    stream: true,
    datagram: false,
};
const DATAGRAM: Wants = Wants {
    stream: false,
    datagram: true,
};
const EITHER: Wants = Wants {
    stream: true,
    datagram: true,
};

impl<T: Target> Run<'_, T> {
    /// Turns a fresh socket in `slot` into the stream or datagram socket the call wants, if
    /// its type is one the call works on. `Err` when the conversion itself failed (the socket
    /// is gone then, as `into_stream` took it).
    fn convert(&mut self, slot: Slot, wants: Wants) -> core::result::Result<(), Outcome> {
        let i = usize::from(slot);
        let Held::Socket(s) = &self.slots[i] else {
            return Ok(());
        };
        let ty = s.socket_type();
        let to_stream = ty.is_connection_oriented() && wants.stream;
        let to_datagram = ty == Type::Datagram && wants.datagram;
        if !to_stream && !to_datagram {
            return Ok(());
        }
        let Held::Socket(s) = core::mem::replace(&mut self.slots[i], Held::Empty) else {
            unreachable!("checked above");
        };
        let converted = if to_stream {
            s.into_stream().map(Held::Stream)
        } else {
            s.into_datagram().map(Held::Datagram)
        };
        match converted {
            Ok(held) => {
                self.slots[i] = held;
                Ok(())
            }
            Err(e) => Err(Outcome::Err(e.kind())),
        }
    }

    /// The calls of this file.
    pub(super) fn io(&mut self, step: usize, call: &Call) -> Outcome {
        let (slot, wants) = match *call {
            Call::Send { slot, .. } | Call::Recv { slot, .. } => (slot, EITHER),
            Call::SendMsg { slot, .. } | Call::RecvMsg { slot, .. } => (slot, EITHER),
            Call::PeerAddr { slot } => (slot, EITHER),
            Call::Write { slot, .. } | Call::Read { slot, .. } => (slot, STREAM),
            Call::Shutdown { slot, .. } => (slot, STREAM),
            Call::SendTo { slot, .. } | Call::RecvFrom { slot, .. } => (slot, DATAGRAM),
            _ => return Outcome::NotMade,
        };
        if let Err(outcome) = self.convert(slot, wants) {
            return outcome;
        }
        // Addresses first: resolving one looks at other slots.
        let to = match *call {
            Call::SendTo { addr, .. } => match self.resolve_peer(addr) {
                Some(a) => Some(a),
                None => return Outcome::NotMade,
            },
            Call::SendMsg { to: Some(addr), .. } => match self.resolve_peer(addr) {
                Some(a) => Some(a),
                None => return Outcome::NotMade,
            },
            _ => None,
        };
        let i = usize::from(slot);
        let outcome = match (&mut self.slots[i], *call) {
            (Held::Stream(s), Call::Send { len, flags, .. }) => {
                sent(s.send(&payload(step, len.into()), flags))
            }
            (Held::Datagram(d), Call::Send { len, flags, .. }) => {
                let data = payload(step, len.into());
                if flags.is_empty() {
                    sent(d.send(&data))
                } else {
                    send_msg(d, &data, 0, None, flags)
                }
            }
            (Held::Stream(s), Call::Write { len, .. }) => sent(s.write(&payload(step, len.into()))),
            (Held::Stream(s), Call::Recv { len, flags, .. }) => {
                let mut buf = vec![0; len.into()];
                bytes(s.recv(&mut buf, flags), buf)
            }
            (Held::Datagram(d), Call::Recv { len, flags, .. }) => {
                if flags.is_empty() {
                    let mut buf = vec![0; len.into()];
                    match d.recv(&mut buf) {
                        Ok(got) => {
                            buf.truncate(got.len);
                            Outcome::Datagram {
                                bytes: buf,
                                truncated: got.truncated,
                                from: None,
                            }
                        }
                        Err(e) => Outcome::Err(e.kind()),
                    }
                } else {
                    return self.recv_msg(slot, [len, 0], flags);
                }
            }
            (Held::Stream(s), Call::Read { len, .. }) => {
                let mut buf = vec![0; len.into()];
                bytes(s.read(&mut buf), buf)
            }
            (Held::Datagram(d), Call::SendTo { len, .. }) => match to {
                Some(to) => sent(d.send_to(&payload(step, len.into()), &to)),
                None => Outcome::NotMade,
            },
            (Held::Datagram(d), Call::RecvFrom { len, .. }) => {
                let mut buf = vec![0; len.into()];
                match d.recv_from(&mut buf) {
                    Ok((got, from)) => {
                        buf.truncate(got.len);
                        Outcome::Datagram {
                            bytes: buf,
                            truncated: got.truncated,
                            from: Some(self.names.label(&from)),
                        }
                    }
                    Err(e) => Outcome::Err(e.kind()),
                }
            }
            (held, Call::SendMsg { lens, flags, .. }) => {
                let data = payload(step, usize::from(lens[0]) + usize::from(lens[1]));
                let split = usize::from(lens[0]);
                match held {
                    Held::Stream(s) => send_msg(s, &data, split, to.as_ref(), flags),
                    Held::Datagram(d) => send_msg(d, &data, split, to.as_ref(), flags),
                    _ => Outcome::NotMade,
                }
            }
            (_, Call::RecvMsg { lens, flags, .. }) => return self.recv_msg(slot, lens, flags),
            (Held::Stream(s), Call::Shutdown { how, .. }) => done(s.shutdown(how)),
            (Held::Stream(s), Call::PeerAddr { .. }) => match s.peer_addr() {
                Ok(a) => Outcome::Addr(self.names.label(&a)),
                Err(e) => Outcome::Err(e.kind()),
            },
            (Held::Datagram(d), Call::PeerAddr { .. }) => match d.peer_addr() {
                Ok(a) => Outcome::Addr(self.names.label(&a)),
                Err(e) => Outcome::Err(e.kind()),
            },
            _ => Outcome::NotMade,
        };
        outcome
    }

    /// `recvmsg` into two buffers of `lens`, on a stream or a datagram socket.
    fn recv_msg(&mut self, slot: Slot, lens: [u8; 2], flags: MsgFlags) -> Outcome {
        let (mut a, mut b) = (vec![0; lens[0].into()], vec![0; lens[1].into()]);
        let got: Result<RecvMeta> = {
            let mut iov = IoVecMut::<2>::new();
            // Two buffers always fit an `IoVecMut<2>`.
            let _ = iov.push(&mut a);
            let _ = iov.push(&mut b);
            let mut msg = RecvMsg::new(iov).flags(flags);
            match &mut self.slots[usize::from(slot)] {
                Held::Stream(s) => s.recv_msg(&mut msg),
                Held::Datagram(d) => d.recv_msg(&mut msg),
                _ => return Outcome::NotMade,
            }
        };
        match got {
            Ok(meta) => {
                let mut bytes = a;
                bytes.extend_from_slice(&b);
                bytes.truncate(meta.len);
                Outcome::Msg {
                    bytes,
                    flags: MsgFlags::from_bits(meta.flags.bits() & REPORTED.bits())
                        .unwrap_or(MsgFlags::NONE),
                    from: meta.addr.map(|a| self.names.label(&a)),
                }
            }
            Err(e) => Outcome::Err(e.kind()),
        }
    }
}

/// `sendmsg` of `data` as two buffers split at `split`.
fn send_msg<M: MsgIo>(
    m: &mut M,
    data: &[u8],
    split: usize,
    to: Option<&anysock_core::SocketAddr>,
    flags: MsgFlags,
) -> Outcome {
    let (a, b) = data.split_at(split);
    let Ok(iov) = IoVec::<2>::from_slices(&[a, b]) else {
        return Outcome::NotMade;
    };
    let mut msg = SendMsg::new(iov).flags(flags);
    if let Some(to) = to {
        msg = msg.to(to);
    }
    sent(m.send_msg(&msg))
}

fn sent(result: Result<usize>) -> Outcome {
    match result {
        Ok(n) => Outcome::Sent(n),
        Err(e) => Outcome::Err(e.kind()),
    }
}

fn bytes(result: Result<usize>, mut buf: Vec<u8>) -> Outcome {
    match result {
        Ok(n) => {
            buf.truncate(n);
            Outcome::Bytes(buf)
        }
        Err(e) => Outcome::Err(e.kind()),
    }
}
