//! Batched datagrams: 64-byte UDP datagrams on loopback in bursts of 32, sent and received
//! through anysock's `send_mmsg`/`recv_mmsg`, raw `libc` `sendmmsg`/`recvmmsg`, and `std`'s
//! `send_to`/`recv_from` one datagram at a time — in one process, the same loop for each.
//!
//! One burst = 32 datagrams sent to the receiver's address, then received with their senders'
//! addresses. The rounds run the three interleaved (the order rotating), after a warm-up; the
//! table shows the median time per datagram over the rounds, and the min. The last line is
//! `batch speedup anysock/std=X.XX`: std's median time per datagram over anysock's.
//!
//! Environment:
//! - `ANYSOCK_BENCH_QUICK=1`: 1/50 of the default bursts, for a smoke test.
//! - `ANYSOCK_BENCH_ITERS=N`: `N` bursts per implementation, in total over the rounds.
//! - `ANYSOCK_BENCH_ROUNDS=R`: `R` rounds (default 15).

mod common;
use std::hint::black_box;
use std::io;
use std::mem;
use std::net::UdpSocket;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use anysock::{posix, Endpoint};
use anysock::{IoVec, IoVecMut, MsgIo, RecvBatch, RecvMsg, SendBatch, SendMsg};

/// Bytes per datagram.
const MSG: usize = 64;
/// Datagrams per burst.
const BURST: usize = 32;
/// Bursts per implementation by default.
const DEFAULT_BURSTS: u64 = 40_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Impl {
    Anysock,
    Libc,
    Std,
}

impl Impl {
    const ALL: [Impl; 3] = [Impl::Anysock, Impl::Libc, Impl::Std];

    fn name(self) -> &'static str {
        match self {
            Impl::Anysock => "anysock send_mmsg/recv_mmsg",
            Impl::Libc => "libc sendmmsg/recvmmsg",
            Impl::Std => "std send_to/recv_from",
        }
    }
}

/// The sockets of one implementation, kept for the whole run.
struct Pair {
    tx: UdpSocket,
    rx: UdpSocket,
}

impl Pair {
    fn new() -> Pair {
        let rx = UdpSocket::bind("127.0.0.1:0").expect("bind the receiver");
        let tx = UdpSocket::bind("127.0.0.1:0").expect("bind the sender");
        rx.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        Pair { tx, rx }
    }
}

/// `bursts` bursts through anysock.
#[inline(never)]
fn anysock_loop(tx: &mut posix::Datagram, rx: &mut posix::Datagram, bursts: u64) {
    let to = rx.local_addr().expect("local address");
    let data = [0x5au8; MSG];
    let mut send = SendBatch::<BURST, 1>::new();
    for _ in 0..BURST {
        send.push(SendMsg::new(IoVec::from_slices(&[&data]).unwrap()).to(&to))
            .unwrap();
    }
    let mut bufs = [[0u8; MSG]; BURST];
    let mut recv = RecvBatch::<BURST, 1>::new();
    for buf in bufs.iter_mut() {
        let mut iov = IoVecMut::new();
        iov.push(buf).unwrap();
        recv.push(RecvMsg::new(iov)).unwrap();
    }
    for _ in 0..bursts {
        let sent = tx.send_mmsg(&mut send).expect("send_mmsg");
        assert_eq!(sent, BURST, "loopback takes a whole burst");
        let mut got = 0;
        while got < BURST {
            got += rx.recv_mmsg(&mut recv).expect("recv_mmsg");
            black_box(recv.meta()[0].addr);
        }
    }
}

/// `bursts` bursts through raw `libc` calls, headers prepared once as a C program would.
#[inline(never)]
fn libc_loop(tx: &UdpSocket, rx: &UdpSocket, bursts: u64) {
    let to = rx.local_addr().unwrap();
    let std::net::SocketAddr::V4(to) = to else {
        unreachable!("bound to 127.0.0.1")
    };
    // SAFETY: plain old data; all-zero bytes are a valid value.
    let mut sa: libc::sockaddr_in = unsafe { mem::zeroed() };
    sa.sin_family = libc::AF_INET as libc::sa_family_t;
    sa.sin_port = to.port().to_be();
    sa.sin_addr.s_addr = u32::from(*to.ip()).to_be();
    let mut data = [0x5au8; MSG];
    let mut send_iov = [libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: MSG,
    }; BURST];
    // SAFETY: plain old data; all-zero bytes are a valid value (null pointers, zero lengths).
    let mut send: [libc::mmsghdr; BURST] = unsafe { mem::zeroed() };
    for (h, iov) in send.iter_mut().zip(send_iov.iter_mut()) {
        h.msg_hdr.msg_name = (&mut sa as *mut libc::sockaddr_in).cast();
        h.msg_hdr.msg_namelen = mem::size_of::<libc::sockaddr_in>() as _;
        h.msg_hdr.msg_iov = iov;
        h.msg_hdr.msg_iovlen = 1;
    }
    let mut bufs = [[0u8; MSG]; BURST];
    // SAFETY: plain old data; all-zero bytes are a valid value.
    let mut names: [libc::sockaddr_storage; BURST] = unsafe { mem::zeroed() };
    let mut recv_iov: Vec<libc::iovec> = bufs
        .iter_mut()
        .map(|b| libc::iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: MSG,
        })
        .collect();
    // SAFETY: plain old data; all-zero bytes are a valid value.
    let mut recv: [libc::mmsghdr; BURST] = unsafe { mem::zeroed() };
    for ((h, iov), name) in recv
        .iter_mut()
        .zip(recv_iov.iter_mut())
        .zip(names.iter_mut())
    {
        h.msg_hdr.msg_name = (name as *mut libc::sockaddr_storage).cast();
        h.msg_hdr.msg_iov = iov;
        h.msg_hdr.msg_iovlen = 1;
    }
    let (txfd, rxfd) = (tx.as_raw_fd(), rx.as_raw_fd());
    for _ in 0..bursts {
        // SAFETY: every header points to the address, an iovec over `data`, all alive.
        let n = unsafe { libc::sendmmsg(txfd, send.as_mut_ptr(), BURST as _, libc::MSG_NOSIGNAL) };
        assert_eq!(n, BURST as i32, "sendmmsg: {}", io::Error::last_os_error());
        let mut got = 0;
        while got < BURST {
            for h in &mut recv[got..] {
                h.msg_hdr.msg_namelen = mem::size_of::<libc::sockaddr_storage>() as _;
            }
            let left = &mut recv[got..];
            // SAFETY: every header points to its address room and an iovec over its buffer.
            let n = unsafe {
                libc::recvmmsg(
                    rxfd,
                    left.as_mut_ptr(),
                    left.len() as _,
                    libc::MSG_WAITFORONE,
                    std::ptr::null_mut(),
                )
            };
            assert!(n > 0, "recvmmsg: {}", io::Error::last_os_error());
            black_box(names[got].ss_family);
            got += n as usize;
        }
    }
}

/// `bursts` bursts through `std`, one datagram per call.
#[inline(never)]
fn std_loop(tx: &UdpSocket, rx: &UdpSocket, bursts: u64) {
    let to = rx.local_addr().unwrap();
    let data = [0x5au8; MSG];
    let mut buf = [0u8; MSG];
    for _ in 0..bursts {
        for _ in 0..BURST {
            assert_eq!(tx.send_to(&data, to).expect("send_to"), MSG);
        }
        for _ in 0..BURST {
            let (n, from) = rx.recv_from(&mut buf).expect("recv_from");
            black_box((n, from));
        }
    }
}

/// One round of `imp`: `bursts` bursts; returns the nanoseconds per datagram.
fn run(imp: Impl, pair: &Pair, bursts: u64) -> f64 {
    let start;
    match imp {
        Impl::Anysock => {
            let mut tx = posix::Datagram::from(pair.tx.try_clone().unwrap());
            let mut rx = posix::Datagram::from(pair.rx.try_clone().unwrap());
            start = Instant::now();
            anysock_loop(&mut tx, &mut rx, bursts);
        }
        Impl::Libc => {
            start = Instant::now();
            libc_loop(&pair.tx, &pair.rx, bursts);
        }
        Impl::Std => {
            start = Instant::now();
            std_loop(&pair.tx, &pair.rx, bursts);
        }
    }
    start.elapsed().as_nanos() as f64 / (bursts * BURST as u64) as f64
}

fn env_number(name: &str) -> Option<u64> {
    common::positive(name).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    })
}

/// The middle value; of an even count, the upper of the two in the middle.
fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let quick = common::var("ANYSOCK_BENCH_QUICK").as_deref() == Some("1");
    let rounds = env_number("ANYSOCK_BENCH_ROUNDS").unwrap_or(15) as usize;
    let bursts = env_number("ANYSOCK_BENCH_ITERS").unwrap_or(if quick {
        DEFAULT_BURSTS / 50
    } else {
        DEFAULT_BURSTS
    });
    let per_round = (bursts / rounds as u64).max(1);

    let pairs: Vec<Pair> = Impl::ALL.iter().map(|_| Pair::new()).collect();
    // Warm-up: caches, page faults, the scheduler's view of this thread.
    for (i, imp) in Impl::ALL.into_iter().enumerate() {
        run(imp, &pairs[i], (per_round / 4).max(1));
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); Impl::ALL.len()];
    for i in common::interleaved(rounds, Impl::ALL.len()) {
        times[i].push(run(Impl::ALL[i], &pairs[i], per_round));
    }

    println!(
        "udp {MSG}B datagrams, bursts of {BURST}: {} bursts x {rounds} rounds per implementation",
        per_round
    );
    println!(
        "{:<30} {:>12} {:>12}",
        "implementation", "median ns/dg", "min ns/dg"
    );
    let medians: Vec<f64> = times.iter().map(|t| median(t)).collect();
    for (i, imp) in Impl::ALL.into_iter().enumerate() {
        let min = common::min(&times[i]);
        println!("{:<30} {:>12.1} {:>12.1}", imp.name(), medians[i], min);
    }
    let (any, raw, std) = (medians[0], medians[1], medians[2]);
    println!("ratio anysock/libc = {:.3} (target <= 1.03)", any / raw);
    println!("ratio libc/std = {:.3}", raw / std);
    println!("batch speedup anysock/std={:.2}", std / any);
}
