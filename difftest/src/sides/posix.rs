//! The kernel as a side, through the POSIX backend: one process-wide loopback (best in a
//! network namespace of its own, see [`crate::namespace`]), with names no earlier sequence
//! used and the socket files of each sequence removed after it.

use std::path::PathBuf;

use anysock_core::opt::V6Only;
use anysock_core::{Domain, SockOpt, Socket as _, SocketAddr, Stack, Type, UnixAddr};
use anysock_posix::Posix;

use super::{path, END_FIXED_PORT, FIRST_FIXED_PORT};
use crate::exec::{execute, Step};
use crate::target::{Caps, Side, Target};
use crate::Call;

/// The kernel's sockets.
#[derive(Debug)]
pub struct PosixSide {
    dir: PathBuf,
    ipv6: bool,
    runs: u64,
    next_port: u16,
}

impl PosixSide {
    /// A side with its socket files in a fresh directory under `/tmp` (short, so long names
    /// still fit `sun_path`).
    pub fn new() -> Self {
        let dir = PathBuf::from(format!("/tmp/anysock-diff-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the socket directory");
        // Some containers have no IPv6 loopback; sequences then leave IPv6 out.
        let ipv6 = Posix.bind(&"[::1]:0".parse().expect("an address")).is_ok();
        PosixSide {
            dir,
            ipv6,
            runs: 0,
            next_port: FIRST_FIXED_PORT,
        }
    }

    /// A port that no socket, and no connection in `TIME_WAIT`, holds: the next of the fixed
    /// range that a dual-stack TCP and UDP socket can both bind without `SO_REUSEADDR`.
    fn free_port(&mut self) -> u16 {
        loop {
            let port = self.next_port;
            self.next_port = if port + 1 >= END_FIXED_PORT {
                FIRST_FIXED_PORT
            } else {
                port + 1
            };
            let free = [Type::Stream, Type::Datagram].into_iter().all(|ty| {
                let (domain, any) = if self.ipv6 {
                    (Domain::Inet6, "[::]:0")
                } else {
                    (Domain::Inet, "0.0.0.0:0")
                };
                let addr: SocketAddr = any.parse().expect("an address");
                Posix.socket(domain, ty).is_ok_and(|mut s| {
                    (domain == Domain::Inet || s.set(V6Only, false).is_ok())
                        && s.bind(&addr.with_port(port)).is_ok()
                })
            });
            if free {
                return port;
            }
        }
    }
}

impl Default for PosixSide {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for PosixSide {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One sequence on the kernel.
struct PosixTarget<'a> {
    side: &'a mut PosixSide,
    names: u32,
    files: Vec<PathBuf>,
}

impl Target for PosixTarget<'_> {
    type Stack = Posix;

    fn stack(&self) -> &Posix {
        &Posix
    }

    fn fresh_port(&mut self) -> u16 {
        self.side.free_port()
    }

    fn fresh_path(&mut self, long: bool) -> UnixAddr {
        self.names += 1;
        let file = self
            .side
            .dir
            .join(format!("r{}-{}", self.side.runs, self.names));
        self.files.push(file.clone());
        path(file.display().to_string(), long)
    }

    fn missing_dir(&mut self) -> UnixAddr {
        self.names += 1;
        let file = self.side.dir.join(format!("missing{}/s", self.names));
        path(file.display().to_string(), false)
    }

    fn fresh_abstract(&mut self) -> UnixAddr {
        self.names += 1;
        let name = format!(
            "anysock-diff-{}-{}-{}",
            std::process::id(),
            self.side.runs,
            self.names
        );
        UnixAddr::abstract_name(&name).expect("a short name")
    }
}

impl Side for PosixSide {
    fn name(&self) -> &str {
        "posix"
    }

    fn caps(&self) -> Caps {
        Caps {
            ipv6: self.ipv6,
            abstract_names: true,
        }
    }

    fn run(&mut self, calls: &[Call]) -> Vec<Step> {
        self.runs += 1;
        let mut target = PosixTarget {
            side: self,
            names: 0,
            files: Vec::new(),
        };
        let steps = execute(&mut target, calls);
        for file in &target.files {
            let _ = std::fs::remove_file(file);
        }
        steps
    }
}
