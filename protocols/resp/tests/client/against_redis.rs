//! The Redis client (`anysock-resp`) on the POSIX backend against a real `redis-server`
//! (Debian's package, started by each test on a free loopback port): round trips,
//! binary-safe values, nested replies, timeouts, and 10,000 pipelined commands.
//!
//! Skipped, with a message, when `redis-server` is not installed, unless `CI` is set.

use crate::redis;

use std::time::{Duration, Instant};

use anysock::{DefaultStack, ErrorKind};
use anysock_resp::{Client, Error, Reply};

use redis::RedisServer;

type Conn = <DefaultStack as anysock::Stack>::Stream;

fn connect<const BUF: usize, const IOV: usize>(server: &RedisServer) -> Client<Conn, BUF, IOV> {
    let stack = DefaultStack::default();
    let mut client = Client::connect(&stack, &server.addr().parse().unwrap()).unwrap();
    // A test must fail, not hang, if a reply never comes.
    client.set_timeout(Some(Duration::from_secs(10))).unwrap();
    client
}

fn bulk(r: Reply<'_>) -> Vec<u8> {
    match r {
        Reply::Bulk(b) => b.to_vec(),
        other => panic!("not a bulk string: {other:?}"),
    }
}

#[test]
fn set_get_incr_lpush_lrange_round_trip() -> Result<(), Error> {
    let Some(server) = RedisServer::start() else {
        return Ok(());
    };
    let mut c: Client<Conn> = connect(&server);
    assert_eq!(c.call(&[b"PING"])?, Reply::Simple(b"PONG"));
    assert!(c.call(&[b"SET", b"greeting", b"hello"])?.is_ok());
    assert_eq!(bulk(c.call(&[b"GET", b"greeting"])?), b"hello");
    assert_eq!(c.call(&[b"GET", b"missing"])?, Reply::Nil);
    assert_eq!(c.call(&[b"INCR", b"hits"])?, Reply::Integer(1));
    assert_eq!(c.call(&[b"INCR", b"hits"])?, Reply::Integer(2));
    assert_eq!(
        c.call(&[b"LPUSH", b"list", b"a", b"b", b"c"])?,
        Reply::Integer(3)
    );
    let range = c.call(&[b"LRANGE", b"list", b"0", b"-1"])?;
    let items: Vec<_> = range.as_array().unwrap().iter().map(bulk).collect();
    assert_eq!(items, [b"c", b"b", b"a"]);
    assert_eq!(
        c.call(&[b"LRANGE", b"none", b"0", b"-1"])?
            .as_array()
            .map(|a| a.len()),
        Some(0)
    );
    // Errors are replies; the connection carries on.
    let wrong = c.call(&[b"LPUSH", b"greeting", b"x"])?;
    assert!(
        matches!(wrong, Reply::Error(e) if e.starts_with(b"WRONGTYPE")),
        "{wrong:?}"
    );
    let unknown = c.call(&[b"NO-SUCH-COMMAND"])?;
    assert!(
        matches!(unknown, Reply::Error(e) if e.starts_with(b"ERR")),
        "{unknown:?}"
    );
    assert_eq!(c.call(&[b"INCR", b"hits"])?, Reply::Integer(3));
    Ok(())
}

#[test]
fn values_and_keys_are_binary_safe() -> Result<(), Error> {
    let Some(server) = RedisServer::start() else {
        return Ok(());
    };
    let mut c: Client<Conn> = connect(&server);
    let every_byte: Vec<u8> = (0..=255u8).collect();
    let key = b"key\r\nwith\0crlf";
    let crlf = b"\r\n*1\r\n$4\r\nPING\r\n"; // a command inside a value stays a value
    assert!(c.call(&[b"SET", key, &every_byte])?.is_ok());
    assert!(c.call(&[b"SET", b"crlf", crlf])?.is_ok());
    assert!(c.call(&[b"SET", b"empty", b""])?.is_ok());
    assert_eq!(bulk(c.call(&[b"GET", key])?), every_byte);
    assert_eq!(bulk(c.call(&[b"GET", b"crlf"])?), crlf);
    assert_eq!(bulk(c.call(&[b"GET", b"empty"])?), b"");
    assert_eq!(c.call(&[b"STRLEN", key])?, Reply::Integer(256));
    Ok(())
}

#[test]
fn nested_and_null_replies() -> Result<(), Error> {
    let Some(server) = RedisServer::start() else {
        return Ok(());
    };
    let mut c: Client<Conn> = connect(&server);
    let mut replies = c.pipeline(|p| {
        p.cmd(&[b"MULTI"])
            .cmd(&[b"RPUSH", b"l", b"x", b"y"])
            .cmd(&[b"LRANGE", b"l", b"0", b"-1"])
            .cmd(&[b"GET", b"nothing"])
            .cmd(&[b"EXEC"]);
    })?;
    assert!(replies.next_reply()?.unwrap().is_ok());
    for _ in 0..3 {
        assert_eq!(replies.next_reply()?, Some(Reply::Simple(b"QUEUED")));
    }
    let exec = replies.next_reply()?.unwrap();
    let exec = exec.as_array().expect("EXEC gives an array");
    assert_eq!(exec.len(), 3);
    assert_eq!(exec.get(0), Some(Reply::Integer(2)));
    let inner: Vec<_> = exec
        .get(1)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(bulk)
        .collect();
    assert_eq!(inner, [b"x", b"y"]);
    assert_eq!(exec.get(2), Some(Reply::Nil));
    drop(replies);
    // BLPOP on an empty list, timing out on the server: the null array.
    assert_eq!(c.call(&[b"BLPOP", b"empty", b"0.05"])?, Reply::NilArray);
    Ok(())
}

#[test]
fn a_reply_that_never_comes_times_out() -> Result<(), Error> {
    let Some(server) = RedisServer::start() else {
        return Ok(());
    };
    let mut c: Client<Conn> = connect(&server);
    c.set_timeout(Some(Duration::from_millis(200)))?;
    let start = Instant::now();
    let err = c.call(&[b"BLPOP", b"empty", b"0"]).unwrap_err(); // blocks for ever
    assert!(start.elapsed() >= Duration::from_millis(190));
    assert!(
        matches!(err, Error::Io(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "{err:?}"
    );
    assert_eq!(c.call(&[b"PING"]).unwrap_err(), Error::Broken);
    Ok(())
}

/// Sends 10,000 mixed commands in one pipeline and checks every reply.
fn ten_thousand<const BUF: usize, const IOV: usize>(
    server: &RedisServer,
    tag: &str,
) -> Result<(), Error> {
    const N: usize = 10_000;
    let mut c: Client<Conn, BUF, IOV> = connect(server);
    let keys: Vec<String> = (0..N).map(|i| format!("{tag}:key:{i}")).collect();
    let values: Vec<String> = (0..N)
        .map(|i| format!("value {i}\r\n{}", "x".repeat(i % 50)))
        .collect();
    let counter = format!("{tag}:counter");
    let mut replies = c.pipeline(|p| {
        for i in 0..N {
            match i % 3 {
                0 => p.cmd(&[b"SET", keys[i].as_bytes(), values[i].as_bytes()]),
                1 => p.cmd(&[b"INCR", counter.as_bytes()]),
                _ => p.cmd(&[b"GET", keys[i - 2].as_bytes()]),
            };
        }
    })?;
    let mut incrs = 0;
    for i in 0..N {
        let reply = replies.next_reply()?.expect("one reply per command");
        match i % 3 {
            0 => assert!(reply.is_ok(), "{i}: {reply:?}"),
            1 => {
                incrs += 1;
                assert_eq!(reply, Reply::Integer(incrs), "{i}");
            }
            _ => assert_eq!(reply, Reply::Bulk(values[i - 2].as_bytes()), "{i}"),
        }
    }
    assert_eq!(replies.next_reply()?, None);
    Ok(())
}

#[test]
fn ten_thousand_pipelined_commands_every_reply_checked() -> Result<(), Error> {
    let Some(server) = RedisServer::start() else {
        return Ok(());
    };
    // The defaults (4 KiB, 64 buffers per sendmsg), and large batches (1024 = IOV_MAX).
    ten_thousand::<4096, 64>(&server, "small")?;
    ten_thousand::<65536, 1024>(&server, "large")?;
    // A buffer just large enough for the replies (the longest is 71 bytes).
    ten_thousand::<80, 4>(&server, "tiny")
}
