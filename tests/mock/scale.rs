//! The mock at scale: a network sized at run time (`Net::builder`) holds a thousand hosts and
//! tens of thousands of sockets, refuses what does not fit with a typed error, and runs a
//! program exactly as a small network does: the same trace and the same capture, byte for
//! byte, whatever else the network holds.

use crate::mock_common;

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::mock::pcap::PcapTracer;
use anysock::mock::trace::{Event, Tracer};
use anysock::mock::{FaultPlan, Host, Local, Net, Script};
use anysock::opt::{Broadcast, RecvTimeout};
use anysock::{
    Datagram as _, Endpoint as _, ErrorKind, Interest, Listener as _, PollFd, Pollable, SockOpt,
    Socket as _, Stack as _, Type, UnixAddr,
};

use mock_common::addr;

const MS: Duration = Duration::from_millis(1);

/// The `n`-th host's addresses: 10.x.y.z and fd00::n, from 1.
fn addresses(n: u32) -> (Ipv4Addr, Ipv6Addr) {
    let v4 = Ipv4Addr::from(0x0a00_0000 + n);
    let v6 = Ipv6Addr::from((0xfd00_u128 << 112) | u128::from(n));
    (v4, v6)
}

/// The trace as text and as a capture file, side by side.
struct Both {
    text: String,
    pcap: PcapTracer<Vec<u8>>,
}

impl Both {
    fn new() -> Both {
        Both {
            text: String::new(),
            pcap: PcapTracer::new(Vec::new()),
        }
    }

    fn finish(self) -> (String, Vec<u8>) {
        (self.text, self.pcap.finish().unwrap())
    }
}

impl Tracer for Both {
    fn record(&mut self, event: &Event<'_>) {
        let _ = writeln!(self.text, "{event}");
        self.pcap.record(event);
    }
}

type Traced<'n, const S: usize, const H: usize> = Host<'n, S, 4096, 8, Both, Local, H>;

/// Three hosts (10.0.0.1-3) talk: TCP with latency, short writes, a backlog that overflows,
/// a reset; UDP with loss, duplication and reordering, a scripted loss and a broadcast; a
/// partition that holds stream bytes until it heals; a Unix socket file; a crash. Returns
/// what the program saw.
fn program<const S: usize, const H: usize>(
    net: &Net<S, 4096, 8, Both, Local, H>,
    [a, b, c]: [Traced<'_, S, H>; 3],
) -> Vec<u8> {
    let mut seen = Vec::new();
    net.set_seed(11);
    net.set_faults(FaultPlan::new().latency(MS..3 * MS));
    net.set_faults_between(
        a,
        c,
        FaultPlan::new()
            .loss(150_000)
            .duplicate(150_000)
            .reorder(200_000)
            .latency(MS..4 * MS)
            .max_chunk(40),
    );
    net.script(Script::lose(b, c, 2)).unwrap();

    // TCP: a and b connect to c's listener, whose backlog lets one wait; a third connect
    // retries its SYN until an accept makes room.
    let mut listener = c.listen(&addr("10.0.0.3:80"), 0).unwrap();
    let mut from_a = a.connect(&addr("10.0.0.3:80")).unwrap();
    let mut from_b = b.socket(anysock::Domain::Inet, Type::Stream).unwrap();
    from_b.set_nonblocking(true).unwrap();
    assert_eq!(
        from_b.connect(&addr("10.0.0.3:80")).unwrap_err().kind(),
        ErrorKind::InProgress
    );
    let (mut at_c_a, _) = listener.accept().unwrap();
    let (mut at_c_b, _) = listener.accept().unwrap();
    from_b.set_nonblocking(false).unwrap();
    let mut from_b = from_b.into_stream().unwrap();
    for s in [&mut at_c_a, &mut at_c_b] {
        s.set(RecvTimeout, Some(50 * MS)).unwrap();
    }
    let body: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
    let mut sent = 0;
    while sent < body.len() {
        sent += from_a.write(&body[sent..]).unwrap();
        from_b.write_all(&body[..10]).unwrap();
        let mut buf = [0u8; 64];
        let n = at_c_a.read(&mut buf).unwrap();
        seen.extend_from_slice(&buf[..n]);
        at_c_b.read_exact(&mut buf[..10]).unwrap();
        at_c_b.write_all(&buf[..10]).unwrap();
        from_b.read_exact(&mut buf[..10]).unwrap();
        seen.extend_from_slice(&buf[..10]);
    }

    // UDP: a and b ask c, which echoes; one broadcast.
    let mut echo = c.bind(&addr("10.0.0.3:53")).unwrap();
    echo.set_nonblocking(true).unwrap();
    let mut ua = a.bind(&addr("0.0.0.0:0")).unwrap();
    let mut ub = b.bind(&addr("0.0.0.0:9999")).unwrap();
    let mut bc = c.bind(&addr("0.0.0.0:9999")).unwrap();
    ub.set(Broadcast, true).unwrap();
    ub.send_to(b"all", &addr("255.255.255.255:9999")).unwrap();
    for round in 0..30u8 {
        ua.send_to(&[round; 3], &addr("10.0.0.3:53")).unwrap();
        ub.send_to(&[round], &addr("10.0.0.3:53")).unwrap();
        let mut fds = [PollFd::new(echo.handle(), Interest::READABLE)];
        let _ = c.poll(&mut fds, Some(2 * MS)).unwrap();
        let mut buf = [0u8; 16];
        while let Ok((got, from)) = echo.recv_from(&mut buf) {
            seen.extend_from_slice(&buf[..got.len]);
            echo.send_to(&buf[..got.len], &from).unwrap();
        }
    }
    let mut buf = [0u8; 16];
    bc.set_nonblocking(true).unwrap();
    while let Ok((got, _)) = bc.recv_from(&mut buf) {
        seen.extend_from_slice(&buf[..got.len]);
    }

    // A partition holds a's bytes; healing delivers them.
    net.partition(a, c);
    from_a.write_all(b"held").unwrap();
    net.advance(10 * MS);
    net.heal(a, c);
    let mut held = [0u8; 4];
    at_c_a.read_exact(&mut held).unwrap();
    seen.extend_from_slice(&held);

    // A Unix socket file on c, and b's connection reset by a crash.
    let path = UnixAddr::pathname("/run/c.sock").unwrap();
    let unix = c.listen(&anysock::SocketAddr::Unix(path), 1).unwrap();
    drop(unix);
    assert_eq!(
        c.listen(&anysock::SocketAddr::Unix(path), 1)
            .unwrap_err()
            .kind(),
        ErrorKind::AddrInUse
    );
    c.unlink(&path).unwrap();
    from_b.write_all(b"bye").unwrap();
    net.crash(c);
    let mut end = [0u8; 8];
    seen.push(u8::from(from_b.read(&mut end).is_err()));
    seen.extend_from_slice(&net.now().as_micros().to_le_bytes());
    seen
}

/// Hosts that take part in nothing, with sockets bound as a busy network's would be: a TCP
/// listener and a UDP socket on the program's ports, another UDP socket, a Unix socket file
/// and an abstract name each. They make no traffic (and listen on no port the program
/// broadcasts to), so they leave no trace.
fn bystanders<'n, const S: usize, const H: usize>(
    net: &'n Net<S, 4096, 8, Both, Local, H>,
    numbers: std::ops::Range<u32>,
) -> Bystanders<'n, S, H> {
    let mut kept = Bystanders {
        listeners: Vec::new(),
        datagrams: Vec::new(),
    };
    for n in numbers {
        let (v4, v6) = addresses(n);
        let h = net.host(v4, v6).unwrap();
        let file = anysock::SocketAddr::Unix(UnixAddr::pathname("/run/c.sock").unwrap());
        let name = anysock::SocketAddr::Unix(UnixAddr::abstract_name(b"svc").unwrap());
        for at in [addr(&format!("{v4}:80")), file, name] {
            kept.listeners.push(h.listen(&at, 4).unwrap());
        }
        for at in [format!("{v4}:53"), "0.0.0.0:9998".to_owned()] {
            kept.datagrams.push(h.bind(&addr(&at)).unwrap());
        }
    }
    kept
}

/// The sockets of [`bystanders`], kept open.
struct Bystanders<'n, const S: usize, const H: usize> {
    listeners: Vec<anysock::mock::Listener<'n, S, 4096, 8, Both, Local, H>>,
    datagrams: Vec<anysock::mock::Datagram<'n, S, 4096, 8, Both, Local, H>>,
}

fn small_run() -> (String, Vec<u8>, Vec<u8>) {
    let net: Net<32, 4096, 8, Both> = Net::with_tracer(Both::new());
    let hosts = [1, 2, 3].map(|n| {
        let (v4, v6) = addresses(n);
        net.host(v4, v6).unwrap()
    });
    let seen = program(&net, hosts);
    let (text, pcap) = net.into_tracer().finish();
    (text, pcap, seen)
}

#[test]
fn a_program_leaves_the_same_trace_and_capture_on_a_thousand_hosts_as_on_three() {
    let (text, pcap, seen) = small_run();
    assert_eq!(small_run(), (text.clone(), pcap.clone(), seen.clone()));
    for sign in [
        "Loss",
        "Duplicate",
        "Reorder",
        "Latency",
        "ShortIo",
        "Partition",
        "Crash",
    ] {
        assert!(text.contains(sign), "no {sign} in:\n{text}");
    }

    let big: Net<32, 4096, 8, Both> = Net::builder()
        .hosts(1_000)
        .sockets(20_000)
        .paths(2_000)
        .tracer(Both::new())
        .build()
        .unwrap();
    {
        // The program's hosts among the others, not first.
        let before = bystanders(&big, 4..500);
        let hosts = [1, 2, 3].map(|n| {
            let (v4, v6) = addresses(n);
            big.host(v4, v6).unwrap()
        });
        let after = bystanders(&big, 500..1_001);
        assert_eq!(big.open_sockets(), 997 * 5);
        assert_eq!(program(&big, hosts), seen, "the program saw the same");
        drop((before, after));
    }
    let (big_text, big_pcap) = big.into_tracer().finish();
    assert_eq!(big_text, text, "the same trace");
    assert!(big_pcap == pcap, "the same capture, byte for byte");
}

#[test]
fn more_hosts_or_sockets_than_the_network_holds_are_typed_errors() {
    let net: Net = Net::builder().hosts(3).sockets(4).build().unwrap();
    let hosts = [1, 2, 3].map(|n| {
        let (v4, v6) = addresses(n);
        net.host(v4, v6).unwrap()
    });
    let (v4, v6) = addresses(4);
    assert_eq!(net.host(v4, v6).unwrap_err().kind(), ErrorKind::OutOfMemory);
    let open: Vec<_> = (0..4)
        .map(|_| {
            hosts[0]
                .socket(anysock::Domain::Inet, Type::Datagram)
                .unwrap()
        })
        .collect();
    let more = hosts[1].socket(anysock::Domain::Inet, Type::Datagram);
    assert_eq!(more.unwrap_err().kind(), ErrorKind::TooManyOpenFiles);
    drop(open);
    assert!(hosts[1].socket(anysock::Domain::Inet, Type::Stream).is_ok());

    for too_many in [
        Net::<32>::builder().sockets(usize::MAX).build(),
        Net::<32>::builder().hosts(usize::MAX).build(),
        Net::<32>::builder().paths(u32::MAX as usize).build(),
    ] {
        assert_eq!(too_many.unwrap_err().kind(), ErrorKind::InvalidInput);
    }
}

#[test]
fn a_host_address_is_used_once() {
    let net: Net = Net::builder().hosts(1_000).build().unwrap();
    let (v4, v6) = addresses(1);
    net.host(v4, v6).unwrap();
    let (other4, other6) = addresses(2);
    assert_eq!(
        net.host(v4, other6).unwrap_err().kind(),
        ErrorKind::AddrInUse
    );
    assert_eq!(
        net.host(other4, v6).unwrap_err().kind(),
        ErrorKind::AddrInUse
    );
    net.host(other4, other6).unwrap();
}

#[test]
fn the_host_count_of_a_fixed_network_is_in_its_type() {
    // What a `no_std` build without `alloc` sizes at compile time: sixteen hosts here.
    let net: Net<8, 256, 4, (), Local, 16> = Net::new();
    for n in 1..=16 {
        let (v4, v6) = addresses(n);
        net.host(v4, v6).unwrap();
    }
    let (v4, v6) = addresses(17);
    assert_eq!(net.host(v4, v6).unwrap_err().kind(), ErrorKind::OutOfMemory);
}

#[test]
fn a_network_holds_what_it_was_built_for_and_no_more_as_it_runs() {
    let small: Net = Net::builder().hosts(10).sockets(1_000).build().unwrap();
    let big: Net = Net::builder().hosts(10).sockets(2_000).build().unwrap();
    let per_socket = (big.memory() - small.memory()) / 1_000;
    assert!(
        (4096..4096 * 2).contains(&per_socket),
        "a socket holds its 4096-byte queue and a little more: {per_socket} bytes"
    );
    let before = big.memory();
    let (a, b) = {
        let (v4, v6) = addresses(1);
        let (w4, w6) = addresses(2);
        (big.host(v4, v6).unwrap(), big.host(w4, w6).unwrap())
    };
    let mut listener = b.listen(&addr("10.0.0.2:80"), 8).unwrap();
    let mut conns: Vec<_> = (0..400)
        .map(|_| {
            let c = a.connect(&addr("10.0.0.2:80")).unwrap();
            (c, listener.accept().unwrap().0)
        })
        .collect();
    for (c, s) in &mut conns {
        c.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).unwrap();
    }
    assert_eq!(big.memory(), before, "nothing grows as the network runs");
}

/// A thousand hosts in a ring, each connected to the next two; a message goes once around.
#[test]
fn a_message_goes_around_a_ring_of_a_thousand_hosts() {
    const N: u32 = 1_000;
    let net: Net = Net::builder()
        .hosts(N as usize)
        .sockets(5 * N as usize)
        .build()
        .unwrap();
    net.set_faults(FaultPlan::new().latency(MS..2 * MS));
    let hosts: Vec<_> = (1..=N)
        .map(|n| {
            let (v4, v6) = addresses(n);
            net.host(v4, v6).unwrap()
        })
        .collect();
    let mut listeners: Vec<_> = hosts
        .iter()
        .map(|h| h.listen(&addr(&format!("{}:7", h.ipv4())), 2).unwrap())
        .collect();
    // out[i][k]: host i to host i + k + 1; inn[j][k]: the end of that connection at j.
    let mut out: Vec<Vec<_>> = (0..N as usize).map(|_| Vec::new()).collect();
    let mut inn: Vec<Vec<_>> = (0..N as usize).map(|_| Vec::new()).collect();
    for k in 0..2 {
        for i in 0..N as usize {
            let j = (i + k + 1) % N as usize;
            let to = addr(&format!("{}:7", hosts[j].ipv4()));
            out[i].push(hosts[i].connect(&to).unwrap());
            inn[j].push(listeners[j].accept().unwrap().0);
        }
    }
    // The message hops to the next host, or the one after, in turn.
    let mut at = 0;
    let mut msg = *b"token:0000";
    for hop in 0..2 * N as usize {
        let k = hop % 2;
        msg[6..].copy_from_slice(format!("{:04}", hop % 10_000).as_bytes());
        out[at][k].write_all(&msg).unwrap();
        at = (at + k + 1) % N as usize;
        let mut got = [0u8; 10];
        inn[at][k].read_exact(&mut got).unwrap();
        assert_eq!(got, msg);
    }
    assert!(net.now() >= 2 * N * MS);
    listeners.clear();
}
