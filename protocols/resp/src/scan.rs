//! Finding where one reply ends, from bytes that may stop anywhere.
//!
//! RESP announces every length before the bytes it measures, so a reply, however deeply
//! nested, is checked with one counter of elements still to come: an array of `n` adds `n`.
//! No recursion (a hostile server cannot overflow the stack), and no state but a position and
//! that counter, so a scan that runs out of bytes resumes where it stopped when more arrive.

use crate::error::{Error, Protocol};

/// The longest integer line content: `-9223372036854775808` is 20 characters.
const MAX_DIGITS: usize = 20;

/// The smallest encoded reply, `+\r\n`: an array of `n` needs at least `3 * n` more bytes.
const MIN_REPLY: usize = 3;

/// The first line of a reply, positions relative to the reply's first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Head {
    /// `+text`: the text at `start..end`.
    Simple { start: usize, end: usize },
    /// `-text`: the text at `start..end`.
    Error { start: usize, end: usize },
    /// `:n`.
    Integer(i64),
    /// `$n` with `n >= 0`: the bytes at `start..start + n`.
    Bulk { start: usize, len: usize },
    /// `$-1`.
    Nil,
    /// `*n` with `n >= 0`: elements from `start`.
    Array { start: usize, len: usize },
    /// `*-1`.
    NilArray,
}

/// A whole reply found: its length in bytes and its first line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    pub(crate) len: usize,
    pub(crate) head: Head,
}

/// A scan in progress: where the next element starts, and how many elements are still to come.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scanner {
    pos: usize,
    pending: usize,
    head: Option<Head>,
}

impl Scanner {
    pub(crate) const fn new() -> Self {
        Scanner {
            pos: 0,
            pending: 1,
            head: None,
        }
    }

    /// Scans the reply at the start of `buf`, resuming after the elements already checked.
    ///
    /// `Ok(None)`: more bytes are needed (call again with the same bytes and more). `cap` is the
    /// most a reply may take: one announced longer fails with [`Error::TooLong`] at once,
    /// without waiting for its bytes. Once a reply is found, the scanner starts over.
    pub(crate) fn scan(&mut self, buf: &[u8], cap: usize) -> Result<Option<Frame>, Error> {
        loop {
            let rest = buf.get(self.pos..).unwrap_or(&[]);
            let Some((line, used)) = head_line(rest)? else {
                return Ok(None);
            };
            let body = self.pos + used;
            let (head, end) = match line {
                Line::Simple(len) => (
                    Head::Simple {
                        start: self.pos + 1,
                        end: self.pos + 1 + len,
                    },
                    body,
                ),
                Line::Error(len) => (
                    Head::Error {
                        start: self.pos + 1,
                        end: self.pos + 1 + len,
                    },
                    body,
                ),
                Line::Integer(n) => (Head::Integer(n), body),
                Line::Bulk(None) => (Head::Nil, body),
                Line::Array(None) => (Head::NilArray, body),
                Line::Bulk(Some(len)) => {
                    // The bytes and their `\r\n` must fit in what is left of the buffer.
                    if len > cap.saturating_sub(body).saturating_sub(2) {
                        return Err(Error::TooLong);
                    }
                    let end = body + len + 2;
                    match buf.get(body + len..end) {
                        None => return Ok(None),
                        Some(b"\r\n") => {}
                        Some(_) => return Err(Protocol::BadLineEnd.into()),
                    }
                    (Head::Bulk { start: body, len }, end)
                }
                Line::Array(Some(len)) => (Head::Array { start: body, len }, body),
            };
            // `pending` is at least 1 here: the scanner starts over when it reaches 0.
            let mut pending = self.pending.saturating_sub(1);
            if let Head::Array { len, .. } = head {
                // Announced elements that cannot fit: fail now, not when the buffer is full.
                pending = pending
                    .checked_add(len)
                    .filter(|&p| p <= cap.saturating_sub(body) / MIN_REPLY)
                    .ok_or(Error::TooLong)?;
            }
            if self.head.is_none() {
                self.head = Some(head);
            }
            self.pending = pending;
            self.pos = end;
            if self.pending == 0 {
                let frame = self.head.map(|head| Frame { len: end, head });
                *self = Scanner::new();
                return Ok(frame);
            }
        }
    }
}

/// A reply's first line, decoded; lengths of text, not positions.
enum Line {
    Simple(usize),
    Error(usize),
    Integer(i64),
    Bulk(Option<usize>),
    Array(Option<usize>),
}

/// Decodes the line at the start of `rest`: `Ok(None)` when it is not complete yet, else the
/// line and the bytes it takes, `\r\n` included.
fn head_line(rest: &[u8]) -> Result<Option<(Line, usize)>, Error> {
    let Some(&ty) = rest.first() else {
        return Ok(None);
    };
    if !matches!(ty, b'+' | b'-' | b':' | b'$' | b'*') {
        return Err(Protocol::BadType(ty).into());
    }
    let text = rest.get(1..).unwrap_or(&[]);
    if matches!(ty, b':' | b'$' | b'*') {
        // A number longer than 20 characters is never valid: say so as soon as it shows,
        // ended or not, so the verdict does not depend on how the bytes were split.
        let seen = text.iter().position(|&b| b == b'\r' || b == b'\n');
        let digits = text.get(..seen.unwrap_or(text.len())).unwrap_or(&[]);
        if let Some(first) = digits.get(..=MAX_DIGITS) {
            return Err(number(first).err().unwrap_or(Protocol::Overflow.into()));
        }
    }
    let Some(len) = line_len(text)? else {
        return Ok(None);
    };
    let content = text.get(..len).unwrap_or(&[]);
    let used = 1 + len + 2;
    let line = match ty {
        b'+' => Line::Simple(len),
        b'-' => Line::Error(len),
        b':' => Line::Integer(number(content)?),
        b'$' => Line::Bulk(length(content)?),
        _ => Line::Array(length(content)?),
    };
    Ok(Some((line, used)))
}

/// The length of the line's text before `\r\n`; `Ok(None)` when the line has not ended yet.
fn line_len(text: &[u8]) -> Result<Option<usize>, Error> {
    match text.iter().position(|&b| b == b'\r' || b == b'\n') {
        None => Ok(None),
        Some(i) => match (text.get(i), text.get(i + 1)) {
            (Some(b'\r'), Some(b'\n')) => Ok(Some(i)),
            (Some(b'\r'), None) => Ok(None),
            _ => Err(Protocol::BadLineEnd.into()),
        },
    }
}

/// A length: `-1` is null; other negatives are an error; one beyond the address space cannot
/// fit any buffer.
fn length(text: &[u8]) -> Result<Option<usize>, Error> {
    match number(text)? {
        -1 => Ok(None),
        n if n < -1 => Err(Protocol::NegativeLength.into()),
        n => usize::try_from(n).map(Some).map_err(|_| Error::TooLong),
    }
}

/// A decimal `i64`, optionally negative, at least one digit, nothing else.
fn number(text: &[u8]) -> Result<i64, Error> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() {
        return Err(Protocol::BadInteger.into());
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(Protocol::BadInteger.into());
        }
        let d = i64::from(d - b'0');
        // Accumulate towards the sign so that `i64::MIN` fits.
        n = n
            .checked_mul(10)
            .and_then(|n| {
                if negative {
                    n.checked_sub(d)
                } else {
                    n.checked_add(d)
                }
            })
            .ok_or(Error::Protocol(Protocol::Overflow))?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(bytes: &[u8]) -> Result<Option<Frame>, Error> {
        Scanner::new().scan(bytes, 4096)
    }

    #[test]
    fn numbers_reach_the_limits_and_no_further() {
        assert_eq!(number(b"-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(number(b"9223372036854775807"), Ok(i64::MAX));
        assert_eq!(
            number(b"9223372036854775808"),
            Err(Protocol::Overflow.into())
        );
        assert_eq!(number(b"-"), Err(Protocol::BadInteger.into()));
        assert_eq!(number(b"+1"), Err(Protocol::BadInteger.into()));
    }

    #[test]
    fn a_nested_reply_is_found_whole_or_not_at_all() {
        let reply = b"*2\r\n*1\r\n:1\r\n$3\r\nabc\r\n";
        for cut in 0..reply.len() {
            assert!(scan_all(&reply[..cut]).unwrap().is_none(), "cut at {cut}");
        }
        let frame = scan_all(reply).unwrap().unwrap();
        assert_eq!(frame.len, reply.len());
        assert_eq!(frame.head, Head::Array { start: 4, len: 2 });
    }

    #[test]
    fn a_resumed_scan_gives_the_same_frame() {
        let reply = b"*3\r\n+OK\r\n$-1\r\n$2\r\n\r\n\r\n";
        let mut s = Scanner::new();
        for cut in 0..reply.len() {
            assert!(s.scan(&reply[..cut], 4096).unwrap().is_none());
        }
        assert_eq!(s.scan(reply, 4096).unwrap().unwrap().len, reply.len());
    }

    #[test]
    fn announced_lengths_beyond_the_buffer_fail_early() {
        assert_eq!(scan_all(b"$5000\r\n").unwrap_err(), Error::TooLong);
        assert_eq!(scan_all(b"*2000\r\n").unwrap_err(), Error::TooLong);
        assert_eq!(
            scan_all(b"$-2\r\n").unwrap_err(),
            Protocol::NegativeLength.into()
        );
        assert_eq!(
            scan_all(b":123456789012345678901").unwrap_err(),
            Protocol::Overflow.into()
        );
        assert!(scan_all(b":12x").unwrap().is_none());
        assert_eq!(
            scan_all(b":12x\r\n").unwrap_err(),
            Protocol::BadInteger.into()
        );
        assert_eq!(
            scan_all(b"+a\nb\r\n").unwrap_err(),
            Protocol::BadLineEnd.into()
        );
        assert_eq!(
            scan_all(b"$1\r\nab\r\n").unwrap_err(),
            Protocol::BadLineEnd.into()
        );
        assert_eq!(
            scan_all(b"%1\r\n").unwrap_err(),
            Protocol::BadType(b'%').into()
        );
    }
}
