//! A scripted Redis server for the mock tests, and a reference RESP2 decoder to check the
//! client against. Both are written plainly, with `Vec`s and recursion, so they share no code
//! (and no mistake) with the client they test.

#![allow(dead_code)] // each test file uses its own part

use std::collections::{HashMap, VecDeque};

use anysock::{ErrorKind, MsgFlags, Stream, Wait};

/// A value as the reference decoder sees it, and as the client's replies are compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Simple(Vec<u8>),
    Error(Vec<u8>),
    Integer(i64),
    Bulk(Vec<u8>),
    Nil,
    Array(Vec<Value>),
    NilArray,
}

impl From<anysock_resp::Reply<'_>> for Value {
    fn from(r: anysock_resp::Reply<'_>) -> Value {
        use anysock_resp::Reply;
        match r {
            Reply::Simple(b) => Value::Simple(b.to_vec()),
            Reply::Error(b) => Value::Error(b.to_vec()),
            Reply::Integer(n) => Value::Integer(n),
            Reply::Bulk(b) => Value::Bulk(b.to_vec()),
            Reply::Nil => Value::Nil,
            Reply::Array(a) => Value::Array(a.iter().map(Value::from).collect()),
            Reply::NilArray => Value::NilArray,
        }
    }
}

impl Value {
    /// The RESP2 encoding.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Value::Simple(s) => out.extend([b"+", &s[..], b"\r\n"].concat()),
            Value::Error(s) => out.extend([b"-", &s[..], b"\r\n"].concat()),
            Value::Integer(n) => out.extend(format!(":{n}\r\n").bytes()),
            Value::Bulk(b) => {
                out.extend(format!("${}\r\n", b.len()).bytes());
                out.extend(b);
                out.extend(b"\r\n");
            }
            Value::Nil => out.extend(b"$-1\r\n"),
            Value::Array(items) => {
                out.extend(format!("*{}\r\n", items.len()).bytes());
                items.iter().for_each(|i| i.encode(out));
            }
            Value::NilArray => out.extend(b"*-1\r\n"),
        }
    }
}

/// What the reference decoder makes of bytes.
#[derive(Debug, PartialEq)]
pub enum Decoded {
    /// A whole value, and the bytes it took.
    Value(Value, usize),
    /// A prefix of a value: more bytes could complete it.
    Incomplete,
    /// No continuation makes these bytes a value.
    Invalid,
}

/// Decodes one RESP2 value at the start of `b` (the rules the client promises: lines without
/// `\r` or `\n`, numbers of at most 20 characters that fit in an `i64`, lengths of -1 or more).
pub fn decode(b: &[u8]) -> Decoded {
    let Some(&ty) = b.first() else {
        return Decoded::Incomplete;
    };
    if !b"+-:$*".contains(&ty) {
        return Decoded::Invalid;
    }
    let numeric = b":$*".contains(&ty);
    let rest = &b[1..];
    let end = match rest.iter().position(|&c| c == b'\r' || c == b'\n') {
        Some(i) if rest[i] == b'\n' => return Decoded::Invalid,
        Some(i) if i + 1 == rest.len() => None,
        Some(i) if rest[i + 1] != b'\n' => return Decoded::Invalid,
        Some(i) => Some(i),
        None => None,
    };
    let line = &rest[..end.unwrap_or(rest.len())];
    let number = || -> Option<i64> {
        let digits = line.strip_prefix(b"-").unwrap_or(line);
        if line.len() > 20 || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(line).ok()?.parse().ok()
    };
    if numeric && end.is_none() {
        // An unfinished number is invalid as soon as what came cannot start a valid one.
        let digits = line.strip_prefix(b"-").unwrap_or(line);
        let ok = line.len() <= 20 && digits.iter().all(u8::is_ascii_digit);
        return if ok {
            Decoded::Incomplete
        } else {
            Decoded::Invalid
        };
    }
    let Some(end) = end else {
        return Decoded::Incomplete;
    };
    let used = 1 + end + 2;
    match ty {
        b'+' => Decoded::Value(Value::Simple(line.to_vec()), used),
        b'-' => Decoded::Value(Value::Error(line.to_vec()), used),
        b':' => match number() {
            Some(n) => Decoded::Value(Value::Integer(n), used),
            None => Decoded::Invalid,
        },
        b'$' => match number() {
            Some(-1) => Decoded::Value(Value::Nil, used),
            Some(n) if n >= 0 => {
                let n = n as usize;
                let body = &b[used..];
                if body.len() < n + 2 {
                    // Bytes that are there but are not the closing CRLF cannot be fixed.
                    let tail = body.get(n..).unwrap_or(&[]);
                    return match tail {
                        [] | [b'\r'] => Decoded::Incomplete,
                        _ => Decoded::Invalid,
                    };
                }
                if &body[n..n + 2] != b"\r\n" {
                    return Decoded::Invalid;
                }
                Decoded::Value(Value::Bulk(body[..n].to_vec()), used + n + 2)
            }
            _ => Decoded::Invalid,
        },
        _ => match number() {
            Some(-1) => Decoded::Value(Value::NilArray, used),
            Some(n) if n >= 0 => {
                let mut items = Vec::new();
                let mut at = used;
                for _ in 0..n {
                    match decode(&b[at..]) {
                        Decoded::Value(v, len) => {
                            items.push(v);
                            at += len;
                        }
                        other => return other,
                    }
                }
                Decoded::Value(Value::Array(items), at)
            }
            _ => Decoded::Invalid,
        },
    }
}

/// Splits complete commands (arrays of bulk strings) off the front of `input`.
pub fn take_command(input: &mut Vec<u8>) -> Option<Vec<Vec<u8>>> {
    match decode(input) {
        Decoded::Value(Value::Array(items), len) => {
            input.drain(..len);
            let args = items.into_iter().map(|v| match v {
                Value::Bulk(b) => Some(b),
                _ => None,
            });
            Some(
                args.collect::<Option<Vec<_>>>()
                    .expect("commands are bulk strings"),
            )
        }
        Decoded::Incomplete => None,
        other => panic!("not a command: {other:?} from {input:?}"),
    }
}

/// What the server keeps: strings and lists, as Redis would.
#[derive(Default)]
pub struct Db {
    strings: HashMap<Vec<u8>, Vec<u8>>,
    lists: HashMap<Vec<u8>, VecDeque<Vec<u8>>>,
    pub commands: usize,
}

impl Db {
    /// The reply Redis gives `args` (for the few commands the tests use).
    pub fn execute(&mut self, args: &[Vec<u8>]) -> Value {
        self.commands += 1;
        let err = |s: &str| Value::Error(s.as_bytes().to_vec());
        let int = |s: &[u8]| std::str::from_utf8(s).ok()?.parse::<i64>().ok();
        match (args[0].to_ascii_uppercase().as_slice(), &args[1..]) {
            (b"PING", []) => Value::Simple(b"PONG".to_vec()),
            (b"SET", [k, v]) => {
                self.strings.insert(k.clone(), v.clone());
                Value::Simple(b"OK".to_vec())
            }
            (b"GET", [k]) => self
                .strings
                .get(k)
                .map_or(Value::Nil, |v| Value::Bulk(v.clone())),
            (b"INCR", [k]) => {
                let v = self.strings.entry(k.clone()).or_insert(b"0".to_vec());
                match int(v) {
                    Some(n) => {
                        *v = (n + 1).to_string().into_bytes();
                        Value::Integer(n + 1)
                    }
                    None => err("ERR value is not an integer or out of range"),
                }
            }
            (b"LPUSH", [k, vs @ ..]) if !vs.is_empty() => {
                let list = self.lists.entry(k.clone()).or_default();
                vs.iter().for_each(|v| list.push_front(v.clone()));
                Value::Integer(list.len() as i64)
            }
            (b"LRANGE", [k, a, b]) => {
                let list = self.lists.get(k).cloned().unwrap_or_default();
                let len = list.len() as i64;
                let at = |i: i64| if i < 0 { (len + i).max(0) } else { i.min(len) };
                let (a, b) = (at(int(a).unwrap_or(0)), at(int(b).unwrap_or(0)) + 1);
                let items = list.range(a.min(b) as usize..b.min(len) as usize);
                Value::Array(items.map(|v| Value::Bulk(v.clone())).collect())
            }
            // Not Redis: a reply with every shape at once, nested.
            (b"SHAPES", []) => Value::Array(vec![
                Value::Array(vec![Value::Integer(-1), Value::Nil, Value::Array(vec![])]),
                Value::NilArray,
                Value::Error(b"WRONGTYPE not a list".to_vec()),
                Value::Bulk(b"a\r\nb".to_vec()),
                Value::Integer(i64::MIN),
            ]),
            _ => err("ERR unknown command"),
        }
    }
}

/// A connection's server side: commands in, replies out.
pub struct Server<T> {
    pub conn: T,
    pub db: Db,
    input: Vec<u8>,
    output: Vec<u8>,
}

impl<T: Stream> Server<T> {
    pub fn new(conn: T) -> Self {
        Server {
            conn,
            db: Db::default(),
            input: Vec::new(),
            output: Vec::new(),
        }
    }

    /// One thread drives both ends: reads everything sent so far (waiting for bytes in
    /// flight) until a read would wait for the client, which cannot run meanwhile (the
    /// mock's `Deadlock`), answers every complete command, and writes the answers. Returns
    /// the commands answered.
    pub fn serve(&mut self) -> anysock::Result<usize> {
        let before = self.db.commands;
        let mut buf = [0u8; 512];
        loop {
            match self.conn.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => self.input.extend_from_slice(&buf[..n]),
                Err(e) if e.waiting_for() == Some(Wait::Data) => break,
                Err(e) => return Err(e),
            }
        }
        self.answer();
        self.conn.write_all(&self.output)?;
        self.output.clear();
        Ok(self.db.commands - before)
    }

    /// For a server thread: reads and answers as Redis does, keeping answers in memory while
    /// the client is still sending, until the client closes.
    pub fn run(&mut self) -> anysock::Result<()> {
        let mut buf = [0u8; 4096];
        let mut closed = false;
        while !closed || !self.output.is_empty() {
            let mut idle = true;
            match self.conn.recv(&mut buf, MsgFlags::DONTWAIT) {
                Ok(0) => closed = true,
                Ok(n) => {
                    self.input.extend_from_slice(&buf[..n]);
                    idle = false;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            self.answer();
            if !self.output.is_empty() {
                match self.conn.send(&self.output, MsgFlags::DONTWAIT) {
                    Ok(n) => {
                        self.output.drain(..n);
                        idle = false;
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => return Err(e),
                }
            }
            if idle {
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
        }
        Ok(())
    }

    fn answer(&mut self) {
        while let Some(args) = take_command(&mut self.input) {
            self.db.execute(&args).encode(&mut self.output);
        }
    }
}
