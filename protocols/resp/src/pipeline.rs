//! Sending commands (`Client::call`, `Client::pipeline`): `Pipeline` gathers them into
//! `sendmsg` batches; `Replies` reads their answers.

use core::fmt;

use anysock::{ErrorKind, IoVec, MsgIo, SendMsg, Stream};

use crate::client::Client;
use crate::error::Error;
use crate::reply::Reply;

/// Arguments up to this long are copied next to their header rather than referenced: that
/// costs less than another iovec entry (16 bytes, and a step of the kernel's copy loop), and
/// a pipeline of short commands then leaves as one buffer, not cut into batches by `IOV`.
const INLINE: usize = 64;

/// The longest header: `\r\n` ending the previous argument, `*<count>\r\n`, `$<len>\r\n`,
/// each number at most 20 digits.
const MAX_HEAD: usize = 2 + (1 + 20 + 2) * 2;

/// Sending commands: one, or many gathered into as few `sendmsg` calls as `IOV` allows.
impl<S: Stream + MsgIo, const BUF: usize, const IOV: usize> Client<S, BUF, IOV> {
    /// Sends one command and reads its reply. `args` are the command's name and arguments,
    /// any bytes; an empty `args` is [`Error::Io`] with `InvalidInput`, and nothing is sent.
    ///
    /// The reply borrows the client's buffer until the next call.
    pub fn call(&mut self, args: &[&[u8]]) -> Result<Reply<'_>, Error> {
        if args.is_empty() {
            return Err(Error::Io(ErrorKind::InvalidInput.into()));
        }
        self.send(|p| {
            p.cmd(args);
        })?;
        self.read_reply()
    }

    /// Sends the commands `build` gives, gathered into as few `sendmsg` calls as `IOV`
    /// allows, and returns their replies to read in order.
    ///
    /// Arguments are borrowed until they are sent (long ones are not copied at all), so they
    /// must outlive the call. The replies are read after everything is sent: the server must keep reading
    /// while its answers wait (Redis does); for endless streams, send pipelines of bounded
    /// size. Replies not read are skipped before the next command's.
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
    /// let keys: [&[u8]; 3] = [b"a", b"b", b"c"];
    /// let mut replies = client.pipeline(|p| {
    ///     for key in keys {
    ///         p.cmd(&[b"SET", key, b"1"]);
    ///     }
    /// })?;
    /// # let mut request = [0u8; 256];
    /// # let _ = server.read(&mut request)?;
    /// server.write_all(b"+OK\r\n+OK\r\n+OK\r\n")?; // the scripted server's answers
    /// while let Some(reply) = replies.next_reply()? {
    ///     assert!(reply.is_ok());
    /// }
    /// # Ok::<(), anysock_resp::Error>(())
    /// ```
    pub fn pipeline<'a, F>(&mut self, build: F) -> Result<Replies<'_, S, BUF, IOV>, Error>
    where
        F: FnOnce(&mut Pipeline<'_, 'a, S, BUF, IOV>),
    {
        let count = self.send(build)?;
        Ok(Replies::new(self, count))
    }

    /// Writes the commands of `build`; returns how many.
    fn send<'a, F>(&mut self, build: F) -> Result<usize, Error>
    where
        F: FnOnce(&mut Pipeline<'_, 'a, S, BUF, IOV>),
    {
        self.ready()?;
        let mut pipeline = Pipeline::new(self);
        build(&mut pipeline);
        let (result, sent_any) = pipeline.finish();
        // A command that failed before anything was sent (an empty one) leaves the
        // connection as it was; once bytes went out, their replies are owed.
        if result.is_err() && sent_any {
            self.broken = true;
        }
        result
    }
}

/// One buffer of a batch: bytes in the client's buffer (headers and short arguments), or a
/// long argument's own bytes.
#[derive(Clone, Copy)]
enum Piece<'a> {
    Head { start: usize, end: usize },
    Arg(&'a [u8]),
}

/// Commands being written, for [`Client::pipeline`].
///
/// Each command is a RESP array of bulk strings. Its headers are formatted into the client's
/// buffer, with arguments of up to 64 bytes copied beside them; longer arguments are
/// referenced where they are (`'a`), never copied. All go out together, in one `sendmsg` per
/// batch (of at most `IOV` buffers and `BUF` bytes of headers). Errors are kept and reported by
/// [`Client::pipeline`], so commands chain:
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
/// let value = [0u8, 13, 10, 255]; // any bytes: lengths are sent, nothing is escaped
/// let replies = client.pipeline(|p| {
///     p.cmd(&[b"SET", b"k", &value]).cmd(&[b"GET", b"k"]);
/// })?;
/// assert_eq!(replies.remaining(), 2);
/// let mut sent = [0u8; 64];
/// let n = server.read(&mut sent)?;
/// assert_eq!(&sent[..n], b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n\0\r\n\xff\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
/// # Ok::<(), anysock_resp::Error>(())
/// ```
pub struct Pipeline<'p, 'a, S, const BUF: usize, const IOV: usize> {
    client: &'p mut Client<S, BUF, IOV>,
    pieces: [Piece<'a>; IOV],
    /// Pieces in the batch.
    used: usize,
    /// Bytes of the client's buffer the batch's headers take.
    heads: usize,
    /// The last argument written still needs its `\r\n` (sent with the next header).
    open: bool,
    count: usize,
    sent_any: bool,
    error: Option<Error>,
}

impl<'p, 'a, S: Stream + MsgIo, const BUF: usize, const IOV: usize> Pipeline<'p, 'a, S, BUF, IOV> {
    /// A pipeline on a client whose buffer holds nothing unread.
    pub(crate) fn new(client: &'p mut Client<S, BUF, IOV>) -> Self {
        Pipeline {
            client,
            pieces: [Piece::Arg(&[]); IOV],
            used: 0,
            heads: 0,
            open: false,
            count: 0,
            sent_any: false,
            error: None,
        }
    }

    /// Adds the command `args` (its name, then its arguments; any bytes). An empty `args`
    /// fails the pipeline with `InvalidInput`.
    pub fn cmd(&mut self, args: &[&'a [u8]]) -> &mut Self {
        if self.error.is_none() {
            if let Err(e) = self.write_cmd(args) {
                self.error = Some(e);
            }
        }
        self
    }

    /// How many commands were added.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no command was added.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn write_cmd(&mut self, args: &[&'a [u8]]) -> Result<(), Error> {
        let Some((name, rest)) = args.split_first() else {
            return Err(Error::Io(ErrorKind::InvalidInput.into()));
        };
        self.write_head(Some(args.len()), name.len())?;
        self.write_arg(name)?;
        for arg in rest {
            self.write_head(None, arg.len())?;
            self.write_arg(arg)?;
        }
        self.count += 1;
        Ok(())
    }

    /// Formats `[\r\n][*count\r\n]$len\r\n` into the client's buffer as the batch's next piece.
    fn write_head(&mut self, count: Option<usize>, len: usize) -> Result<(), Error> {
        // Make room first: sending the batch reuses the header space from its start.
        if self.used == IOV || BUF - self.heads < MAX_HEAD {
            self.flush()?;
        }
        let free = self.client.buf.get_mut(self.heads..).unwrap_or(&mut []);
        let mut w = Cursor { out: free, at: 0 };
        if self.open {
            w.put(b"\r\n");
        }
        if let Some(count) = count {
            w.put(b"*");
            w.decimal(count);
            w.put(b"\r\n");
        }
        w.put(b"$");
        w.decimal(len);
        w.put(b"\r\n");
        let written = w.written().ok_or(Error::TooLong)?;
        let start = self.heads;
        self.heads += written;
        self.open = true;
        self.extend(start)
    }

    /// Adds an argument: copied after its header when short and there is room, else
    /// referenced as a buffer of its own.
    fn write_arg(&mut self, arg: &'a [u8]) -> Result<(), Error> {
        if arg.is_empty() {
            return Ok(()); // its header says `$0`; no buffer needed
        }
        if arg.len() <= INLINE && arg.len() <= BUF - self.heads {
            if !self.ends_with_head() && self.used == IOV {
                self.flush()?;
            }
            let start = self.heads;
            if let Some(dst) = self.client.buf.get_mut(start..start + arg.len()) {
                dst.copy_from_slice(arg);
                self.heads += arg.len();
                return self.extend(start);
            }
        }
        if self.used == IOV {
            self.flush()?;
        }
        self.push(Piece::Arg(arg))
    }

    /// Whether the batch's last piece is header space ending where the next bytes go.
    fn ends_with_head(&self) -> bool {
        let last = self.used.checked_sub(1).and_then(|i| self.pieces.get(i));
        matches!(last, Some(Piece::Head { end, .. }) if *end == self.heads)
    }

    /// Records the bytes just written to the header space at `start..heads`: they lengthen
    /// the last piece when it ends at `start`, so a run of short commands is one buffer.
    fn extend(&mut self, start: usize) -> Result<(), Error> {
        let last = self
            .used
            .checked_sub(1)
            .and_then(|i| self.pieces.get_mut(i));
        if let Some(Piece::Head { end, .. }) = last {
            if *end == start {
                *end = self.heads;
                return Ok(());
            }
        }
        self.push(Piece::Head {
            start,
            end: self.heads,
        })
    }

    fn push(&mut self, piece: Piece<'a>) -> Result<(), Error> {
        // Only an `IOV` of 0 has no slot after a flush.
        *self.pieces.get_mut(self.used).ok_or(Error::TooLong)? = piece;
        self.used += 1;
        Ok(())
    }

    /// Sends the batch: one `sendmsg` of all its pieces (more if the stream takes part).
    fn flush(&mut self) -> Result<(), Error> {
        let mut iov = IoVec::<IOV>::new();
        for piece in self.pieces.get(..self.used).unwrap_or(&[]) {
            iov.push(match *piece {
                Piece::Head { start, end } => self.client.buf.get(start..end).unwrap_or(&[]),
                Piece::Arg(arg) => arg,
            })?;
        }
        self.used = 0;
        self.heads = 0;
        if iov.is_empty() {
            return Ok(());
        }
        self.sent_any = true;
        send_all(&mut self.client.stream, SendMsg::new(iov))
    }

    /// Ends the last argument, sends what is left; returns the number of commands, and
    /// whether any byte may have been sent.
    pub(crate) fn finish(mut self) -> (Result<usize, Error>, bool) {
        let result = match self.error {
            Some(e) => Err(e),
            None => self.finish_batch().map(|()| self.count),
        };
        (result, self.sent_any)
    }

    fn finish_batch(&mut self) -> Result<(), Error> {
        if self.open {
            self.write_arg(b"\r\n")?;
        }
        self.flush()
    }
}

/// Sends all of `msg`, resending the rest after a partial send.
fn send_all<S: MsgIo, const N: usize>(
    stream: &mut S,
    mut msg: SendMsg<'_, N>,
) -> Result<(), Error> {
    while !msg.iov.is_empty() {
        match stream.send_msg(&msg) {
            Ok(0) => return Err(Error::Closed),
            Ok(n) => msg.iov.advance(n),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Writes into a fixed buffer, remembering if anything did not fit.
struct Cursor<'b> {
    out: &'b mut [u8],
    at: usize,
}

impl Cursor<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.at.saturating_add(bytes.len());
        if let Some(dst) = self.out.get_mut(self.at..end) {
            dst.copy_from_slice(bytes);
        }
        // Past the end, `written` reports the overflow.
        self.at = end;
    }

    fn decimal(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 || i == 0 {
                break;
            }
        }
        self.put(digits.get(i..).unwrap_or(&[]));
    }

    fn written(&self) -> Option<usize> {
        (self.at <= self.out.len()).then_some(self.at)
    }
}

/// The replies of a pipeline, read in order with [`Replies::next_reply`].
///
/// Replies not read when this is dropped are read and skipped before the next command's.
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
///     p.cmd(&[b"INCR", b"n"]).cmd(&[b"INCR", b"n"]).cmd(&[b"INCR", b"n"]);
/// })?;
/// # let mut request = [0u8; 256];
/// # let _ = server.read(&mut request)?;
/// server.write_all(b":1\r\n:2\r\n:3\r\n")?;
/// assert_eq!(replies.next_reply()?, Some(Reply::Integer(1)));
/// drop(replies); // the other two are skipped before the next command's reply
/// let mut replies = client.pipeline(|p| {
///     p.cmd(&[b"INCR", b"n"]);
/// })?;
/// # let _ = server.read(&mut request)?;
/// server.write_all(b":4\r\n")?;
/// assert_eq!(replies.next_reply()?, Some(Reply::Integer(4)));
/// # Ok::<(), anysock_resp::Error>(())
/// ```
pub struct Replies<'c, S, const BUF: usize, const IOV: usize> {
    client: &'c mut Client<S, BUF, IOV>,
    left: usize,
}

impl<'c, S: Stream + MsgIo, const BUF: usize, const IOV: usize> Replies<'c, S, BUF, IOV> {
    pub(crate) fn new(client: &'c mut Client<S, BUF, IOV>, count: usize) -> Self {
        Replies {
            client,
            left: count,
        }
    }

    /// The next reply (borrowing the client's buffer until the next call), or `None` when
    /// every command's reply was read.
    pub fn next_reply(&mut self) -> Result<Option<Reply<'_>>, Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        self.client.read_reply().map(Some)
    }

    /// How many replies are still to be read.
    pub fn remaining(&self) -> usize {
        self.left
    }
}

impl<S, const BUF: usize, const IOV: usize> Drop for Replies<'_, S, BUF, IOV> {
    fn drop(&mut self) {
        self.client.unread += self.left;
    }
}

impl<S, const BUF: usize, const IOV: usize> fmt::Debug for Pipeline<'_, '_, S, BUF, IOV> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipeline")
            .field("commands", &self.count)
            .field("batched", &self.used)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<S, const BUF: usize, const IOV: usize> fmt::Debug for Replies<'_, S, BUF, IOV> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replies").field("left", &self.left).finish()
    }
}
