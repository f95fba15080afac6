//! `Reply`: one RESP2 reply, borrowed from the client's buffer.

use core::fmt;

use crate::scan::{Head, Scanner};

/// One reply from the server, borrowing its bytes from the client's buffer (no copy, no heap).
///
/// A server's error (`-ERR ...`) is a reply like the others: the command failed, the
/// connection is fine. Text and bytes are raw `&[u8]`: Redis strings are binary.
///
/// ```
/// use anysock_resp::Reply;
///
/// let ok = Reply::Simple(b"OK");
/// assert!(ok.is_ok());
/// assert_eq!(Reply::Bulk(b"v").as_bytes(), Some(&b"v"[..]));
/// assert_eq!(Reply::Integer(7).as_integer(), Some(7));
/// assert!(Reply::Nil.is_nil());
/// assert_eq!(format!("{:?}", Reply::Error(b"ERR no\r")), r#"Error(b"ERR no\r")"#);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reply<'a> {
    /// A simple string (`+OK`): a status, never holding `\r` or `\n`.
    Simple(&'a [u8]),
    /// An error reply (`-ERR unknown command`): the command failed; the text starts with the
    /// error's kind (`ERR`, `WRONGTYPE`, ...).
    Error(&'a [u8]),
    /// An integer (`:42`).
    Integer(i64),
    /// A bulk string (`$3\r\nabc`): any bytes.
    Bulk(&'a [u8]),
    /// The null bulk string (`$-1`): `GET` of a missing key.
    Nil,
    /// An array (`*2 ...`) of replies, possibly nested.
    Array(Array<'a>),
    /// The null array (`*-1`): `BLPOP` that timed out, an aborted `EXEC`.
    NilArray,
}

impl<'a> Reply<'a> {
    /// The reply of a whole frame whose first line is `head`.
    pub(crate) fn from_frame(frame: &'a [u8], head: Head) -> Self {
        // The scanner checked every position against the frame, so `get` always finds them;
        // it is used so that no input can make this code panic.
        let bytes = |start: usize, end: usize| frame.get(start..end).unwrap_or(&[]);
        match head {
            Head::Simple { start, end } => Reply::Simple(bytes(start, end)),
            Head::Error { start, end } => Reply::Error(bytes(start, end)),
            Head::Integer(n) => Reply::Integer(n),
            Head::Bulk { start, len } => Reply::Bulk(bytes(start, start + len)),
            Head::Nil => Reply::Nil,
            Head::Array { start, len } => Reply::Array(Array {
                elements: bytes(start, frame.len()),
                len,
            }),
            Head::NilArray => Reply::NilArray,
        }
    }

    /// Whether this is the status `+OK`.
    pub fn is_ok(&self) -> bool {
        *self == Reply::Simple(b"OK")
    }

    /// Whether this is a null bulk string or a null array.
    pub fn is_nil(&self) -> bool {
        matches!(self, Reply::Nil | Reply::NilArray)
    }

    /// The bytes of a simple or bulk string.
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match *self {
            Reply::Simple(b) | Reply::Bulk(b) => Some(b),
            _ => None,
        }
    }

    /// The value of an integer reply.
    pub fn as_integer(&self) -> Option<i64> {
        match *self {
            Reply::Integer(n) => Some(n),
            _ => None,
        }
    }

    /// The elements of an array reply.
    pub fn as_array(&self) -> Option<Array<'a>> {
        match *self {
            Reply::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// The elements of an array reply, decoded one by one as they are iterated (no heap to hold
/// them all).
///
/// ```
/// # use anysock::embedded_io::{Read, Write};
/// # use anysock::{Listener, Stack};
/// # let net: anysock::mock::Net = anysock::mock::Net::new();
/// # let app = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
/// # let db = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
/// # let mut listener = db.listen(&"10.0.0.2:6379".parse()?, 1)?;
/// # let mut client: anysock_resp::Client<_> = anysock_resp::Client::connect(&app, &"10.0.0.2:6379".parse()?)?;
/// # let (mut server, _) = listener.accept()?;
/// use anysock_resp::Reply;
///
/// let mut replies = client.pipeline(|p| {
///     p.cmd(&[b"LRANGE", b"list", b"0", b"-1"]);
/// })?;
/// server.write_all(b"*3\r\n$1\r\nc\r\n$-1\r\n*1\r\n:7\r\n")?; // nested, with a null
/// let reply = replies.next_reply()?.unwrap();
/// let items = reply.as_array().unwrap();
/// assert_eq!(items.len(), 3);
/// let mut it = items.iter();
/// assert_eq!(it.next(), Some(Reply::Bulk(b"c")));
/// assert_eq!(it.next(), Some(Reply::Nil));
/// assert_eq!(it.next().and_then(|r| r.as_array()?.get(0)), Some(Reply::Integer(7)));
/// assert_eq!(format!("{reply:?}"), r#"Array([Bulk(b"c"), Nil, Array([Integer(7)])])"#);
/// # Ok::<(), anysock_resp::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Array<'a> {
    /// The encoded elements, back to back.
    elements: &'a [u8],
    len: usize,
}

impl<'a> Array<'a> {
    /// How many elements the array has.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the array has no element.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The elements, in order.
    pub fn iter(&self) -> Iter<'a> {
        Iter {
            rest: self.elements,
            left: self.len,
        }
    }

    /// The element at `index` (walks the elements before it).
    pub fn get(&self, index: usize) -> Option<Reply<'a>> {
        self.iter().nth(index)
    }
}

impl<'a> IntoIterator for Array<'a> {
    type Item = Reply<'a>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// An iterator over the elements of an [`Array`].
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    rest: &'a [u8],
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Reply<'a>;

    fn next(&mut self) -> Option<Reply<'a>> {
        if self.left == 0 {
            return None;
        }
        // The whole array was checked when it arrived, so each element scans whole; a nested
        // array is scanned again to find its end, which costs time, not memory.
        let frame = Scanner::new().scan(self.rest, self.rest.len()).ok()??;
        let (this, rest) = self.rest.split_at_checked(frame.len)?;
        self.rest = rest;
        self.left -= 1;
        Some(Reply::from_frame(this, frame.head))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left))
    }
}

/// Bytes shown as a byte string literal: `b"OK\r\n"`.
struct Bytes<'a>(&'a [u8]);

impl fmt::Debug for Bytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("b\"")?;
        for &b in self.0 {
            write!(f, "{}", core::ascii::escape_default(b))?;
        }
        f.write_str("\"")
    }
}

impl fmt::Debug for Reply<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reply::Simple(b) => f.debug_tuple("Simple").field(&Bytes(b)).finish(),
            Reply::Error(b) => f.debug_tuple("Error").field(&Bytes(b)).finish(),
            Reply::Integer(n) => f.debug_tuple("Integer").field(&n).finish(),
            Reply::Bulk(b) => f.debug_tuple("Bulk").field(&Bytes(b)).finish(),
            Reply::Nil => f.write_str("Nil"),
            Reply::Array(a) => f.debug_tuple("Array").field(&a).finish(),
            Reply::NilArray => f.write_str("NilArray"),
        }
    }
}

impl fmt::Debug for Array<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
