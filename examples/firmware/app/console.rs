//! The command language, shared by the TCP console and the Unix control socket: one command
//! per line, one reply line per command, `OK ...` or `ERR ...`.
//!
//! | command | reply | then |
//! |---|---|---|
//! | `GET <sensor>` (`temperature`, `humidity`, `uptime`) | `OK temperature 21.50` | keep |
//! | `SET interval <ms>` (10 ..= 86400000, decimal digits) | `OK interval 500` | keep |
//! | `STATS` | `OK uptime_ms=.. interval_ms=.. clients=.. ...` | keep |
//! | `QUIT` | `OK bye` | close |
//! | `SHUTDOWN` | `OK shutting down` | the node stops |
//! | anything else | `ERR unknown command` | close |
//!
//! Command words are matched without regard to ASCII case; an empty line is ignored. Numbers
//! are decimal digits only: no sign, no spaces, no `0x`.

use core::fmt::Write as _;
use core::time::Duration;

use anysock_core::Instant;

use super::text::{millis, Centi, Text};

/// The shortest telemetry interval, in milliseconds: shorter would flood the collector.
pub const INTERVAL_MIN_MS: u64 = 10;
/// The longest telemetry interval, in milliseconds (a day).
pub const INTERVAL_MAX_MS: u64 = 86_400_000;

/// Room for one reply line: the longest, `STATS`, is about 120 bytes.
pub const REPLY_MAX: usize = 192;

/// What the node counts, for `STATS`, `GET /status` and telemetry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Console clients connected now.
    pub clients: u32,
    /// Commands executed (console and control), including those answered with `ERR`.
    pub commands: u32,
    /// Telemetry datagrams sent.
    pub telemetry: u32,
    /// Connections turned away: beyond the client limit, over-long lines, unknown commands.
    pub rejected: u32,
    /// HTTP requests answered.
    pub http: u32,
    /// Connections closed for idling or for not reading their replies.
    pub timeouts: u32,
}

/// The state commands read and change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    /// When the node started, on its stack's clock.
    pub started: Instant,
    /// Time between telemetry datagrams.
    pub interval: Duration,
    /// When the next telemetry datagram is due.
    pub next_telemetry: Instant,
    /// The counters.
    pub stats: Stats,
}

/// What the connection that sent a command does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Stays open for more commands.
    Keep,
    /// Is closed once the reply is sent.
    Close,
    /// The whole node stops once the reply is sent.
    Shutdown,
}

/// A sensor reading, in hundredths of its unit.
pub fn sensor(name: &[u8], uptime: Duration) -> Option<Centi> {
    // Simulated sensors: slow, deterministic waves of the uptime, so tests on a virtual clock
    // know what to expect. Integers only: the firmware does no floating point.
    let secs = uptime.as_secs();
    let wave = |period: u64, amplitude: i64| {
        let phase = (secs % period) as i64;
        let half = (period / 2) as i64;
        amplitude * (half - (phase - half).abs()) / half.max(1)
    };
    let value = if name.eq_ignore_ascii_case(b"temperature") {
        2150 + wave(120, 150)
    } else if name.eq_ignore_ascii_case(b"humidity") {
        4000 + wave(300, 800)
    } else if name.eq_ignore_ascii_case(b"uptime") {
        i64::try_from(secs.saturating_mul(100)).unwrap_or(i64::MAX)
    } else {
        return None;
    };
    Some(Centi(i32::try_from(value).unwrap_or(i32::MAX)))
}

/// Runs one command line (without its newline; a trailing `\r` is allowed) and writes the
/// reply line, newline included, into `reply`. An empty line writes nothing.
pub fn execute(line: &[u8], state: &mut State, now: Instant, reply: &mut Text<REPLY_MAX>) -> After {
    reply.clear();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut words = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let Some(verb) = words.next() else {
        return After::Keep;
    };
    state.stats.commands = state.stats.commands.saturating_add(1);
    let args: [Option<&[u8]>; 3] = [words.next(), words.next(), words.next()];
    let is = |word: &[u8], name: &str| word.eq_ignore_ascii_case(name.as_bytes());
    let uptime = now - state.started;
    // A reply that does not fit is a bug caught by the tests; the line is then left empty.
    let (after, _) = match args {
        [Some(name), None, None] if is(verb, "GET") => match sensor(name, uptime) {
            Some(value) => {
                let name = core::str::from_utf8(name).unwrap_or("?");
                (After::Keep, writeln!(reply, "OK {name} {value}"))
            }
            None => (After::Keep, writeln!(reply, "ERR unknown sensor")),
        },
        [Some(what), Some(value), None] if is(verb, "SET") && is(what, "interval") => {
            match parse_interval(value) {
                Some(ms) => {
                    state.interval = Duration::from_millis(ms);
                    state.next_telemetry = now + state.interval;
                    (After::Keep, writeln!(reply, "OK interval {ms}"))
                }
                None => (After::Keep, writeln!(reply, "ERR bad interval")),
            }
        }
        [None, None, None] if is(verb, "STATS") => {
            let s = state.stats;
            let r = writeln!(
                reply,
                "OK uptime_ms={} interval_ms={} clients={} commands={} telemetry={} rejected={} \
                 http={} timeouts={}",
                millis(uptime),
                millis(state.interval),
                s.clients,
                s.commands,
                s.telemetry,
                s.rejected,
                s.http,
                s.timeouts,
            );
            (After::Keep, r)
        }
        [None, None, None] if is(verb, "QUIT") => (After::Close, writeln!(reply, "OK bye")),
        [None, None, None] if is(verb, "SHUTDOWN") => {
            (After::Shutdown, writeln!(reply, "OK shutting down"))
        }
        _ => (After::Close, writeln!(reply, "ERR unknown command")),
    };
    after
}

/// A telemetry interval in milliseconds, in range, from decimal digits.
pub fn parse_interval(text: &[u8]) -> Option<u64> {
    decimal(text).filter(|ms| (INTERVAL_MIN_MS..=INTERVAL_MAX_MS).contains(ms))
}

/// A number written in decimal digits and nothing else (`str::parse` would also take a `+`);
/// `None` when empty, not digits, or over `u64::MAX`.
pub fn decimal(text: &[u8]) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.iter().try_fold(0u64, |n, &b| {
        let digit = b.is_ascii_digit().then(|| u64::from(b - b'0'))?;
        n.checked_mul(10)?.checked_add(digit)
    })
}
