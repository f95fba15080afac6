//! The Redis client (`anysock-resp`) against a scripted server on the mock network: round
//! trips, replies split anywhere, resets mid-reply, latency, timeouts, determinism, and
//! arbitrary bytes in place of replies.
//!
//! One thread drives both ends: the client sends its pipeline, the server reads and answers
//! (`Server::serve`), then the client reads the replies.

use crate::data::Rng;
use crate::server;

use std::time::Duration;

use anysock::embedded_io::Write;
use anysock::mock::trace::{ConnId, Event, Tracer};
use anysock::mock::{FaultPlan, Host, Net, Script, SharedNet, Sharing};
use anysock::{ErrorKind, Listener as _, Shutdown, Stack, Stream};
use anysock_resp::{Client, Error, Protocol, Reply};

use server::{decode, Decoded, Server, Value};

const MS: Duration = Duration::from_millis(1);

/// A client on host 10.0.0.1 connected to the scripted server on 10.0.0.2:6379.
fn connect<K: Stack, const BUF: usize, const IOV: usize>(
    app: &K,
    db: &K,
) -> (Client<K::Stream, BUF, IOV>, Server<K::Stream>) {
    let addr = "10.0.0.2:6379".parse().unwrap();
    let mut listener = db.listen(&addr, 1).unwrap();
    let client = Client::connect(app, &addr).unwrap();
    let (conn, _) = listener.accept().unwrap();
    (client, Server::new(conn))
}

fn hosts<T: Tracer, K: Sharing>(net: &Net<32, 4096, 8, T, K>) -> [Host<'_, 32, 4096, 8, T, K>; 2] {
    let a = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap());
    let b = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap());
    [a.unwrap(), b.unwrap()]
}

/// Sends `cmds` as one pipeline, lets the server answer, and reads every reply.
fn exchange<S: Stream + anysock::MsgIo, T: Stream, const BUF: usize, const IOV: usize>(
    client: &mut Client<S, BUF, IOV>,
    server: &mut Server<T>,
    cmds: &[&[&[u8]]],
) -> Result<Vec<Value>, Error> {
    let mut replies = client.pipeline(|p| {
        for cmd in cmds {
            p.cmd(cmd);
        }
    })?;
    server.serve()?;
    let mut got = Vec::new();
    while let Some(reply) = replies.next_reply()? {
        got.push(Value::from(reply));
    }
    Ok(got)
}

/// Commands that cover every reply shape, and binary values; with their replies.
fn story() -> (Vec<Vec<Vec<u8>>>, Vec<Value>) {
    let binary: Vec<u8> = (0..=255).collect();
    let cmds: Vec<Vec<Vec<u8>>> = [
        &[&b"PING"[..]][..],
        &[b"SET", b"k", &binary],
        &[b"GET", b"k"],
        &[b"GET", b"missing"],
        &[b"INCR", b"n"],
        &[b"INCR", b"n"],
        &[b"INCR", b"k"],
        &[b"LPUSH", b"l", b"a", b"\r\n", b""],
        &[b"LRANGE", b"l", b"0", b"-1"],
        &[b"SHAPES"],
        &[b"NOPE"],
    ]
    .iter()
    .map(|c| c.iter().map(|a| a.to_vec()).collect())
    .collect();
    let mut db = server::Db::default();
    let want = cmds.iter().map(|c| db.execute(c)).collect();
    (cmds, want)
}

fn story_exchange<K: Stack>(app: &K, db: &K) -> Result<Vec<Value>, Error> {
    let (cmds, _) = story();
    let cmds: Vec<Vec<&[u8]>> = cmds
        .iter()
        .map(|c| c.iter().map(|a| &a[..]).collect())
        .collect();
    let cmds: Vec<&[&[u8]]> = cmds.iter().map(|c| &c[..]).collect();
    let (mut client, mut server) = connect::<K, 4096, 8>(app, db);
    exchange(&mut client, &mut server, &cmds)
}

#[test]
fn every_reply_shape_round_trips() -> Result<(), Error> {
    let net: Net = Net::new();
    let [app, db] = hosts(&net);
    let (_, want) = story();
    assert_eq!(story_exchange(&app, &db)?, want);
    Ok(())
}

#[test]
fn call_reads_its_reply_and_an_error_reply_keeps_the_connection() -> Result<(), Error> {
    let net: SharedNet = SharedNet::new();
    let [app, db] = hosts(&net);
    let addr = "10.0.0.2:6379".parse()?;
    let mut listener = db.listen(&addr, 1)?;
    std::thread::scope(|s| {
        s.spawn(move || Server::new(listener.accept().unwrap().0).run());
        let mut client: Client<_> = Client::connect(&app, &addr)?;
        assert_eq!(client.call(&[b"SET", b"a", b"1"])?, Reply::Simple(b"OK"));
        assert!(matches!(client.call(&[b"BOGUS"])?, Reply::Error(e) if e.starts_with(b"ERR")));
        assert_eq!(client.call(&[b"INCR", b"a"])?, Reply::Integer(2));
        // An empty command is refused before anything is sent; the client stays usable.
        let empty = client.call(&[]).unwrap_err();
        assert!(matches!(empty, Error::Io(e) if e.kind() == ErrorKind::InvalidInput));
        assert_eq!(client.call(&[b"GET", b"a"])?, Reply::Bulk(b"2"));
        Ok(())
    })
}

#[test]
fn replies_not_read_are_skipped_before_the_next_command() -> Result<(), Error> {
    let net: Net = Net::new();
    let [app, db] = hosts(&net);
    let (mut client, mut server) = connect::<_, 4096, 8>(&app, &db);
    let mut replies = client.pipeline(|p| {
        p.cmd(&[b"INCR", b"n"])
            .cmd(&[b"INCR", b"n"])
            .cmd(&[b"INCR", b"n"]);
    })?;
    server.serve()?;
    assert_eq!(replies.next_reply()?, Some(Reply::Integer(1)));
    assert_eq!(replies.remaining(), 2);
    drop(replies);
    let mut replies = client.pipeline(|p| {
        p.cmd(&[b"INCR", b"n"]);
    })?;
    server.serve()?;
    assert_eq!(replies.next_reply()?, Some(Reply::Integer(4)));
    Ok(())
}

#[test]
fn a_pipeline_larger_than_a_batch_is_sent_in_several() -> Result<(), Error> {
    let net: Net = Net::new();
    let [app, db] = hosts(&net);
    // 4 buffers per sendmsg and 64 bytes of headers: most commands span batches.
    let (mut client, mut server) = connect::<_, 64, 4>(&app, &db);
    let keys: Vec<String> = (0..50).map(|i| format!("key:{i}")).collect();
    let mut replies = client.pipeline(|p| {
        for k in &keys {
            p.cmd(&[b"SET", k.as_bytes(), k.as_bytes()]);
        }
    })?;
    assert_eq!(server.serve()?, 50);
    for _ in &keys {
        assert!(replies.next_reply()?.is_some_and(|r| r.is_ok()));
    }
    assert_eq!(
        server.db.execute(&[b"GET".to_vec(), b"key:7".to_vec()]),
        Value::Bulk(b"key:7".to_vec())
    );
    Ok(())
}

#[test]
fn replies_split_anywhere_by_short_reads_and_writes() -> Result<(), Error> {
    let (_, want) = story();
    for chunk in 1..=7 {
        let net: Net = Net::new();
        net.set_faults(FaultPlan::new().max_chunk(chunk));
        let [app, db] = hosts(&net);
        assert_eq!(story_exchange(&app, &db)?, want, "max_chunk {chunk}");
    }
    Ok(())
}

#[test]
fn latency_delays_replies_on_the_virtual_clock() -> Result<(), Error> {
    let net: Net = Net::with_seed(3);
    net.set_faults(FaultPlan::new().latency(10 * MS..20 * MS).max_chunk(5));
    let [app, db] = hosts(&net);
    let (_, want) = story();
    assert_eq!(story_exchange(&app, &db)?, want);
    // There and back: at least two delays.
    assert!(net.now() >= 20 * MS, "{:?}", net.now());
    Ok(())
}

#[test]
fn a_silent_server_times_out_and_the_client_is_broken() -> Result<(), Error> {
    let net: Net = Net::new();
    let [app, db] = hosts(&net);
    let (mut client, _server) = connect::<_, 4096, 8>(&app, &db);
    client.set_timeout(Some(Duration::from_secs(2)))?;
    let err = client.call(&[b"PING"]).unwrap_err();
    let Error::Io(e) = err else { panic!("{err:?}") };
    assert!(
        matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{e:?}"
    );
    assert_eq!(net.now(), Duration::from_secs(2));
    assert!(client.is_broken());
    assert_eq!(client.call(&[b"PING"]).unwrap_err(), Error::Broken);
    Ok(())
}

#[test]
fn a_reset_anywhere_is_an_error_never_a_wrong_reply() {
    let (_, want) = story();
    // Request and reply bytes together: every cut point from inside the request to past
    // the end of the replies.
    let mut completed = 0;
    for after in (1..1500).step_by(7) {
        let net: Net = Net::new();
        net.script(Script::reset(ConnId(0), after)).unwrap();
        let [app, db] = hosts(&net);
        match story_exchange(&app, &db) {
            Ok(got) => {
                assert_eq!(got, want, "reset after {after}");
                completed += 1;
            }
            Err(Error::Io(e)) => assert!(
                matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe),
                "reset after {after}: {e:?}"
            ),
            Err(e) => assert_eq!(e, Error::Closed, "reset after {after}"),
        }
    }
    assert!(
        completed > 10 && completed < 200,
        "{completed} runs completed"
    );
}

#[test]
fn a_reset_mid_reply_breaks_the_client() -> Result<(), Error> {
    let net: Net = Net::new();
    net.set_faults(FaultPlan::new().max_chunk(3));
    // "*1\r\n$4\r\nPING\r\n" is 14 bytes; the reset comes 2 bytes into "+PONG\r\n".
    net.script(Script::reset(ConnId(0), 16))?;
    let [app, db] = hosts(&net);
    let (mut client, mut server) = connect::<_, 4096, 8>(&app, &db);
    let mut replies = client.pipeline(|p| {
        p.cmd(&[b"PING"]);
    })?;
    assert!(server.serve().is_err());
    let err = replies.next_reply().unwrap_err();
    assert!(
        matches!(err, Error::Io(e) if e.kind() == ErrorKind::ConnectionReset),
        "{err:?}"
    );
    drop(replies);
    assert_eq!(client.call(&[b"PING"]).unwrap_err(), Error::Broken);
    Ok(())
}

#[test]
fn a_reply_longer_than_the_buffer_is_too_long() -> Result<(), Error> {
    let net: Net = Net::new();
    let [app, db] = hosts(&net);
    let value = vec![b'v'; 300];
    for get in [&b"GET"[..], b"LRANGE"] {
        let (mut client, mut server) = connect::<_, 256, 8>(&app, &db);
        server
            .db
            .execute(&[b"SET".to_vec(), b"big".to_vec(), value.clone()]);
        let lpush = |i| {
            [
                b"LPUSH".to_vec(),
                b"list".to_vec(),
                format!("{i}").into_bytes(),
            ]
        };
        (0..100).for_each(|i| drop(server.db.execute(&lpush(i))));
        let cmd: &[&[u8]] = if get == b"GET" {
            &[b"GET", b"big"]
        } else {
            &[b"LRANGE", b"list", b"0", b"-1"]
        };
        let err = exchange(&mut client, &mut server, &[cmd]).unwrap_err();
        assert_eq!(err, Error::TooLong);
    }
    Ok(())
}

/// Every event of a run, as text.
#[derive(Default)]
struct Lines(Vec<String>);

impl Tracer for Lines {
    fn record(&mut self, event: &Event<'_>) {
        self.0.push(event.to_string());
    }
}

/// The story under seeded latency and short reads; its trace and replies.
fn transcript(seed: u64) -> (Vec<String>, Vec<Value>) {
    let mut lines = Lines::default();
    let got = {
        let net: Net<32, 4096, 8, &mut Lines> = Net::with_tracer(&mut lines);
        net.set_seed(seed);
        net.set_faults(FaultPlan::new().latency(MS..30 * MS).max_chunk(4));
        let [app, db] = hosts(&net);
        story_exchange(&app, &db).unwrap()
    };
    (lines.0, got)
}

#[test]
fn the_same_seed_gives_the_same_transcript() {
    let (first, replies) = transcript(11);
    assert_eq!(replies, story().1);
    assert!(first.len() > 20, "{first:?}");
    assert_eq!(transcript(11), (first.clone(), replies));
    assert_ne!(transcript(12).0, first, "another seed, other delays");
}

/// Bytes that look like replies: valid ones, broken ones, and noise from RESP's alphabet.
fn arbitrary_reply(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    let (_, replies) = story();
    for _ in 0..1 + rng.below(3) {
        replies[rng.below(replies.len())].encode(&mut out);
    }
    const ALPHABET: &[u8] = b"+-:$*\r\n0123456789-1\r\n$-1\r\n*2\r\n";
    for _ in 0..rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 => out.truncate(at),
            1 => out.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
            2 if at < out.len() => out[at] = rng.next_u64() as u8,
            3 if at < out.len() => drop(out.remove(at)),
            _ => out
                .splice(
                    at..at,
                    format!("{}", rng.next_u64() as i64 >> rng.below(64)).bytes(),
                )
                .for_each(drop),
        }
    }
    if rng.below(4) == 0 {
        out = (0..rng.below(40))
            .map(|_| ALPHABET[rng.below(ALPHABET.len())])
            .collect();
    }
    out
}

/// The client's view of `bytes` as the answers to three commands, read in `chunk`-byte reads.
fn client_reads(bytes: &[u8], chunk: usize) -> Vec<Result<Value, Error>> {
    let net: Net = Net::new();
    net.set_faults(FaultPlan::new().max_chunk(chunk));
    let [app, db] = hosts(&net);
    let (mut client, mut server) = connect::<_, 64, 4>(&app, &db);
    let mut replies = client
        .pipeline(|p| {
            p.cmd(&[b"PING"]).cmd(&[b"PING"]).cmd(&[b"PING"]);
        })
        .unwrap();
    server.conn.write_all(bytes).unwrap();
    server.conn.shutdown(Shutdown::Write).unwrap();
    let mut got = Vec::new();
    while replies.remaining() > 0 {
        got.push(replies.next_reply().map(|r| Value::from(r.unwrap())));
    }
    got
}

#[test]
fn arbitrary_bytes_as_replies_give_clean_errors_never_a_panic() {
    let mut rng = Rng::new(0x5eed);
    // Outcomes seen: replies accepted, protocol errors, too long, closed early.
    let mut seen = [0usize; 4];
    for case in 0..3000 {
        let bytes = arbitrary_reply(&mut rng);
        let got = client_reads(&bytes, 1 + rng.below(7));
        // However the bytes are split, the client makes the same of them.
        assert_eq!(got, client_reads(&bytes, 64), "case {case}: {bytes:?}");
        let mut rest = &bytes[..];
        let mut broken = false;
        for result in got {
            let decoded = decode(rest);
            match (result, decoded) {
                _ if broken => {}
                (Ok(v), Decoded::Value(want, len)) => {
                    seen[0] += 1;
                    assert_eq!(v, want, "case {case}: {bytes:?}");
                    rest = &rest[len..];
                }
                (Ok(v), other) => {
                    panic!("case {case}: accepted {v:?}, reference {other:?}: {bytes:?}")
                }
                (Err(e), Decoded::Value(_, len)) => {
                    assert!(
                        len > 64 && e == Error::TooLong,
                        "case {case}: {e:?} for {bytes:?}"
                    );
                    seen[2] += 1;
                    broken = true;
                }
                (Err(e), reference) => {
                    seen[match e {
                        Error::Protocol(_) => 1,
                        Error::TooLong => 2,
                        Error::Closed => 3,
                        _ => panic!("case {case}: {e:?} for {bytes:?}"),
                    }] += 1;
                    // A prefix of a valid reply is never called malformed.
                    let malformed = matches!(e, Error::Protocol(_));
                    assert!(
                        !(malformed && reference == Decoded::Incomplete),
                        "case {case}: {bytes:?}"
                    );
                    broken = true;
                }
            }
        }
    }
    assert!(seen.iter().all(|&n| n > 100), "outcomes {seen:?}");
}

#[test]
fn bytes_after_the_last_reply_are_unsolicited() -> Result<(), Error> {
    let net: Net = Net::new();
    let [app, db] = hosts(&net);
    let (mut client, mut server) = connect::<_, 4096, 8>(&app, &db);
    let mut replies = client.pipeline(|p| {
        p.cmd(&[b"PING"]);
    })?;
    server.conn.write_all(b"+PONG\r\n:1\r\n")?;
    assert_eq!(replies.next_reply()?, Some(Reply::Simple(b"PONG")));
    drop(replies);
    assert_eq!(
        client.call(&[b"PING"]).unwrap_err(),
        Error::Protocol(Protocol::Unsolicited)
    );
    Ok(())
}

/// What reaches the server from one pipeline sent with `BUF` and `IOV`.
fn wire<const BUF: usize, const IOV: usize>(cmds: &[Vec<&[u8]>]) -> Vec<u8> {
    let net: Net = Net::new();
    let [app, db] = hosts(&net);
    let (mut client, mut server) = connect::<_, BUF, IOV>(&app, &db);
    let replies = client
        .pipeline(|p| {
            for cmd in cmds {
                p.cmd(cmd);
            }
        })
        .unwrap();
    assert_eq!(replies.remaining(), cmds.len());
    let mut got = vec![0u8; 8192];
    let mut len = 0;
    while let Ok(n) = anysock::embedded_io::Read::read(&mut server.conn, &mut got[len..]) {
        len += n;
    }
    got.truncate(len);
    got
}

#[test]
fn the_bytes_sent_do_not_depend_on_batch_sizes() {
    // Around the length where arguments stop being copied and start being referenced.
    let args: Vec<Vec<u8>> = [0, 1, 2, 63, 64, 65, 300]
        .iter()
        .map(|&n| (0..n).map(|i| (i * 7) as u8).collect())
        .collect();
    let cmds: Vec<Vec<&[u8]>> = (0..args.len())
        .map(|i| {
            let mut cmd: Vec<&[u8]> = vec![b"SET"];
            cmd.extend(args[i..].iter().chain(&args[..i]).map(|a| &a[..]));
            cmd
        })
        .collect();
    let mut want = Vec::new();
    for cmd in &cmds {
        let items = cmd.iter().map(|a| Value::Bulk(a.to_vec())).collect();
        Value::Array(items).encode(&mut want);
    }
    assert_eq!(wire::<4096, 64>(&cmds), want);
    assert_eq!(wire::<48, 1>(&cmds), want);
    assert_eq!(wire::<64, 2>(&cmds), want);
    assert_eq!(wire::<100, 3>(&cmds), want);
    assert_eq!(wire::<130, 5>(&cmds), want);
    assert_eq!(wire::<4096, 1024>(&cmds), want);
}
