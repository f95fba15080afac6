//! `Client`: one connection to a Redis server, its reply buffer, and reading replies. Sending
//! commands is `pipeline.rs`'s.

use core::fmt;
use core::time::Duration;

use anysock::opt::{CommonOptions, RecvTimeout, SendTimeout};
use anysock::{ErrorKind, MsgIo, SocketAddr, Stack, Stream};

use crate::error::{Error, Protocol};
use crate::reply::Reply;
use crate::scan::{Frame, Scanner};

/// The default size of a client's buffer: the longest reply it can read, in bytes.
pub const DEFAULT_BUF: usize = 4096;

/// The default number of buffers a client gathers into one `sendmsg`: about two per
/// argument (a header, then the argument's own bytes).
pub const DEFAULT_IOV: usize = 64;

/// A Redis (RESP2) connection over any anysock stream.
///
/// - `BUF`: the buffer replies are read into and parsed in place; a reply longer than it is
///   [`Error::TooLong`]. While a pipeline is being written (nothing is read then), the same
///   buffer holds the commands' small headers, so it must be at least 48 bytes.
/// - `IOV`: the most buffers sent by one `sendmsg`. An argument longer than 64 bytes is
///   never copied: it is one of the buffers, beside its header (`$1000\r\n`) formatted into
///   `BUF`; shorter ones are copied next to their header. When a pipeline needs more, it
///   sends a batch and starts the next. The POSIX backend allows up to 1024 (`IOV_MAX`).
///
/// Calls block as the stream does; set a bound with [`Client::set_timeout`]. After an
/// [`Error`], the client answers every call with [`Error::Broken`]: make a new one.
///
/// ```
/// use anysock::embedded_io::{Read, Write};
/// use anysock::{Listener, Stack};
/// use anysock::mock::SharedNet;
/// use anysock_resp::{Client, Reply};
///
/// let net: SharedNet = SharedNet::new();
/// let app = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
/// let db = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
/// let mut listener = db.listen(&"10.0.0.2:6379".parse()?, 1)?;
/// std::thread::scope(|s| {
///     // A scripted server, in its own thread: it answers one command.
///     s.spawn(move || {
///         let (mut conn, _) = listener.accept()?;
///         let mut request = [0u8; 64];
///         let n = conn.read(&mut request)?;
///         assert_eq!(&request[..n], b"*2\r\n$4\r\nINCR\r\n$4\r\nhits\r\n");
///         conn.write_all(b":1\r\n")
///     });
///     let mut client: Client<_> = Client::connect(&app, &"10.0.0.2:6379".parse()?)?;
///     assert_eq!(client.call(&[b"INCR", b"hits"])?, Reply::Integer(1));
///     Ok::<(), anysock_resp::Error>(())
/// })?;
/// # Ok::<(), anysock_resp::Error>(())
/// ```
pub struct Client<S, const BUF: usize = DEFAULT_BUF, const IOV: usize = DEFAULT_IOV> {
    pub(crate) stream: S,
    pub(crate) buf: [u8; BUF],
    /// The first byte of the next reply.
    start: usize,
    /// The end of the bytes received.
    end: usize,
    /// The length of the reply last handed out (at `start`), skipped before the next read:
    /// the caller's `Reply` borrowed it until then.
    taken: usize,
    /// The scan of the reply at `start`, kept across reads so a reply split over many reads
    /// is checked once, not from its start again after each read.
    scan: Scanner,
    /// Replies to commands already sent that their caller did not read; skipped before the
    /// next command's reply.
    pub(crate) unread: usize,
    pub(crate) broken: bool,
}

impl<S: Stream + MsgIo, const BUF: usize, const IOV: usize> Client<S, BUF, IOV> {
    /// A client on a stream already connected to the server.
    pub fn new(stream: S) -> Self {
        Client {
            stream,
            buf: [0; BUF],
            start: 0,
            end: 0,
            taken: 0,
            scan: Scanner::new(),
            unread: 0,
            broken: false,
        }
    }

    /// `socket` + `connect(addr)` on `stack`, then a client on the stream.
    ///
    /// ```no_run
    /// use anysock::Stack;
    /// use anysock_resp::Client;
    ///
    /// fn open<K: Stack>(stack: &K) -> Result<Client<K::Stream>, anysock_resp::Error> {
    ///     Client::connect(stack, &"127.0.0.1:6379".parse()?)
    /// }
    /// ```
    pub fn connect<K: Stack<Stream = S>>(stack: &K, addr: &SocketAddr) -> Result<Self, Error> {
        Ok(Client::new(stack.connect(addr)?))
    }

    /// Bounds how long each read and each send may wait (`SO_RCVTIMEO` and `SO_SNDTIMEO`);
    /// `None` waits without limit. A call that runs out of time fails with
    /// [`Error::Io`] (`WouldBlock` or `TimedOut`), and the client is broken: the reply may
    /// still come, and would be taken for the next command's.
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
    /// use core::time::Duration;
    ///
    /// client.set_timeout(Some(Duration::from_secs(2)))?;
    /// // The scripted server never answers: on the mock's virtual clock, the read gives up after 2 s.
    /// let err = client.call(&[b"PING"]).unwrap_err();
    /// assert!(matches!(err, anysock_resp::Error::Io(_)));
    /// assert_eq!(net.now(), Duration::from_secs(2));
    /// assert!(client.is_broken());
    /// # Ok::<(), anysock_resp::Error>(())
    /// ```
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<(), Error>
    where
        S: CommonOptions,
    {
        self.stream.set(RecvTimeout, timeout)?;
        self.stream.set(SendTimeout, timeout)?;
        Ok(())
    }

    /// Whether an earlier error left the connection unusable.
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// The stream, to read an option or its addresses.
    pub fn stream(&self) -> &S {
        &self.stream
    }

    /// The stream, to set an option (such as `NoDelay`). Reading or writing on it directly
    /// puts the client out of step.
    pub fn stream_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// The stream, closing nothing.
    pub fn into_stream(self) -> S {
        self.stream
    }

    /// Skips the replies nobody read, so the buffer is empty for a new pipeline's headers.
    pub(crate) fn ready(&mut self) -> Result<(), Error> {
        if self.broken {
            return Err(Error::Broken);
        }
        while self.unread > 0 {
            self.next_frame()?;
            self.unread -= 1;
        }
        self.start += self.taken;
        self.taken = 0;
        if self.start != self.end {
            self.broken = true;
            return Err(Protocol::Unsolicited.into());
        }
        self.start = 0;
        self.end = 0;
        Ok(())
    }

    /// Reads the next reply.
    pub(crate) fn read_reply(&mut self) -> Result<Reply<'_>, Error> {
        let frame = self.next_frame()?;
        let bytes = self
            .buf
            .get(self.start..self.start + frame.len)
            .unwrap_or(&[]);
        Ok(Reply::from_frame(bytes, frame.head))
    }

    /// Finds the next whole reply at `start`, reading as needed; an error breaks the client.
    fn next_frame(&mut self) -> Result<Frame, Error> {
        if self.broken {
            return Err(Error::Broken);
        }
        let found = self.find_frame();
        if found.is_err() {
            self.broken = true;
        }
        found
    }

    fn find_frame(&mut self) -> Result<Frame, Error> {
        self.start += self.taken;
        self.taken = 0;
        loop {
            let received = self.buf.get(self.start..self.end).unwrap_or(&[]);
            if let Some(frame) = self.scan.scan(received, BUF)? {
                self.taken = frame.len;
                return Ok(frame);
            }
            // Move the partial reply to the front, so the buffer's whole length is there for
            // it (a reply is at most `BUF`); only the part already received is copied.
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            let free = match self.buf.get_mut(self.end..) {
                Some(free) if !free.is_empty() => free,
                _ => return Err(Error::TooLong),
            };
            self.end += loop {
                match self.stream.read(free) {
                    Ok(0) => return Err(Error::Closed),
                    Ok(n) => break n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e.into()),
                }
            };
        }
    }
}

impl<S, const BUF: usize, const IOV: usize> fmt::Debug for Client<S, BUF, IOV> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("buffered", &self.end.saturating_sub(self.start))
            .field("unread", &self.unread)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}
