//! The file a Unix pathname socket leaves in the filesystem.
//!
//! `bind` creates the file and `close` does not remove it, so a server that was killed leaves it
//! behind and its next `bind` fails with `AddrInUse`. Before binding, a server therefore removes
//! a leftover, but only when it is provably stale:
//!
//! - it must be a socket: anything else at the path (a typo naming the user's file) is left
//!   alone, and `bind` reports `AddrInUse`;
//! - nobody may be listening on it: a connect that is refused shows the owner is gone, while a
//!   live server keeps its address (removing the file would leave it running but unreachable).
//!
//! After a successful `bind` the server owns the file and removes it when it stops cleanly. A
//! kill skips that, which is what the check above is for.
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use anysock::{Domain, Endpoint, ErrorKind, Socket, SocketAddr, Stack, Type};

/// The path of a Unix pathname address; `None` for other addresses.
fn path_of(addr: &SocketAddr) -> Option<&Path> {
    let bytes = addr.as_unix()?.as_pathname()?;
    Some(Path::new(std::ffi::OsStr::from_bytes(bytes)))
}

/// Removes a stale socket file at `addr` (see the module docs) before a socket of type `ty`
/// binds there. Does nothing for other addresses, or when the path holds no socket.
pub fn remove_stale<S: Stack>(stack: &S, addr: &SocketAddr, ty: Type) -> Result<(), String> {
    let Some(path) = path_of(addr) else {
        return Ok(());
    };
    let is_socket = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket());
    if !is_socket {
        return Ok(());
    }
    let mut probe = stack
        .socket(Domain::Unix, ty)
        .map_err(|e| format!("socket: {e}"))?;
    // Non-blocking, so that a live server with a full backlog cannot keep us waiting.
    probe
        .set_nonblocking(true)
        .map_err(|e| format!("set_nonblocking: {e}"))?;
    match probe.connect(addr) {
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => std::fs::remove_file(path)
            .map_err(|e| format!("remove stale socket {}: {e}", path.display())),
        // Someone answers, or the outcome is unclear: keep the file; `bind` says why it fails.
        _ => Ok(()),
    }
}

/// The socket file of a bound pathname address, removed when this is dropped.
pub struct SocketFile {
    path: Option<PathBuf>,
}

impl SocketFile {
    /// Takes ownership of the file `bind` just created at `addr` (nothing for other addresses).
    pub fn bound_at(addr: &SocketAddr) -> Self {
        SocketFile {
            path: path_of(addr).map(Path::to_path_buf),
        }
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            // Best effort: the file may already be gone, and a failure here has no one to tell.
            let _ = std::fs::remove_file(path);
        }
    }
}
