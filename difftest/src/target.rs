//! A stack under test: the backend, and the names it gives the addresses a sequence asks for.

use anysock_core::conformance::Quirk;
use anysock_core::{Stack, UnixAddr};

use crate::options::{DatagramOpts, ListenerOpts, SocketOpts, StreamOpts};

/// A stack whose sockets have the options a sequence sets and reads ([`crate::options`]).
pub trait Stacked:
    Stack<Socket: SocketOpts, Listener: ListenerOpts, Stream: StreamOpts, Datagram: DatagramOpts>
{
}

impl<S> Stacked for S where
    S: Stack<
        Socket: SocketOpts,
        Listener: ListenerOpts,
        Stream: StreamOpts,
        Datagram: DatagramOpts,
    >
{
}

/// What the generator may use, so a sequence asks only for what both stacks have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// IPv6 on loopback (`::1`).
    pub ipv6: bool,
    /// Linux abstract Unix names.
    pub abstract_names: bool,
}

impl Caps {
    /// Everything.
    pub const ALL: Caps = Caps {
        ipv6: true,
        abstract_names: true,
    };

    /// What both `self` and `other` have.
    pub fn and(self, other: Caps) -> Caps {
        Caps {
            ipv6: self.ipv6 && other.ipv6,
            abstract_names: self.abstract_names && other.abstract_names,
        }
    }
}

/// One run's view of a backend: its stack, fresh names for the ports and Unix addresses a
/// sequence asks for, and where it knowingly differs from Linux.
///
/// A target serves one sequence: names it hands out must be unused on its stack, and stay
/// unused by anything but this run (a kernel shared by many runs hands out ports and paths
/// no earlier run left behind).
pub trait Target {
    /// The backend.
    type Stack: Stacked;

    /// The stack the sequence runs on.
    fn stack(&self) -> &Self::Stack;

    /// A port on loopback that nothing uses, outside the ephemeral range.
    fn fresh_port(&mut self) -> u16;

    /// A socket file nothing uses, in a directory that exists; with `long`, as long as
    /// `sun_path` allows (107 bytes).
    fn fresh_path(&mut self, long: bool) -> UnixAddr;

    /// A socket file in a directory that does not exist.
    fn missing_dir(&mut self) -> UnixAddr;

    /// A Linux abstract name nothing uses.
    fn fresh_abstract(&mut self) -> UnixAddr;
}

/// A backend as the campaign sees it: something that runs a sequence on a fresh instance of
/// its stack and says where it knowingly differs from Linux.
pub trait Side {
    /// Its name in reports (`posix`, `mock`).
    fn name(&self) -> &str;

    /// What its stack has.
    fn caps(&self) -> Caps;

    /// Runs `calls` from the start on a fresh stack (a new simulated network, or new names on
    /// a kernel), one outcome per call.
    fn run(&mut self, calls: &[crate::Call]) -> Vec<crate::Step>;

    /// Whether it declares difference `quirk` from Linux.
    fn quirk(&self, quirk: Quirk) -> bool {
        let _ = quirk;
        false
    }
}
