//! `setsockopt` and `getsockopt` on whatever a slot holds, through its kind's options
//! ([`crate::options`]).

use super::Held;
use crate::call::{GetOpt, SetOpt};
use crate::options::{DatagramOpts, ListenerOpts, SocketOpts, StreamOpts};
use crate::outcome::Outcome;
use crate::target::Stacked;

/// `setsockopt` on the socket in a slot.
pub(super) fn set<S: Stacked>(held: &mut Held<S>, opt: SetOpt) -> Outcome {
    match held {
        Held::Empty => Outcome::NotMade,
        Held::Socket(s) => SocketOpts::set_opt(s, opt),
        Held::Listener(s) => ListenerOpts::set_opt(s, opt),
        Held::Stream(s) => StreamOpts::set_opt(s, opt),
        Held::Datagram(s) => DatagramOpts::set_opt(s, opt),
    }
}

/// `getsockopt` on the socket in a slot.
pub(super) fn get<S: Stacked>(held: &Held<S>, opt: GetOpt) -> Outcome {
    match held {
        Held::Empty => Outcome::NotMade,
        Held::Socket(s) => SocketOpts::get_opt(s, opt),
        Held::Listener(s) => ListenerOpts::get_opt(s, opt),
        Held::Stream(s) => StreamOpts::get_opt(s, opt),
        Held::Datagram(s) => DatagramOpts::get_opt(s, opt),
    }
}
