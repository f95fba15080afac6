//! The EINTR policy, under fire: signals whose handler is installed without `SA_RESTART`
//! interrupt blocking calls over and over, and no call may fail with `Interrupted`, lose a
//! byte, duplicate one, or cut a timeout short.

use crate::common;
use crate::data::pattern;

use anysock::Endpoint as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use anysock::embedded_io::{Read, Write};
use anysock::posix::Posix;
use anysock::{Interest, Listener as _, PollFd, Pollable, Socket as _, Stack, Type};

static HANDLED: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_signal(_: libc::c_int) {
    HANDLED.fetch_add(1, Ordering::Relaxed);
}

/// Installs the handler for SIGUSR1 without `SA_RESTART`, so the kernel returns `EINTR` from
/// every blocking call the signal lands in instead of restarting it.
fn install_handler() {
    // SAFETY: a zeroed `sigaction` is valid; the handler only touches an atomic.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
        action.sa_flags = 0;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()),
            0
        );
    }
}

/// Signals `target` every 200 µs until `stop` is set; returns how many signals were sent.
fn storm(target: libc::pthread_t, stop: Arc<AtomicBool>) -> thread::JoinHandle<usize> {
    thread::spawn(move || {
        let mut sent = 0;
        while !stop.load(Ordering::Relaxed) {
            // SAFETY: `target` is a live thread: the test joins it only after setting `stop`.
            unsafe { libc::pthread_kill(target, libc::SIGUSR1) };
            sent += 1;
            thread::sleep(Duration::from_micros(200));
        }
        sent
    })
}

/// Runs `work` on a thread under a signal storm, and returns its result and the signal count.
fn under_storm<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> (T, usize) {
    install_handler();
    let (tx, rx) = mpsc::channel();
    let worker = thread::spawn(move || {
        // SAFETY: `pthread_self` has no preconditions.
        tx.send(unsafe { libc::pthread_self() }).unwrap();
        work()
    });
    let stop = Arc::new(AtomicBool::new(false));
    let signaller = storm(rx.recv().unwrap(), stop.clone());
    let out = worker.join().expect("worker panicked");
    stop.store(true, Ordering::Relaxed);
    (out, signaller.join().unwrap())
}

#[test]
fn a_stream_under_signals_loses_and_duplicates_nothing() {
    let _check = common::fd_check();
    const TOTAL: usize = 1 << 20;
    let (a, b) = Posix.socketpair(Type::Stream).unwrap();
    let (mut tx, mut rx) = (a.into_stream().unwrap(), b.into_stream().unwrap());
    let writer = thread::spawn(move || {
        // Small writes with pauses keep the reader blocked in `recv` when signals land.
        for chunk in pattern(0, TOTAL).chunks(4096) {
            tx.write_all(chunk).unwrap();
            thread::sleep(Duration::from_micros(50));
        }
    });
    let (received, signals) = under_storm(move || {
        let mut got = Vec::with_capacity(TOTAL);
        let mut buf = [0u8; 8192];
        loop {
            match rx.read(&mut buf) {
                Ok(0) => return got,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => panic!("read failed under signals: {e:?}"),
            }
        }
    });
    writer.join().unwrap();
    assert!(signals > 10, "the storm sent only {signals} signals");
    assert_eq!(received.len(), TOTAL);
    assert!(received == pattern(0, TOTAL), "bytes differ");
}

#[test]
fn accept_and_poll_wait_out_signals() {
    let _check = common::fd_check();
    let mut listener = Posix.listen(&"127.0.0.1:0".parse().unwrap(), 4).unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = listener.handle();

    // poll with a timeout and nothing to report must wait the whole timeout, signals or not.
    let ((waited, ready), _) = under_storm(move || {
        let start = Instant::now();
        let mut fds = [PollFd::new(handle, Interest::READABLE)];
        let n = Posix
            .poll(&mut fds, Some(Duration::from_millis(150)))
            .unwrap();
        (start.elapsed(), n)
    });
    assert_eq!(ready, 0);
    assert!(
        waited >= Duration::from_millis(150),
        "poll returned after {waited:?}"
    );

    // A blocked accept sees the signals, then the connection.
    let connector = thread::spawn(move || {
        thread::sleep(Duration::from_millis(100));
        Posix.connect(&addr).unwrap()
    });
    let (accepted, signals) = under_storm(move || listener.accept().map(|(_, peer)| peer));
    let client = connector.join().unwrap();
    assert!(signals > 10);
    assert_eq!(
        accepted.unwrap(),
        anysock::Endpoint::local_addr(&client).unwrap()
    );
}
