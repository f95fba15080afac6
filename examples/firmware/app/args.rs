//! The firmware's command line:
//! `firmware --console ADDR --http ADDR --telemetry ADDR --control unix:PATH [--interval-ms N]`.

use core::fmt;
use core::time::Duration;

use anysock_core::{Domain, SocketAddr};

use super::console::{parse_interval, INTERVAL_MAX_MS, INTERVAL_MIN_MS};

/// The usage line.
pub const USAGE: &str = "usage: firmware --console ADDR --http ADDR --telemetry ADDR \
                         --control unix:PATH [--interval-ms N]   \
                         (ADDR: 127.0.0.1:7000 | [::1]:7000 | unix:/tmp/x.sock | unix:@name)";

/// The telemetry interval when the command line names none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

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
            ArgError::UnknownFlag(flag) => write!(f, "unknown argument {:?}", text(flag)),
            ArgError::MissingValue(flag) => write!(f, "{flag} needs a value"),
            ArgError::Repeated(flag) => write!(f, "{flag} given twice"),
            ArgError::Missing(flag) => write!(f, "{flag} is required"),
            ArgError::BadValue("--interval-ms", v) => write!(
                f,
                "bad value for --interval-ms: {:?} (want {INTERVAL_MIN_MS}..={INTERVAL_MAX_MS})",
                text(v)
            ),
            ArgError::BadValue(flag, v) => write!(f, "bad address for {flag}: {:?}", text(v)),
            ArgError::ControlNotUnix => write!(f, "--control needs a unix: address"),
        }
    }
}

/// An argument as text for a message.
fn text(arg: &[u8]) -> &str {
    core::str::from_utf8(arg).unwrap_or("(not UTF-8)")
}

const FLAGS: [&str; 5] = [
    "--console",
    "--http",
    "--telemetry",
    "--control",
    "--interval-ms",
];

/// Parses the arguments after the program name.
pub fn parse<'a>(args: impl IntoIterator<Item = &'a [u8]>) -> Result<Parsed, ArgError<'a>> {
    let mut addrs: [Option<SocketAddr>; 4] = [None, None, None, None];
    let mut interval = None;
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
        } else {
            if interval.is_some() {
                return Err(ArgError::Repeated(flag));
            }
            interval = Some(Duration::from_millis(parse_interval(value).ok_or(bad)?));
        }
    }
    let [console, http, telemetry, control] = addrs;
    let config = Config {
        console: console.ok_or(ArgError::Missing(FLAGS[0]))?,
        http: http.ok_or(ArgError::Missing(FLAGS[1]))?,
        telemetry: telemetry.ok_or(ArgError::Missing(FLAGS[2]))?,
        control: control.ok_or(ArgError::Missing(FLAGS[3]))?,
        interval: interval.unwrap_or(DEFAULT_INTERVAL),
    };
    if config.control.domain() != Domain::Unix {
        return Err(ArgError::ControlNotUnix);
    }
    Ok(Parsed::Run(config))
}
