//! Serving the two TCP services: accepting console clients and HTTP connections into their
//! slots (or turning them away when every slot is taken), and answering what they send.

use anysock_core::{Instant, Interest, Listener, Stack};

use super::conn::{Conn, Filled};
use super::console::{self, After, REPLY_MAX};
use super::http::{self, RESPONSE_MAX};
use super::text::Text;
use super::{Node, Slot, ACCEPTS_PER_STEP, READS_PER_STEP};

/// What one `accept` gave.
enum Accepted<T> {
    /// A connection, non-blocking.
    Stream(T),
    /// A connection that was gone before it could be served: try the next one.
    Skipped,
    /// Nothing to accept now, or no room for what comes.
    Nothing,
}

impl<S: Stack> Node<S> {
    /// Accepts console clients into free slots; when none is free, turns them away with
    /// `ERR too many clients`.
    pub(super) fn accept_clients(&mut self, now: Instant) {
        for _ in 0..ACCEPTS_PER_STEP {
            let free = self.clients.iter().position(Option::is_none);
            let stream = match self.accept_from(Slot::Console, free.is_some(), now) {
                Accepted::Stream(stream) => stream,
                Accepted::Skipped => continue,
                Accepted::Nothing => return,
            };
            let conn = Conn::new(stream, now);
            match free {
                Some(i)
                    if self
                        .polls
                        .insert(Slot::Client(i), conn.handle(), Interest::READABLE)
                        .is_ok() =>
                {
                    self.clients[i] = Some(conn);
                    self.state.stats.clients += 1;
                }
                _ => {
                    self.part(conn.into_stream(), b"ERR too many clients\n", now);
                    self.state.stats.rejected += 1;
                }
            }
        }
    }

    /// Accepts HTTP connections into free slots; when none is free, answers them `503`.
    pub(super) fn accept_pages(&mut self, now: Instant) {
        for _ in 0..ACCEPTS_PER_STEP {
            let free = self.pages.iter().position(Option::is_none);
            let stream = match self.accept_from(Slot::Http, free.is_some(), now) {
                Accepted::Stream(stream) => stream,
                Accepted::Skipped => continue,
                Accepted::Nothing => return,
            };
            let page = Conn::new(stream, now);
            match free {
                Some(i)
                    if self
                        .polls
                        .insert(Slot::Page(i), page.handle(), Interest::READABLE)
                        .is_ok() =>
                {
                    self.pages[i] = Some(page);
                }
                _ => {
                    let mut out = Text::<RESPONSE_MAX>::new();
                    http::unavailable(&mut out);
                    self.part(page.into_stream(), out.as_bytes(), now);
                    self.state.stats.rejected += 1;
                }
            }
        }
    }

    /// Accepts the next connection of the console or HTTP listener, non-blocking. A
    /// connection that could neither have a slot (`free`) nor be turned away politely (the
    /// leaving connections are as many as they may be) is left in the queue until it can.
    fn accept_from(&mut self, slot: Slot, free: bool, now: Instant) -> Accepted<S::Stream> {
        if !free && !self.leaving.iter().any(Option::is_none) {
            return Accepted::Nothing;
        }
        let listener = match slot {
            Slot::Console => &mut self.console,
            _ => &mut self.http,
        };
        // One call (`accept4` with `SOCK_NONBLOCK`): the stream is never blocking, not
        // even between two calls.
        match listener.accept_nonblocking() {
            Ok((stream, _peer)) => Accepted::Stream(stream),
            Err(e) if self.pause_accepting(e, now) => Accepted::Skipped,
            Err(_) => Accepted::Nothing,
        }
    }

    /// Reads what a console client sent and answers each complete line.
    pub(super) fn serve_client(&mut self, i: usize, now: Instant) {
        let Some(client) = self.clients.get_mut(i).and_then(Option::as_mut) else {
            return;
        };
        let mut alive = client.flush(now);
        let mut reply = Text::<REPLY_MAX>::new();
        let mut reads = 0;
        while alive && !self.stopping {
            // Answer the complete lines read so far, while a reply fits in the output: a client
            // that asks faster than it reads is held back (no more of its input is read until
            // it reads), not dropped.
            while !client.is_closing() && client.room() >= REPLY_MAX {
                let Some(end) = client.input().iter().position(|&b| b == b'\n') else {
                    break;
                };
                client.touch(now);
                let after =
                    console::execute(&client.input()[..end], &mut self.state, now, &mut reply);
                client.consume(end + 1);
                alive = client.send(reply.as_bytes(), now);
                match after {
                    After::Keep => {}
                    After::Close => {
                        if reply.as_bytes().starts_with(b"ERR") {
                            self.state.stats.rejected += 1;
                        }
                        alive = alive && client.close(now);
                    }
                    After::Shutdown => self.stopping = true,
                }
                if !alive || self.stopping {
                    break;
                }
            }
            let held_back = !client.is_closing() && client.room() < REPLY_MAX;
            // A few reads per step, so a client that floods the node cannot starve the others.
            if !alive || self.stopping || held_back || reads == READS_PER_STEP {
                break;
            }
            reads += 1;
            match client.fill() {
                Filled::Data => {}
                Filled::Empty => break,
                Filled::Full => {
                    alive = client.send(b"ERR line too long\n", now) && client.close(now);
                    self.state.stats.rejected += 1;
                }
                // Every complete line is answered (above); an unfinished one never will be.
                Filled::Ended => {
                    alive = client.close(now);
                    break;
                }
                Filled::Gone => alive = false,
            }
        }
        if !alive || client.is_done() {
            self.drop_client(i);
        }
    }

    /// Reads an HTTP request head and answers it once complete.
    pub(super) fn serve_page(&mut self, i: usize, now: Instant) {
        let Some(page) = self.pages.get_mut(i).and_then(Option::as_mut) else {
            return;
        };
        let mut alive = page.flush(now);
        let mut out = Text::<RESPONSE_MAX>::new();
        for _ in 0..READS_PER_STEP {
            if !alive {
                break;
            }
            match page.fill() {
                // Closing: what comes after the request is read and dropped.
                Filled::Data if page.is_closing() => {}
                Filled::Data => {
                    if let Some(end) = http::head_end(page.input()) {
                        http::respond(&page.input()[..end], &self.state, now, &mut out);
                        self.state.stats.http += 1;
                        alive = page.send(out.as_bytes(), now) && page.close(now);
                    }
                }
                Filled::Empty => break,
                Filled::Full => {
                    http::too_large(&mut out);
                    alive = page.send(out.as_bytes(), now) && page.close(now);
                }
                // A request cut short cannot be answered; an answered one ends once sent.
                Filled::Ended => {
                    alive = page.is_closing();
                    break;
                }
                Filled::Gone => alive = false,
            }
        }
        if !alive || page.is_done() {
            self.drop_page(i);
        }
    }
}
