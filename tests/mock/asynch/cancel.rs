//! Cancelling async calls on the mock, waiting on one socket from several tasks, and bad input:
//! a future dropped before it completes has moved nothing and leaves nothing parked; a connect
//! cancelled midway keeps its handshake; two readers of one stream are both woken; one waiter
//! too many is a typed error; every socket closes when its objects are gone.

use crate::mock_common;

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use std::time::Duration;

use anysock::asynch::{timeout, Datagram as _, Listener as _, Socket as _, Stack as _};
use anysock::embedded_io_async::{Read as _, Write as _};
use anysock::mock::{FaultPlan, Net, MAX_TIMERS, MAX_WAITERS};
use anysock::{Domain, ErrorKind, Type};
use embassy_futures::join::join;
use embassy_futures::select::{select, Either};

use mock_common::{addr, two_hosts};

const MS: Duration = Duration::from_millis(1);

#[test]
fn a_recv_cut_short_by_a_timeout_leaves_the_bytes_for_the_next_one() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    net.set_faults(FaultPlan::new().latency(50 * MS..50 * MS));
    let mut listener = b.listen(&addr("10.0.0.2:80"), 1).unwrap();
    let (client, accepted) = net
        .run(join(a.connect(&addr("10.0.0.2:80")), listener.accept()))
        .unwrap();
    let (mut client, (mut server, _)) = (client.unwrap(), accepted.unwrap());
    let story = async {
        client.write_all(b"on its way").await?;
        let mut buf = [0u8; 16];
        // The bytes take 50 ms; the read gives up after 10.
        let early = timeout(&b, 10 * MS, server.read(&mut buf)).await;
        assert_eq!(early.unwrap_err().kind(), ErrorKind::TimedOut);
        let n = server.read(&mut buf).await?;
        assert_eq!(&buf[..n], b"on its way", "all of them, for the next read");
        Ok::<_, anysock::Error>(())
    };
    net.run(story).unwrap().unwrap();
    assert_eq!(net.now(), 50 * MS);
}

#[test]
fn an_accept_that_lost_a_select_leaves_the_connection_queued() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let mut listener = b.listen(&addr("10.0.0.2:80"), 4).unwrap();
    let story = async {
        // The connect completes first; the accept racing it is dropped unfinished.
        let raced = select(a.connect(&addr("10.0.0.2:80")), listener.accept()).await;
        let Either::First(client) = raced else {
            panic!("the accept could not have won");
        };
        let client = client?;
        let (_server, peer) = listener.accept().await?;
        assert_eq!(peer, anysock::asynch::Endpoint::local_addr(&client)?);
        Ok::<_, anysock::Error>(())
    };
    net.run(story).unwrap().unwrap();
    drop(listener);
    assert_eq!(net.open_sockets(), 0);
}

#[test]
fn a_cancelled_connect_keeps_its_handshake_and_connecting_again_waits_for_it() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    // Backlog 0: one connection waits; the next SYN finds the queue full and is retried.
    let mut listener = b.listen(&addr("10.0.0.2:80"), 0).unwrap();
    let story = async {
        let first = a.connect(&addr("10.0.0.2:80")).await?;
        let mut second = a.socket(Domain::Inet, Type::Stream)?;
        let gave_up = timeout(&a, 10 * MS, second.connect(&addr("10.0.0.2:80"))).await;
        assert_eq!(gave_up.unwrap_err().kind(), ErrorKind::TimedOut);
        // An accept makes room: the retried SYN gets in while nobody waits for it...
        let (_one, _) = listener.accept().await?;
        // ...and connecting again reports that handshake instead of starting another.
        second.connect(&addr("10.0.0.2:80")).await?;
        let (_two, peer) = listener.accept().await?;
        assert_eq!(
            peer,
            anysock::asynch::Endpoint::local_addr(&second)?,
            "the same connection"
        );
        // With the queue full again, a `Stack::connect` cancelled midway closes its half-made
        // socket.
        let _filler = a.connect(&addr("10.0.0.2:80")).await?;
        let open = net.open_sockets();
        let cut = timeout(&a, 10 * MS, a.connect(&addr("10.0.0.2:80"))).await;
        assert_eq!(cut.map(drop).unwrap_err().kind(), ErrorKind::TimedOut);
        assert_eq!(net.open_sockets(), open, "nothing left behind");
        drop(first);
        Ok::<_, anysock::Error>(())
    };
    net.run(story).unwrap().unwrap();
    drop(listener);
    assert_eq!(net.open_sockets(), 0);
}

#[test]
fn cancelling_again_and_again_leaves_nothing_parked() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let mut listener = b.listen(&addr("10.0.0.2:80"), 1).unwrap();
    let story = async {
        let (client, accepted) = join(a.connect(&addr("10.0.0.2:80")), listener.accept()).await;
        let (mut client, (mut server, _)) = (client?, accepted?);
        let mut buf = [0u8; 4];
        // Far more cancelled reads, writes, accepts and timers than a socket has waiters or
        // the network has timers: each gave its entry back.
        let fill = [0u8; 4096];
        client.write_all(&fill).await?;
        for _ in 0..10 * (MAX_WAITERS + MAX_TIMERS) {
            let read = timeout(&b, MS, listener.accept()).await;
            assert_eq!(read.map(drop).unwrap_err().kind(), ErrorKind::TimedOut);
            let write = timeout(&a, MS, client.write(b"more")).await;
            assert_eq!(write.unwrap_err().kind(), ErrorKind::TimedOut);
        }
        let mut drained = 0;
        while drained < fill.len() {
            drained += server.read(&mut [0u8; 1024]).await?;
        }
        for _ in 0..10 * (MAX_WAITERS + MAX_TIMERS) {
            let read = timeout(&b, MS, server.read(&mut buf)).await;
            assert_eq!(read.unwrap_err().kind(), ErrorKind::TimedOut);
        }
        client.write_all(b"done").await?;
        server.read_exact(&mut buf).await?;
        assert_eq!(&buf, b"done");
        Ok::<_, anysock::Error>(())
    };
    net.run(story).unwrap().unwrap();
    drop(listener);
    assert_eq!(net.open_sockets(), 0);
}

#[test]
fn two_readers_of_one_stream_are_both_woken_and_one_waiter_too_many_is_typed() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let mut listener = b.listen(&addr("10.0.0.2:80"), 1).unwrap();
    let (client, accepted) = net
        .run(join(a.connect(&addr("10.0.0.2:80")), listener.accept()))
        .unwrap();
    let (mut client, (server, _)) = (client.unwrap(), accepted.unwrap());
    let mut cx = Context::from_waker(Waker::noop());
    let mut bufs = [[0u8; 1]; MAX_WAITERS + 1];
    let mut readers: Vec<_> = bufs
        .iter_mut()
        .map(|buf| {
            let mut r = &server;
            Box::pin(async move { r.read(buf).await })
        })
        .collect();
    for r in &mut readers[..MAX_WAITERS] {
        assert!(r.as_mut().poll(&mut cx).is_pending());
    }
    match readers[MAX_WAITERS].as_mut().poll(&mut cx) {
        Poll::Ready(Err(e)) => assert_eq!(e.kind(), ErrorKind::OutOfMemory),
        other => panic!("one waiter too many: {other:?}"),
    }
    // One byte: every waiter is woken, the first to run takes it, the others wait again.
    net.run(client.write_all(b"a")).unwrap().unwrap();
    let done: Vec<bool> = readers[..MAX_WAITERS]
        .iter_mut()
        .map(|r| r.as_mut().poll(&mut cx).is_ready())
        .collect();
    assert_eq!(done, [true, false, false, false]);
    net.run(client.write_all(b"bcd")).unwrap().unwrap();
    for r in &mut readers[1..MAX_WAITERS] {
        assert_eq!(r.as_mut().poll(&mut cx), Poll::Ready(Ok(1)));
    }
    drop(readers);
    let got: Vec<u8> = bufs[..MAX_WAITERS].iter().map(|b| b[0]).collect();
    assert_eq!(got, b"abcd");
}

#[test]
fn a_crash_wakes_every_future_waiting_on_the_host() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let mut listener = b.listen(&addr("10.0.0.2:80"), 1).unwrap();
    let mut idle = b.listen(&addr("10.0.0.2:81"), 1).unwrap();
    let (client, accepted) = net
        .run(join(a.connect(&addr("10.0.0.2:80")), listener.accept()))
        .unwrap();
    let (mut client, _server) = (client.unwrap(), accepted.unwrap());
    let mut cx = Context::from_waker(Waker::noop());
    let mut buf = [0u8; 4];
    let mut read = pin!(client.read(&mut buf));
    let mut accept = pin!(idle.accept());
    assert!(read.as_mut().poll(&mut cx).is_pending());
    assert!(accept.as_mut().poll(&mut cx).is_pending());
    net.crash(b);
    fn kind<T>(p: Poll<anysock::Result<T>>) -> ErrorKind {
        match p {
            Poll::Ready(Err(e)) => e.kind(),
            Poll::Ready(Ok(_)) => panic!("done after a crash"),
            Poll::Pending => panic!("still waiting after a crash"),
        }
    }
    assert_eq!(
        kind(read.as_mut().poll(&mut cx)),
        ErrorKind::ConnectionReset
    );
    assert_eq!(
        kind(accept.as_mut().poll(&mut cx)),
        ErrorKind::BadDescriptor
    );
}

#[test]
fn bad_input_is_a_typed_error_never_a_panic() {
    let net: Net = Net::new();
    let (a, _) = two_hosts(&net);
    let a = a.asynch();
    let story = async {
        let kind = |r: anysock::Result<()>| r.unwrap_err().kind();
        let mut s = a.socket(Domain::Inet, Type::Stream)?;
        let v6 = addr("[fd00::2]:80");
        assert_eq!(kind(s.connect(&v6).await), ErrorKind::InvalidInput);
        let unbound = a.socket(Domain::Inet, Type::Stream)?;
        assert_eq!(
            kind(unbound.into_datagram().map(drop)),
            ErrorKind::InvalidInput
        );
        let dgram = a.socket(Domain::Inet, Type::Datagram)?;
        assert_eq!(kind(dgram.listen(1).map(drop)), ErrorKind::Unsupported);
        let mut udp = a.bind(&addr("10.0.0.1:0"))?;
        assert_eq!(
            kind(udp.send_to(b"x", &v6).await.map(drop)),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            kind(udp.send(b"x").await.map(drop)),
            ErrorKind::NotConnected
        );
        let huge = vec![0u8; 70_000];
        let far = addr("10.0.0.2:9");
        assert_eq!(
            kind(udp.send_to(&huge, &far).await.map(drop)),
            ErrorKind::MessageTooLong
        );
        let mut conn = a.socket(Domain::Inet, Type::Stream)?;
        assert_eq!(
            kind(conn.connect(&addr("10.9.9.9:80")).await),
            ErrorKind::HostUnreachable
        );
        // Every timer taken: one more sleep is refused, not forgotten.
        let mut sleeps: Vec<_> = (0..MAX_TIMERS)
            .map(|_| Box::pin(a.sleep(Duration::from_secs(1))))
            .collect();
        let mut cx = Context::from_waker(Waker::noop());
        for s in &mut sleeps {
            assert!(s.as_mut().poll(&mut cx).is_pending());
        }
        let one_more = a.sleep(Duration::from_secs(1)).await;
        assert_eq!(kind(one_more), ErrorKind::OutOfMemory);
        drop(sleeps);
        a.sleep(MS).await?;
        Ok::<_, anysock::Error>(())
    };
    net.run(story).unwrap().unwrap();
    assert_eq!(net.open_sockets(), 0);
}
