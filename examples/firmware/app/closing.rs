//! How connections end when their time is up, and what happens when every slot is taken: the
//! rules that keep hostile clients from locking the others out.
//!
//! **Idle limits** (`--idle-ms`, 30 s by default; see [`super::conn`] for what counts as
//! activity):
//! - a console client that completes no line for the limit is told `ERR idle timeout` and
//!   closed: an idle holder, or a slowloris sending a byte now and then, loses its slot (an
//!   empty line counts, as a keep-alive from a person at a terminal);
//! - an HTTP client that has not sent a complete request head within
//!   [`HEAD_TIME`](super::http::HEAD_TIME) (or the idle limit, when shorter) is answered
//!   `408 Request Timeout` and closed;
//! - a client whose replies have not moved for the limit (it sends commands and never reads)
//!   is dropped at once: it would not read a last reply either.
//!
//! **Fair when full**: a newcomer finding every slot taken is turned away, never let in at the
//! expense of a client already served — with its reply (`ERR too many clients`, `503`) and a
//! clean close. Its slot-less connection joins the *leaving* connections: the node sends the
//! reply, shuts down its sending side (FIN), then reads and drops what the peer sent or still
//! sends until the peer closes or [`LINGER`] passes. Closing with its request unread would make
//! the kernel answer with a reset, and a reset can destroy the reply before the peer reads it.
//! Together with the idle limits this bounds a lock-out: a well-behaved client that retries
//! gets a slot within the limit (plus a poll) however the other slots are held.
//!
//! The leaving connections are [`LEAVING`] at most. While they are, a newcomer without a slot
//! is not accepted: it waits in the listen queue until a slot or a leaving place frees up. A
//! connection timed out while they are has its reply sent and what it sent read before it is
//! closed.

use anysock_core::{Instant, Stack};

use super::conn::{Conn, Due, Filled, LINGER};
use super::http::{self, RESPONSE_MAX};
use super::text::Text;
use super::{Client, Node, Page, Slot, LEAVING, READS_PER_STEP};

impl<S: Stack> Node<S> {
    /// Ends `stream` politely without it holding a slot (see the module docs): sends `reply`,
    /// shuts down the sending side, and keeps it among the leaving connections until its peer
    /// closes; when they are full, reads what the peer sent, then closes.
    pub(super) fn part(&mut self, stream: S::Stream, reply: &[u8], now: Instant) {
        let mut conn = Conn::new(stream, now);
        if !(conn.send(reply, now) && conn.close(now)) {
            return;
        }
        if let Some(i) = self.leaving.iter().position(Option::is_none) {
            let interest = conn.interest(0);
            if self
                .polls
                .insert(Slot::Leaving(i), conn.handle(), interest)
                .is_ok()
            {
                self.leaving[i] = Some(conn);
                return;
            }
        }
        for _ in 0..READS_PER_STEP {
            if conn.fill() != Filled::Data {
                break;
            }
        }
    }

    /// Reads and drops what a leaving connection's peer sends; done when it closes.
    pub(super) fn serve_leaving(&mut self, i: usize, now: Instant) {
        let Some(conn) = self.leaving.get_mut(i).and_then(Option::as_mut) else {
            return;
        };
        let mut alive = conn.flush(now);
        for _ in 0..READS_PER_STEP {
            match conn.fill() {
                Filled::Data => {}
                Filled::Gone => alive = false,
                Filled::Empty | Filled::Full | Filled::Ended => break,
            }
            if !alive {
                break;
            }
        }
        if !alive || conn.is_done() {
            let _ = self.polls.remove(Slot::Leaving(i));
            self.leaving[i] = None;
        }
    }

    /// Ends the connections whose time is up (see the module docs).
    pub(super) fn expire(&mut self, now: Instant) {
        for i in 0..self.clients.len() {
            let due = self.clients[i].as_ref().and_then(|c| c.due(now, self.idle));
            match due {
                None => {}
                Some(Due::Linger) => self.drop_client(i),
                Some(Due::Stalled) => {
                    self.drop_client(i);
                    self.state.stats.timeouts += 1;
                }
                Some(Due::Idle) => {
                    if let Some(client) = self.take_client(i) {
                        self.part(client.into_stream(), b"ERR idle timeout\n", now);
                    }
                    self.state.stats.timeouts += 1;
                }
            }
        }
        let head = self.head_time();
        for i in 0..self.pages.len() {
            let due = self.pages[i].as_ref().and_then(|p| p.due(now, head));
            match due {
                None => {}
                Some(Due::Linger) => self.drop_page(i),
                Some(Due::Stalled) => {
                    self.drop_page(i);
                    self.state.stats.timeouts += 1;
                }
                Some(Due::Idle) => {
                    if let Some(page) = self.take_page(i) {
                        let mut out = Text::<RESPONSE_MAX>::new();
                        http::timed_out(&mut out);
                        self.part(page.into_stream(), out.as_bytes(), now);
                    }
                    self.state.stats.timeouts += 1;
                }
            }
        }
        for i in 0..LEAVING {
            if self.leaving[i]
                .as_ref()
                .is_some_and(|l| now >= l.deadline(LINGER))
            {
                let _ = self.polls.remove(Slot::Leaving(i));
                self.leaving[i] = None;
            }
        }
    }

    /// Takes client `i` out of its slot; its entry leaves the poll set first, while its handle
    /// still names it.
    fn take_client(&mut self, i: usize) -> Option<Client<S>> {
        let _ = self.polls.remove(Slot::Client(i));
        let client = self.clients.get_mut(i)?.take()?;
        self.state.stats.clients = self.state.stats.clients.saturating_sub(1);
        Some(client)
    }

    /// Closes client `i`.
    pub(super) fn drop_client(&mut self, i: usize) {
        drop(self.take_client(i));
    }

    /// Takes HTTP connection `i` out of its slot, as [`Node::take_client`] does.
    fn take_page(&mut self, i: usize) -> Option<Page<S>> {
        let _ = self.polls.remove(Slot::Page(i));
        self.pages.get_mut(i)?.take()
    }

    /// Closes HTTP connection `i`.
    pub(super) fn drop_page(&mut self, i: usize) {
        drop(self.take_page(i));
    }
}
