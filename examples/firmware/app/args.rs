//! The firmware's command line: `firmware --console ADDR --http ADDR --telemetry ADDR
//! --control unix:PATH [--interval-ms N] [--idle-ms N]`. Numbers are decimal digits only.

use core::fmt::{self, Write as _};
use core::time::Duration;

use anysock_core::{Domain, SocketAddr};

use super::console::{decimal, INTERVAL_MAX_MS, INTERVAL_MIN_MS};

/// The usage line.
pub const USAGE: &str = "usage: firmware --console ADDR --http ADDR --telemetry ADDR \
                         --control unix:PATH [--interval-ms N] [--idle-ms N]   \
                         (ADDR: 127.0.0.1:7000 | [::1]:7000 | unix:/tmp/x.sock | unix:@name)";

/// The telemetry interval when the command line names none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
/// The idle limit when the command line names none.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(30);
/// The shortest idle limit, in milliseconds.
pub const IDLE_MIN_MS: u64 = 10;
/// The longest idle limit, in milliseconds (a day).
pub const IDLE_MAX_MS: u64 = 86_400_000;

/// Where the node listens and sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The line console's listening address (a stream socket).
    pub console: SocketAddr,
    /// The HTTP server's listening address.
    pub http: SocketAddr,
    /// Where telemetry datagrams go.
    pub telemetry: SocketAddr,
    /// The Unix datagram control socket's address.
    pub control: SocketAddr,
    /// Time between telemetry datagrams.
    pub interval: Duration,
    /// How long a connection may stay inactive: a console client without a command, a client
    /// whose replies do not move (see `conn`); an HTTP client has this or `HEAD_TIME`,
    /// whichever is shorter, to send its request.
    pub idle: Duration,
}

/// What the command line asks for.
#[allow(
    clippy::large_enum_variant,
    reason = "no heap to box the configuration in, and it is made once"
)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Run with this configuration.
    Run(Config),
    /// `-h` or `--help`: print the usage and exit 0.
    Help,
}

/// Why a command line was refused; shown as one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgError<'a> {
    /// A flag that is not one of ours.
    UnknownFlag(&'a [u8]),
    /// A flag at the end, without its value.
    MissingValue(&'static str),
    /// A flag given twice.
    Repeated(&'static str),
    /// A required flag not given.
    Missing(&'static str),
    /// A value that does not parse.
    BadValue(&'static str, &'a [u8]),
    /// `--control` with an address that is not `unix:`.
    ControlNotUnix,
}

impl fmt::Display for ArgError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ArgError::UnknownFlag(flag) => write!(f, "unknown argument {}", Quoted(flag)),
            ArgError::MissingValue(flag) => write!(f, "{flag} needs a value"),
            ArgError::Repeated(flag) => write!(f, "{flag} given twice"),
            ArgError::Missing(flag) => write!(f, "{flag} is required"),
            ArgError::BadValue(flag, v) => match NUMBERS.iter().find(|n| n.0 == flag) {
                Some((_, min, max)) => write!(
                    f,
                    "bad value for {flag}: {} (want decimal digits, {min}..={max})",
                    Quoted(v)
                ),
                None => write!(f, "bad address for {flag}: {}", Quoted(v)),
            },
            ArgError::ControlNotUnix => write!(f, "--control needs a unix: address"),
        }
    }
}

/// An argument in a message: in quotes, with what is not printable ASCII (and `"`, `\`)
/// escaped, so the message stays one line of plain text whatever was typed.
struct Quoted<'a>(&'a [u8]);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        f.write_char('"')?;
        for &b in self.0 {
            if b == b'"' || b == b'\\' {
                f.write_char('\\')?;
            }
            if (b' '..=b'~').contains(&b) {
                f.write_char(char::from(b))?;
            } else {
                f.write_str("\\x")?;
                for nibble in [b >> 4, b & 0xf] {
                    f.write_char(char::from(HEX[usize::from(nibble)]))?;
                }
            }
        }
        f.write_char('"')
    }
}

const FLAGS: [&str; 6] = [
    "--console",
    "--http",
    "--telemetry",
    "--control",
    "--interval-ms",
    "--idle-ms",
];

/// The flags whose value is a number of milliseconds, with its range.
const NUMBERS: [(&str, u64, u64); 2] = [
    ("--interval-ms", INTERVAL_MIN_MS, INTERVAL_MAX_MS),
    ("--idle-ms", IDLE_MIN_MS, IDLE_MAX_MS),
];

/// Parses the arguments after the program name.
pub fn parse<'a>(args: impl IntoIterator<Item = &'a [u8]>) -> Result<Parsed, ArgError<'a>> {
    let mut addrs: [Option<SocketAddr>; 4] = [None, None, None, None];
    let mut numbers: [Option<u64>; 2] = [None, None];
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == b"-h" || arg == b"--help" {
            return Ok(Parsed::Help);
        }
        let Some(i) = FLAGS.iter().position(|f| f.as_bytes() == arg) else {
            return Err(ArgError::UnknownFlag(arg));
        };
        let flag = FLAGS[i];
        let value = args.next().ok_or(ArgError::MissingValue(flag))?;
        let bad = ArgError::BadValue(flag, value);
        if let Some(slot) = addrs.get_mut(i) {
            if slot.is_some() {
                return Err(ArgError::Repeated(flag));
            }
            let text = core::str::from_utf8(value).map_err(|_| bad)?;
            *slot = Some(text.parse().map_err(|_| bad)?);
        } else if let (Some(slot), Some((_, min, max))) = (
            numbers.get_mut(i - addrs.len()),
            NUMBERS.get(i - addrs.len()),
        ) {
            if slot.is_some() {
                return Err(ArgError::Repeated(flag));
            }
            let ms = decimal(value).filter(|ms| (*min..=*max).contains(ms));
            *slot = Some(ms.ok_or(bad)?);
        }
    }
    let [console, http, telemetry, control] = addrs;
    let [interval, idle] = numbers;
    let config = Config {
        console: console.ok_or(ArgError::Missing(FLAGS[0]))?,
        http: http.ok_or(ArgError::Missing(FLAGS[1]))?,
        telemetry: telemetry.ok_or(ArgError::Missing(FLAGS[2]))?,
        control: control.ok_or(ArgError::Missing(FLAGS[3]))?,
        interval: interval.map_or(DEFAULT_INTERVAL, Duration::from_millis),
        idle: idle.map_or(DEFAULT_IDLE, Duration::from_millis),
    };
    if config.control.domain() != Domain::Unix {
        return Err(ArgError::ControlNotUnix);
    }
    Ok(Parsed::Run(config))
}
