//! A real `redis-server` (Debian's package) for the tests and the benchmark: started on a free
//! loopback port, killed when dropped (a `system::Daemon` that answers `PING`).

#![allow(dead_code)] // the tests and the benchmark use different parts

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::system::{free_port, have_tool, Daemon};

/// A running `redis-server`; dropping it kills it.
pub struct RedisServer {
    daemon: Daemon,
}

impl RedisServer {
    /// Starts a server, or says why not. `None` (after a message on stderr) when
    /// `redis-server` is not installed, unless the environment variable `CI` is set: there a
    /// missing server is a failure, not a skip.
    pub fn start() -> Option<RedisServer> {
        if !have_tool("redis-server", "redis-server") {
            return None;
        }
        // Another process may take the port between our probe and redis binding it: try again.
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port();
            let mut command = Command::new("redis-server");
            command
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                // No persistence: nothing is written to the disk, nothing is loaded from it.
                .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                .args(["--dir", &std::env::temp_dir().to_string_lossy()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            match Daemon::start(command, port, ping) {
                Ok(daemon) => return Some(RedisServer { daemon }),
                Err(why) => last = why,
            }
        }
        panic!("redis-server did not start: {last}");
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.daemon.port()
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port())
    }
}

/// Whether a server on `port` answers `PING` (with plain std sockets, not the client tested).
fn ping(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0u8; 7];
    s.write_all(b"*1\r\n$4\r\nPING\r\n").is_ok()
        && s.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}
