//! Thousands of calls in random order with random arguments: the mock never panics, never
//! hangs, and the same seed gives the same transcript, call for call.

use anysock::Endpoint as _;
use std::fmt::Write as _;
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::mock::{self, Net};
use anysock::opt::{Linger, RecvBufferSize, SendBufferSize, SocketError};
use anysock::{
    Datagram as _, Domain, Interest, Listener as _, MsgFlags, PollFd, Pollable, Shutdown, SockOpt,
    Socket as _, SocketAddr, Stack as _, Stream as _, Type, UnixAddr,
};

use crate::data::Rng;

fn pick_addr(rng: &mut Rng) -> SocketAddr {
    let all = [
        "127.0.0.1:7",
        "127.0.0.1:0",
        "10.0.0.1:7",
        "10.0.0.2:7",
        "10.0.0.9:7",
        "0.0.0.0:7",
        "[::1]:7",
        "[::]:7",
        "[fd00::2]:7",
        "[::ffff:10.0.0.2]:7",
        "255.255.255.255:7",
        "unix:/s",
        "unix:@a",
        "unix:",
    ];
    all[rng.below(all.len())].parse().unwrap()
}

fn story(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let net: Net<12, 256, 3> = Net::new();
    let hosts = [
        net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
            .unwrap(),
        net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())
            .unwrap(),
    ];
    let mut log = String::new();
    let mut sockets: Vec<mock::Socket<'_, 12, 256, 3>> = Vec::new();
    let mut listeners: Vec<mock::Listener<'_, 12, 256, 3>> = Vec::new();
    let mut streams: Vec<mock::Stream<'_, 12, 256, 3>> = Vec::new();
    let mut dgrams: Vec<mock::Datagram<'_, 12, 256, 3>> = Vec::new();
    let mut buf = [0u8; 300];
    let domains = [Domain::Inet, Domain::Inet6, Domain::Unix];
    let types = [Type::Stream, Type::Datagram, Type::SeqPacket];
    for step in 0..4000 {
        let h = hosts[rng.below(2)];
        // Half the time, aim at a socket that exists, so connections and datagrams happen.
        let a = match rng.below(4) {
            0 if !listeners.is_empty() => {
                let i = rng.below(listeners.len());
                listeners[i].local_addr().unwrap()
            }
            1 if !dgrams.is_empty() => {
                let i = rng.below(dgrams.len());
                dgrams[i].local_addr().unwrap()
            }
            _ => pick_addr(&mut rng),
        };
        let n = rng.below(300);
        let r: Result<String, anysock::Error> = match rng.below(16) {
            0 => h
                .socket(domains[rng.below(3)], types[rng.below(3)])
                .map(|s| sockets.push(s))
                .map(|_| "socket".into()),
            1 if !sockets.is_empty() => {
                let i = rng.below(sockets.len());
                sockets[i].bind(&a).map(|_| "bind".into())
            }
            2 if !sockets.is_empty() => {
                let s = sockets.swap_remove(rng.below(sockets.len()));
                s.listen(rng.next_u64() as u32 % 5)
                    .map(|l| listeners.push(l))
                    .map(|_| "listen".into())
            }
            3 if !sockets.is_empty() => {
                let i = rng.below(sockets.len());
                if rng.below(2) == 0 {
                    sockets[i].set_nonblocking(true).unwrap();
                }
                sockets[i].connect(&a).map(|_| "connect".into())
            }
            4 if !sockets.is_empty() => {
                let s = sockets.swap_remove(rng.below(sockets.len()));
                if s.socket_type() == Type::Datagram {
                    s.into_datagram().map(|d| dgrams.push(d))
                } else {
                    s.into_stream().map(|t| streams.push(t))
                }
                .map(|_| "into".into())
            }
            5 if !listeners.is_empty() => {
                let i = rng.below(listeners.len());
                listeners[i].accept().map(|(s, p)| {
                    streams.push(s);
                    format!("accept {p}")
                })
            }
            6 if !streams.is_empty() => {
                let i = rng.below(streams.len());
                streams[i].write(&buf[..n]).map(|k| format!("write {k}"))
            }
            7 if !streams.is_empty() => {
                let i = rng.below(streams.len());
                let flags = MsgFlags::from_bits(rng.next_u64() as u32 & 0x1ff).unwrap();
                streams[i]
                    .recv(&mut buf[..n], flags)
                    .map(|k| format!("recv {k}"))
            }
            8 if !streams.is_empty() => {
                let i = rng.below(streams.len());
                let how = [Shutdown::Read, Shutdown::Write, Shutdown::Both][rng.below(3)];
                streams[i].shutdown(how).map(|_| "shutdown".into())
            }
            9 if !dgrams.is_empty() => {
                let i = rng.below(dgrams.len());
                dgrams[i]
                    .send_to(&buf[..n], &a)
                    .map(|k| format!("send_to {k}"))
            }
            10 if !dgrams.is_empty() => {
                let i = rng.below(dgrams.len());
                dgrams[i]
                    .recv_from(&mut buf[..n])
                    .map(|(g, f)| format!("recv_from {g:?} {f}"))
            }
            11 => {
                // Close something.
                match rng.below(3) {
                    0 if !streams.is_empty() => {
                        let mut s = streams.swap_remove(rng.below(streams.len()));
                        let _ = s.set(Linger, Some(Duration::ZERO));
                    }
                    1 if !listeners.is_empty() => {
                        listeners.swap_remove(rng.below(listeners.len()));
                    }
                    _ if !dgrams.is_empty() => {
                        dgrams.swap_remove(rng.below(dgrams.len()));
                    }
                    _ => {}
                }
                Ok("close".into())
            }
            12 => {
                let mut fds: Vec<_> = streams
                    .iter()
                    .map(|s| PollFd::new(s.handle(), Interest::BOTH))
                    .collect();
                let t = [None, Some(Duration::ZERO), Some(Duration::from_secs(200))];
                h.poll(&mut fds, t[rng.below(3)])
                    .map(|k| format!("poll {k}"))
            }
            13 if !streams.is_empty() => {
                let i = rng.below(streams.len());
                streams[i].set(RecvBufferSize, n).map(|_| "rcvbuf".into())
            }
            14 if !dgrams.is_empty() => {
                let i = rng.below(dgrams.len());
                dgrams[i]
                    .set(SendBufferSize, n * 1000)
                    .map(|_| "sndbuf".into())
            }
            15 if !streams.is_empty() => {
                let i = rng.below(streams.len());
                streams[i]
                    .get(SocketError)
                    .map(|e| format!("so_error {:?}", e.map(|e| e.kind())))
            }
            _ if rng.below(8) == 0 => {
                net.advance(Duration::from_secs(rng.below(100) as u64));
                Ok("advance".into())
            }
            // Otherwise the most common thing a program does: connect a new stream.
            _ => h
                .connect(&a)
                .map(|s| streams.push(s))
                .map(|_| "connect".into()),
        };
        let _ = writeln!(log, "{step}: {:?}", r.map_err(|e| e.kind()));
        if rng.below(500) == 0 {
            let _ = hosts[0].unlink(&UnixAddr::pathname("/s").unwrap());
        }
    }
    let _ = writeln!(log, "now {:?} open {}", net.now(), net.open_sockets());
    log
}

#[test]
fn random_calls_never_panic_and_repeat_exactly() {
    for seed in [1, 2, 3, 0x5eed] {
        let first = story(seed);
        assert_eq!(first, story(seed), "seed {seed} is not deterministic");
    }
    assert_ne!(story(1), story(2));
    // The mix reaches the interesting paths, not only the errors.
    let sample = story(7);
    for kind in ["accept", "write", "recv ", "recv_from", "connect", "listen"] {
        let hits = sample
            .lines()
            .filter(|l| l.contains(&format!("Ok(\"{kind}")))
            .count();
        println!("{kind}: {hits}");
        assert!(hits > 0, "no successful {kind}");
    }
}

#[test]
fn everything_closes() {
    let net: Net = Net::new();
    let h = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    {
        let mut l = h.listen(&"127.0.0.1:1".parse().unwrap(), 4).unwrap();
        let mut c = h.connect(&"127.0.0.1:1".parse().unwrap()).unwrap();
        let (mut s, _) = l.accept().unwrap();
        c.write_all(b"x").unwrap();
        s.read_exact(&mut [0u8; 1]).unwrap();
        let _pending = h.connect(&"127.0.0.1:1".parse().unwrap()).unwrap();
        let _d = h.bind(&"127.0.0.1:2".parse().unwrap()).unwrap();
        assert_eq!(net.open_sockets(), 6);
    }
    assert_eq!(net.open_sockets(), 0);
}
