//! The selector at scale, on the POSIX backend (epoll): 10,000 registered sockets, of which
//! exactly the few that got a byte are reported, and a one-entry events buffer that gets each
//! of them in turn. (What a selector reports, socket by socket, is the conformance suite's
//! `selector` group, run on every backend.)

use crate::{common, system};

use std::time::Duration;

use anysock::embedded_io::Write;
use anysock::posix::{Posix, Selector};
use anysock::selector::{Event, ScalableReadiness, Selector as _, Token, Trigger};
use anysock::{Interest, Pollable, Socket as _, Stack as _, Type};

use common::{fd_check, PATIENCE};
use system::raise_nofile;

/// Waits (at most `timeout`) and returns the events found.
fn wait(selector: &mut Selector, timeout: Duration) -> Vec<Event> {
    let mut events = [Event::EMPTY; 64];
    let n = selector.wait(&mut events, Some(timeout)).expect("wait");
    events[..n].to_vec()
}

fn tokens(events: &[Event]) -> Vec<u64> {
    let mut t: Vec<u64> = events.iter().map(|e| e.token().0).collect();
    t.sort_unstable();
    t
}

#[test]
fn ten_thousand_registered_sockets() {
    const SOCKETS: usize = 10_000;
    let limit = raise_nofile(SOCKETS as u64 + 256);
    if limit < SOCKETS as u64 + 256 {
        eprintln!("skipped: RLIMIT_NOFILE allows only {limit} descriptors");
        return;
    }
    let _fds = fd_check();
    let mut selector = Posix.selector().unwrap();
    let mut pairs = Vec::with_capacity(SOCKETS / 2);
    for i in 0..SOCKETS / 2 {
        let (a, b) = Posix.socketpair(Type::Stream).unwrap();
        let (a, b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
        for (s, token) in [(&a, 2 * i), (&b, 2 * i + 1)] {
            selector
                .register(
                    s.handle(),
                    Token(token as u64),
                    Interest::READABLE,
                    Trigger::Level,
                )
                .unwrap();
        }
        pairs.push((a, b));
    }
    assert!(wait(&mut selector, Duration::ZERO).is_empty(), "all idle");
    // A few of them, spread out, get a byte; exactly those are reported.
    let chosen = [0usize, 1, 2_500, 4_999];
    for &i in &chosen {
        pairs[i].0.write_all(b"!").unwrap();
    }
    let events = wait(&mut selector, PATIENCE);
    let want: Vec<u64> = chosen.iter().map(|&i| (2 * i + 1) as u64).collect();
    assert_eq!(tokens(&events), want);
    // A buffer smaller than the ready set: the rest come on the next wait.
    let mut one = [Event::EMPTY; 1];
    let mut seen = Vec::new();
    for _ in 0..chosen.len() {
        assert_eq!(selector.wait(&mut one, Some(PATIENCE)).unwrap(), 1);
        seen.push(one[0].token().0);
    }
    seen.sort_unstable();
    assert_eq!(seen, want, "each ready socket once, in turn");
    drop(pairs);
    drop(selector);
}
