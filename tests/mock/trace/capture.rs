//! End to end: a program runs on a mock network whose tracer writes a pcap capture, under
//! loss and latency from a fixed seed; tshark reads the capture back and finds the program's
//! conversation in it, segment by segment and byte for byte, with nothing to complain about but
//! the reset the program asked for. The same seed gives the same file; another seed another.
//!
//! tshark comes from Debian's `tshark` package. Without it the tshark checks print why they are
//! skipped, unless `CI` is set: there a missing tshark fails the test.

use crate::data::pattern;
use crate::mock_common;
use crate::system::have_tool;

use anysock::Endpoint as _;
use std::collections::BTreeMap;
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::mock::pcap::PcapTracer;
use anysock::mock::{FaultPlan, Net};
use anysock::opt::Linger;
use anysock::{Datagram, ErrorKind, Listener, Shutdown, SockOpt, Stack, Stream};

use mock_common::{addr, flagged, tshark, two_hosts, Saved};

/// Queues of 64 KiB, so one write of more than a 32 KiB segment crosses in one event.
type CaptureNet = Net<16, 65536, 8, PcapTracer<Vec<u8>>>;

/// What the program sent and received, to compare with the capture.
#[derive(Debug, Default, PartialEq, Eq)]
struct Story {
    upload: Vec<u8>,
    download: Vec<u8>,
    doomed: Vec<u8>,
    queries: Vec<Vec<u8>>,
    answered: Vec<usize>,
}

/// Reads exactly `len` bytes (a blocking read waits on the virtual clock for bytes on their
/// way).
fn read_all<S: Stream>(s: &mut S, len: usize) -> Vec<u8> {
    let mut got = vec![0u8; len];
    let mut at = 0;
    while at < len {
        let n = s.read(&mut got[at..]).expect("read");
        assert!(n > 0, "end of stream after {at} of {len} bytes");
        at += n;
    }
    got
}

/// The program: a TCP conversation both ways (one write longer than a segment), half-closes,
/// a refused connect, a reset, and UDP queries with answers, on a network that loses a fifth
/// of the datagrams and delays everything by 1–8 ms.
fn program(net: &CaptureNet) -> Story {
    let mut story = Story::default();
    let ms = Duration::from_millis(1);
    net.set_faults(FaultPlan::new().loss(200_000).latency(ms..8 * ms));
    let (a, b) = two_hosts(net);

    let mut listener = b.listen(&addr("10.0.0.2:80"), 4).unwrap();
    let mut client = a.connect(&addr("10.0.0.2:80")).unwrap();
    let (mut server, _) = listener.accept().unwrap();

    story.upload = pattern(1, 48_000);
    assert_eq!(client.write(&story.upload[..40_000]).unwrap(), 40_000);
    for chunk in story.upload[40_000..].chunks(1000) {
        client.write_all(chunk).unwrap();
    }
    assert_eq!(read_all(&mut server, 48_000), story.upload);

    story.download = pattern(2, 36_000);
    for chunk in story.download.chunks(3000) {
        server.write_all(chunk).unwrap();
        assert_eq!(read_all(&mut client, chunk.len()), chunk);
    }
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(server.read(&mut [0u8; 8]).unwrap(), 0);
    server.shutdown(Shutdown::Write).unwrap();
    assert_eq!(client.read(&mut [0u8; 8]).unwrap(), 0);
    drop((client, server));

    let refused = a.connect(&addr("10.0.0.2:81")).map(|_| ()).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);

    let mut doomed = a.connect(&addr("10.0.0.2:80")).unwrap();
    let (mut victim, _) = listener.accept().unwrap();
    story.doomed = b"about to be reset".to_vec();
    doomed.write_all(&story.doomed).unwrap();
    assert_eq!(read_all(&mut victim, story.doomed.len()), story.doomed);
    doomed.set(Linger, Some(Duration::ZERO)).unwrap();
    drop(doomed); // Linger of zero: a reset instead of a FIN
    let reset = victim.read(&mut [0u8; 8]).unwrap_err();
    assert_eq!(reset.kind(), ErrorKind::ConnectionReset);
    drop((victim, listener));

    let mut asker = a.bind(&addr("10.0.0.1:0")).unwrap();
    let mut answerer = b.bind(&addr("10.0.0.2:4242")).unwrap();
    answerer.set_nonblocking(true).unwrap();
    asker.set_nonblocking(true).unwrap();
    for i in 0..20 {
        let query = pattern(10 + i, 1 + i * 37 % 500);
        asker.send_to(&query, &addr("10.0.0.2:4242")).unwrap();
        story.queries.push(query);
        net.advance(10 * ms); // past the longest latency: it has arrived, or it is lost
        let mut buf = [0u8; 600];
        let Ok((got, from)) = answerer.recv_from(&mut buf) else {
            continue;
        };
        assert_eq!(&buf[..got.len], &story.queries[i][..]);
        answerer.send_to(&i.to_be_bytes(), &from).unwrap();
        story.answered.push(i);
    }
    story
}

/// Runs the program on a fresh network seeded with `seed`; the capture's bytes and the story.
fn capture(seed: u64) -> (Vec<u8>, Story) {
    // A 64 KiB-queue network is larger than a test thread's stack: run on a thread of its own.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let net: CaptureNet = Net::with_tracer(PcapTracer::new(Vec::new()));
            net.set_seed(seed);
            let story = program(&net);
            let pcap = net.into_tracer();
            assert!(pcap.stats().complete(), "{:?}", pcap.stats());
            (pcap.finish().unwrap(), story)
        })
        .unwrap()
        .join()
        .unwrap()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// One captured frame, as tshark dissects it.
#[derive(Debug)]
struct Frame {
    src: String,
    stream: Option<u32>,
    flags: String,
    tcp_len: usize,
    payload: Vec<u8>,
    udp: bool,
}

fn frames(file: &Saved) -> Vec<Frame> {
    let fields = [
        "ip.src",
        "tcp.stream",
        "tcp.flags",
        "tcp.len",
        "tcp.payload",
        "udp.payload",
        "udp.length",
    ];
    let mut args = vec!["-r", file.path(), "-T", "fields"];
    for f in &fields {
        args.extend(["-e", f]);
    }
    tshark(&args)
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), fields.len(), "frame line {line:?}");
            let payload = if f[4].is_empty() { f[5] } else { f[4] };
            Frame {
                src: f[0].to_string(),
                stream: f[1].parse().ok(),
                flags: f[2].to_string(),
                tcp_len: f[3].parse().unwrap_or(0),
                payload: unhex(payload),
                udp: !f[6].is_empty(),
            }
        })
        .collect()
}

#[test]
fn the_capture_holds_the_conversation_byte_for_byte() {
    let (bytes, story) = capture(7);
    assert!(!story.answered.is_empty() && story.answered.len() < story.queries.len());
    if !have_tool("tshark", "tshark") {
        return;
    }
    let file = Saved::new("anysock-capture", "conversation", &bytes);
    let frames = frames(&file);

    // Each TCP conversation's flags in order, and the payload of each direction.
    let mut flags: BTreeMap<u32, Vec<(String, String)>> = BTreeMap::new();
    let mut sent: BTreeMap<(u32, String), Vec<u8>> = BTreeMap::new();
    for f in frames.iter().filter(|f| !f.udp) {
        let stream = f.stream.expect("a TCP frame has a stream");
        flags
            .entry(stream)
            .or_default()
            .push((f.src.clone(), f.flags.clone()));
        let into = sent.entry((stream, f.src.clone())).or_default();
        into.extend_from_slice(&f.payload);
        assert_eq!(f.payload.len(), f.tcp_len);
    }
    let (a, b) = ("10.0.0.1".to_string(), "10.0.0.2".to_string());
    assert_eq!(
        flags.len(),
        3,
        "a conversation, a refused connect, a reset one"
    );

    let first = &flags[&0];
    let opening: Vec<&str> = first.iter().take(3).map(|(_, f)| f.as_str()).collect();
    assert_eq!(opening, ["0x0002", "0x0012", "0x0010"]);
    assert!(
        first.contains(&(a.clone(), "0x0011".into())),
        "the client's FIN"
    );
    assert!(
        first.contains(&(b.clone(), "0x0011".into())),
        "the server's FIN"
    );
    assert!(
        !first.iter().any(|(_, f)| f == "0x0014"),
        "no reset in a clean close"
    );
    assert!(sent[&(0, a.clone())] == story.upload, "upload bytes differ");
    assert!(
        sent[&(0, b.clone())] == story.download,
        "download bytes differ"
    );
    // The 40 000-byte write crossed as a full 32 KiB segment and the rest.
    assert!(frames.iter().any(|f| f.tcp_len == 32 * 1024));

    let refused: Vec<&(String, String)> = flags[&1].iter().collect();
    assert_eq!(
        refused,
        [&(a.clone(), "0x0002".into()), &(b.clone(), "0x0014".into())]
    );

    let doomed = &flags[&2];
    assert_eq!(
        doomed.last(),
        Some(&(a.clone(), "0x0014".into())),
        "the reset ends it"
    );
    assert_eq!(sent[&(2, a.clone())], story.doomed);

    // Every datagram sent is in the capture, lost ones too (they left), and every answer.
    let udp_from = |src: &str| -> Vec<Vec<u8>> {
        frames
            .iter()
            .filter(|f| f.udp && f.src == src)
            .map(|f| f.payload.clone())
            .collect()
    };
    assert_eq!(udp_from("10.0.0.1"), story.queries);
    let answers: Vec<Vec<u8>> = story
        .answered
        .iter()
        .map(|i| i.to_be_bytes().to_vec())
        .collect();
    assert_eq!(udp_from("10.0.0.2"), answers);

    assert_eq!(flagged(&file), "", "tshark flags these packets");
}

#[test]
fn the_same_seed_gives_the_same_file_and_another_seed_another() {
    let (first, story) = capture(7);
    let (again, story_again) = capture(7);
    assert_eq!(story, story_again);
    assert!(first == again, "the same seed gave different captures");
    let (other, other_story) = capture(8);
    assert_ne!(
        story.answered, other_story.answered,
        "seed 8 loses other datagrams"
    );
    assert!(first != other, "another seed gave the same capture");
}
