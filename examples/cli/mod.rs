//! The command line every example shares: positional arguments, addresses, and exit codes.
//!
//! Exit codes: 0 done, 1 a socket call failed at run time, 2 the command line was wrong. Either
//! failure is one line on stderr (a usage error adds the usage line), never a panic.

use std::ffi::{OsStr, OsString};
use std::fmt::Display;
use std::process::exit;

use anysock::SocketAddr;

/// The address forms, shown with the usage of an example that takes an `ADDR`.
const ADDRESS_FORMS: &str = "ADDR: 127.0.0.1:7000 | [::1]:7000 | unix:/tmp/echo.sock | unix:@echo";

/// One example's name and usage line.
pub struct Cli {
    name: &'static str,
    usage: &'static str,
}

impl Cli {
    pub const fn new(name: &'static str, usage: &'static str) -> Self {
        Cli { name, usage }
    }

    /// Exactly `N` positional arguments. `-h` or `--help` first prints the usage and exits 0.
    ///
    /// Arguments are taken as `OsString` because `std::env::args` panics on text that is not
    /// UTF-8, and a bad argument must be a usage error, not a crash.
    #[allow(dead_code, reason = "async_echo takes subcommands")]
    pub fn args<const N: usize>(&self) -> [OsString; N] {
        let args = self.all_args();
        let got = args.len();
        args.try_into().unwrap_or_else(|_| {
            self.usage_error(format_args!("expected {N} argument(s), got {got}"))
        })
    }

    /// All positional arguments, however many (for an example with subcommands). `-h` or
    /// `--help` first prints the usage and exits 0.
    pub fn all_args(&self) -> Vec<OsString> {
        let args: Vec<OsString> = std::env::args_os().skip(1).collect();
        if args.first().is_some_and(|a| a == "-h" || a == "--help") {
            println!("{}", self.usage_line());
            exit(0);
        }
        args
    }

    /// The socket address written in `arg`, or a usage error naming it.
    #[allow(dead_code, reason = "the tour takes no address")]
    pub fn addr(&self, arg: &OsStr) -> SocketAddr {
        let Some(text) = arg.to_str() else {
            self.usage_error(format_args!(
                "bad address {arg:?}: not UTF-8 (escape bytes as \\xNN)"
            ))
        };
        text.parse()
            .unwrap_or_else(|e| self.usage_error(format_args!("bad address {text:?}: {e}")))
    }

    /// Exit 2: the command line was wrong.
    pub fn usage_error(&self, msg: impl Display) -> ! {
        eprintln!("{}: {msg}", self.name);
        eprintln!("{}", self.usage_line());
        exit(2)
    }

    fn usage_line(&self) -> String {
        if self.usage.contains("ADDR") {
            format!("usage: {}   ({ADDRESS_FORMS})", self.usage)
        } else {
            format!("usage: {}", self.usage)
        }
    }

    /// Ends the program with the outcome of its work: exit 0, or the failure on one line and
    /// exit 1. Takes the outcome rather than being called at the failure, so that everything
    /// the work owned (sockets, socket files) was dropped and cleaned up before `exit`, which
    /// runs no destructors.
    pub fn exit(&self, outcome: Result<(), String>) -> ! {
        match outcome {
            Ok(()) => exit(0),
            Err(msg) => {
                eprintln!("{}: {msg}", self.name);
                exit(1)
            }
        }
    }
}

/// Names the step that failed, for the one-line message of [`Cli::exit`].
pub trait Context<T> {
    fn context(self, step: impl Display) -> Result<T, String>;
}

impl<T, E: Display> Context<T> for Result<T, E> {
    fn context(self, step: impl Display) -> Result<T, String> {
        self.map_err(|e| format!("{step}: {e}"))
    }
}
