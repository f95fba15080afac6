//! Sockets received in [`Cmsg::Rights`]: from the moment a receive returns they are the
//! receiver's, each held by exactly one value that closes it — the decoder until the message
//! is yielded, then the message's [`ReceivedSockets`], then the [`PassedSocket`] taken out.

use anysock_core::cmsg::{Ancillary, Cmsg};
use anysock_core::{Error, ErrorKind, RecvMeta, RecvMsg, Result, Type};

use crate::base::cmsg::{self, decode, record_at, ControlWriter, RawHandles};
use crate::base::handle::Handle;
use crate::kernel::ancillary::Ctl;
use crate::kernel::table::wait::gave_up;
use crate::net::sharing::{Local, Sharing};
use crate::net::Net;
use crate::socket::datagram::Datagram;
use crate::socket::fresh::Socket;
use crate::socket::listener::Listener;
use crate::socket::socket_type;
use crate::socket::stream::Stream;
use crate::trace::Tracer;

socket_type! {
    /// A socket received from another socket's owner ([`Cmsg::Rights`], the mock's
    /// `SCM_RIGHTS`): another handle to the same simulated socket, whose state (connection,
    /// queued bytes, options, listen queue) it shares with the sender's. Closed when dropped,
    /// unless turned into the socket type it is; the socket itself closes when its last
    /// handle does.
    PassedSocket
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    PassedSocket<'n, S, B, Q, T, K, H>
{
    /// As a fresh [`Socket`], whatever it is: bind, listen or connect it as usual.
    pub fn into_socket(self) -> Result<Socket<'n, S, B, Q, T, K, H>> {
        let (net, handle) = self.into_parts();
        Ok(Socket::from_parts(net, handle))
    }

    /// As the [`Listener`] it is (as passed by a parent to a worker); a socket that does not
    /// listen is [`ErrorKind::InvalidInput`], and closed.
    pub fn into_listener(self) -> Result<Listener<'n, S, B, Q, T, K, H>> {
        if !self.is(|s| s.is_listening()) {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (net, handle) = self.into_parts();
        Ok(Listener::from_parts(net, handle))
    }

    /// As the [`Stream`] it is; a datagram or listening socket is
    /// [`ErrorKind::InvalidInput`], and closed.
    pub fn into_stream(self) -> Result<Stream<'n, S, B, Q, T, K, H>> {
        if !self.is(|s| s.ty != Type::Datagram && !s.is_listening()) {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (net, handle) = self.into_parts();
        Ok(Stream::from_parts(net, handle))
    }

    /// As the [`Datagram`] socket it is; another type is [`ErrorKind::InvalidInput`], and
    /// closed.
    pub fn into_datagram(self) -> Result<Datagram<'n, S, B, Q, T, K, H>> {
        if !self.is(|s| s.ty == Type::Datagram) {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (net, handle) = self.into_parts();
        Ok(Datagram::from_parts(net, handle))
    }

    fn is(&self, test: impl FnOnce(&crate::kernel::table::sock::Sock<B, Q>) -> bool) -> bool {
        self.net.state().sock(self.handle).is_ok_and(test)
    }
}

/// Drops one handle of each socket in `handles` (closed markers own nothing).
fn close_all<
    const S: usize,
    const B: usize,
    const Q: usize,
    T: Tracer,
    K: Sharing,
    const H: usize,
>(
    net: &Net<S, B, Q, T, K, H>,
    handles: RawHandles<'_>,
) {
    let mut st = net.state_mut();
    for h in handles.flatten() {
        st.close(h);
    }
}

/// The sockets of one received [`Cmsg::Rights`]: an iterator of [`PassedSocket`]. Those not
/// taken are closed when it is dropped.
pub struct ReceivedSockets<
    'c,
    'n,
    const S: usize = 32,
    const B: usize = 4096,
    const Q: usize = 8,
    T: Tracer = (),
    K: Sharing = Local,
    const H: usize = { crate::kernel::table::hosts::MAX_HOSTS },
> {
    net: &'n Net<S, B, Q, T, K, H>,
    raw: RawHandles<'c>,
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    core::fmt::Debug for ReceivedSockets<'_, '_, S, B, Q, T, K, H>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReceivedSockets")
            .field("left", &self.raw.len())
            .finish()
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    ReceivedSockets<'_, '_, S, B, Q, T, K, H>
{
    /// How many sockets are left to take.
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// Whether none is left.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Iterator for ReceivedSockets<'_, 'n, S, B, Q, T, K, H>
{
    type Item = PassedSocket<'n, S, B, Q, T, K, H>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(h) = self.raw.next()? {
                return Some(PassedSocket::from_parts(self.net, h));
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.raw.len()))
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Drop
    for ReceivedSockets<'_, '_, S, B, Q, T, K, H>
{
    fn drop(&mut self) {
        if !self.raw.is_empty() {
            close_all(self.net, self.raw.clone());
        }
    }
}

/// The ancillary data of one received message, decoded as it is iterated: items are
/// `Result<Cmsg<'c, ReceivedSockets>>`. Dropping it closes the sockets of every
/// [`Cmsg::Rights`] not yet yielded.
pub struct ReceivedControl<
    'c,
    'n,
    const S: usize = 32,
    const B: usize = 4096,
    const Q: usize = 8,
    T: Tracer = (),
    K: Sharing = Local,
    const H: usize = { crate::kernel::table::hosts::MAX_HOSTS },
> {
    net: &'n Net<S, B, Q, T, K, H>,
    buf: &'c [u8],
    pos: usize,
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    core::fmt::Debug for ReceivedControl<'_, '_, S, B, Q, T, K, H>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReceivedControl")
            .field("len", &self.buf.len())
            .field("pos", &self.pos)
            .finish()
    }
}

impl<
        'c,
        'n,
        const S: usize,
        const B: usize,
        const Q: usize,
        T: Tracer,
        K: Sharing,
        const H: usize,
    > Iterator for ReceivedControl<'c, 'n, S, B, Q, T, K, H>
{
    type Item = Result<Cmsg<'c, ReceivedSockets<'c, 'n, S, B, Q, T, K, H>>>;

    fn next(&mut self) -> Option<Self::Item> {
        let (record, next) = match record_at(self.buf, self.pos)? {
            Ok(found) => found,
            Err(e) => {
                self.pos = self.buf.len();
                return Some(Err(e));
            }
        };
        self.pos = next;
        let data = self.buf.get(record.start..record.end).unwrap_or_default();
        Some(decode(record.level, record.ty, data).map(|msg| match msg {
            Cmsg::Rights(raw) => Cmsg::Rights(ReceivedSockets { net: self.net, raw }),
            Cmsg::Credentials(c) => Cmsg::Credentials(c),
            Cmsg::PktInfo(p) => Cmsg::PktInfo(p),
            // The decoder makes no other typed message; anything else is raw bytes.
            _ => Cmsg::Raw {
                level: record.level,
                ty: record.ty,
                data,
            },
        }))
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Drop
    for ReceivedControl<'_, '_, S, B, Q, T, K, H>
{
    fn drop(&mut self) {
        while let Some(Ok((record, next))) = record_at(self.buf, self.pos) {
            self.pos = next;
            if let (true, Some(data)) = (record.is_rights(), self.buf.get(record.start..record.end))
            {
                // The network writes whole handles only; a cut one would own nothing.
                let whole = data.len() - data.len() % cmsg::HANDLE_LEN;
                if let Ok(Cmsg::Rights(raw)) = decode(record.level, record.ty, &data[..whole]) {
                    close_all(self.net, raw);
                }
            }
        }
    }
}

/// The typed ancillary data of [`Ancillary`], the same for streams and datagram sockets.
macro_rules! ancillary {
    ($ty:ident) => {
        impl<
                'n,
                const S: usize,
                const B: usize,
                const Q: usize,
                T: Tracer,
                K: Sharing,
                const H: usize,
            > Ancillary for $ty<'n, S, B, Q, T, K, H>
        {
            type ReceivedFds<'c> = ReceivedSockets<'c, 'n, S, B, Q, T, K, H>;
            type Control<'c> = ReceivedControl<'c, 'n, S, B, Q, T, K, H>;

            fn control_space(msg: &Cmsg<'_, &[Handle]>) -> usize {
                cmsg::space_of(msg)
            }

            fn encode_control(buf: &mut [u8], msgs: &[Cmsg<'_, &[Handle]>]) -> Result<usize> {
                let mut w = ControlWriter::new(buf);
                for msg in msgs {
                    w.push(msg)?;
                }
                Ok(w.len())
            }

            /// `recvmsg` with ancillary data in the mock's encoding: the sender's credentials
            /// (Unix, with `PassCredentials`), packet info (UDP, with `PktInfo` /
            /// `RecvPktInfo`), passed sockets. What does not fit in `control` is cut and
            /// reported as [`anysock_core::MsgFlags::CTRUNC`]; passed sockets cut are closed.
            fn recv_msg_control<'c, const N: usize>(
                &mut self,
                msg: &mut RecvMsg<'_, N>,
                control: &'c mut [u8],
            ) -> Result<(RecvMeta, ReceivedControl<'c, 'n, S, B, Q, T, K, H>)> {
                if !msg.control.is_empty() {
                    return Err(Error::new(ErrorKind::InvalidInput));
                }
                // The buffer is lent to the receive, then to the decoder.
                let (meta, len) = {
                    let mut ctl = Ctl::new(&mut *control, true);
                    let meta = self.recv_with(msg, &mut ctl);
                    (meta, ctl.len)
                };
                let received = ReceivedControl {
                    net: self.net,
                    buf: control.get(..len).unwrap_or_default(),
                    pos: 0,
                };
                Ok((meta?, received))
            }
        }
    };
}

ancillary!(Stream);
ancillary!(Datagram);

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Datagram<'_, S, B, Q, T, K, H>
{
    /// One datagram into `msg.iov`, its ancillary data into `ctl`.
    pub(crate) fn recv_with<const N: usize>(
        &mut self,
        msg: &mut RecvMsg<'_, N>,
        ctl: &mut Ctl<'_>,
    ) -> Result<RecvMeta> {
        let (h, flags) = (self.handle, msg.flags);
        let bufs = msg.iov.as_mut_slices();
        let got = self
            .net
            .blocking(|st| st.datagram_recv(h, bufs, flags, ctl), gave_up)?;
        Ok(datagram_meta(&got, ctl))
    }
}

/// What `recvmsg` reports for a datagram received as `got`, its ancillary data in `ctl`.
pub(crate) fn datagram_meta(got: &crate::kernel::datagram::Got, ctl: &Ctl<'_>) -> RecvMeta {
    let mut flags = ctl.flags();
    if got.truncated {
        flags |= anysock_core::MsgFlags::TRUNC;
    }
    // An unbound Unix sender has no name: Linux leaves `msg_name` empty.
    let unnamed = got.from.as_unix().is_some_and(|u| u.is_unnamed());
    RecvMeta {
        len: got.len,
        addr: (!unnamed).then_some(got.from),
        control_len: ctl.len,
        flags,
    }
}
