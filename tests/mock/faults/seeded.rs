//! Seeded faults: the same seed gives the same run, event for event; and a client that
//! retries gets its answers through a lossy network.

use crate::mock_common;

use anysock::Endpoint as _;
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::mock::{FaultPlan, Net};
use anysock::opt::RecvTimeout;
use anysock::{
    Datagram as _, ErrorKind, Interest, Listener as _, PollFd, Pollable, SockOpt, Stack as _,
};

use mock_common::{addr, nth_host, Text};

const MS: Duration = Duration::from_millis(1);

type TracedNet = Net<32, 4096, 8, Text>;

/// Three hosts: two clients send datagrams to a server that echoes them, and one of them
/// also streams 600 bytes over TCP; everything under loss, duplication, reordering,
/// latency and short writes.
fn scenario(seed: u64) -> String {
    let net: TracedNet = Net::with_tracer(Text::default());
    net.set_seed(seed);
    net.set_faults(
        FaultPlan::new()
            .loss(200_000)
            .duplicate(100_000)
            .reorder(100_000)
            .latency(MS..5 * MS)
            .max_chunk(50),
    );
    {
        let (server, c1, c2) = (nth_host(&net, 1), nth_host(&net, 2), nth_host(&net, 3));
        let mut echo = server.bind(&addr("10.0.0.1:7")).unwrap();
        echo.set_nonblocking(true).unwrap();
        let mut listener = server.listen(&addr("10.0.0.1:80"), 4).unwrap();
        let mut u1 = c1.bind(&addr("0.0.0.0:0")).unwrap();
        let mut u2 = c2.bind(&addr("0.0.0.0:0")).unwrap();
        let mut tcp = c1.connect(&addr("10.0.0.1:80")).unwrap();
        let (mut accepted, _) = listener.accept().unwrap();
        accepted.set_nonblocking(true).unwrap();
        let body: Vec<u8> = (0..600u32).map(|i| i as u8).collect();
        let mut sent = 0;
        let mut received = Vec::new();
        let mut buf = [0u8; 64];
        for round in 0..20u8 {
            u1.send_to(&[round], &addr("10.0.0.1:7")).unwrap();
            u2.send_to(&[round, round], &addr("10.0.0.1:7")).unwrap();
            if sent < body.len() {
                sent += tcp.write(&body[sent..]).unwrap();
            }
            let mut fds = [
                PollFd::new(echo.handle(), Interest::READABLE),
                PollFd::new(accepted.handle(), Interest::READABLE),
            ];
            let _ = server.poll(&mut fds, Some(2 * MS)).unwrap();
            while let Ok((got, from)) = echo.recv_from(&mut buf) {
                echo.send_to(&buf[..got.len], &from).unwrap();
            }
            while let Ok(n) = accepted.read(&mut buf) {
                received.extend_from_slice(&buf[..n]);
            }
        }
        net.advance(10 * MS);
        while let Ok(n) = accepted.read(&mut buf) {
            received.extend_from_slice(&buf[..n]);
        }
        assert_eq!(received, body[..sent], "a stream loses nothing");
    }
    net.into_tracer().0
}

#[test]
fn the_same_seed_gives_the_same_trace_and_another_seed_another() {
    let first = scenario(1);
    let again = scenario(1);
    assert_eq!(first, again);
    for fault in ["Loss", "Duplicate", "Latency", "ShortIo"] {
        assert!(first.contains(fault), "no {fault} in:\n{first}");
    }
    assert_ne!(first, scenario(2));
}

/// A client asks ten questions over UDP and retries each until it gets the answer.
#[test]
fn a_client_retries_through_twenty_percent_loss() {
    // The network: two hosts, 20 % of datagrams lost, each delayed 1 to 10 ms.
    let net: Net = Net::with_seed(42);
    net.set_faults(FaultPlan::new().loss(200_000).latency(MS..10 * MS));
    let server_host = nth_host(&net, 1);
    let client_host = nth_host(&net, 2);

    // The server answers "q<i>" with "a<i>".
    let mut server = server_host.bind(&addr("10.0.0.1:53")).unwrap();
    server.set_nonblocking(true).unwrap();
    let mut serve = || {
        let mut fds = [PollFd::new(server.handle(), Interest::READABLE)];
        let _ = server_host.poll(&mut fds, Some(20 * MS));
        let mut buf = [0u8; 16];
        while let Ok((got, from)) = server.recv_from(&mut buf) {
            buf[0] = b'a';
            server.send_to(&buf[..got.len], &from).unwrap();
        }
    };

    // The client waits 50 ms for each answer, then asks again.
    let mut client = client_host.bind(&addr("0.0.0.0:0")).unwrap();
    client.set(RecvTimeout, Some(50 * MS)).unwrap();
    let mut attempts = 0;
    for i in 0..10 {
        let question = format!("q{i}");
        let answer = format!("a{i}");
        'retry: loop {
            attempts += 1;
            assert!(attempts < 100, "the network never lets an answer through");
            client
                .send_to(question.as_bytes(), &addr("10.0.0.1:53"))
                .unwrap();
            serve();
            let mut buf = [0u8; 16];
            loop {
                match client.recv(&mut buf) {
                    Ok(got) if buf[..got.len] == *answer.as_bytes() => break 'retry,
                    Ok(_) => continue, // a late answer to an earlier attempt
                    Err(e) if e.kind() == ErrorKind::WouldBlock => continue 'retry,
                    Err(e) => panic!("{e:?}"),
                }
            }
        }
    }
    assert!(attempts > 10, "some questions or answers were lost");
    assert!(net.now() > 10 * MS);
}
