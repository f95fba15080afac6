//! `TcpConnect` for [`Nal`].

use embedded_nal_async::TcpConnect;

use super::Nal;
use crate::asynch::Stack;
use crate::Error;

impl<S: Stack> TcpConnect for Nal<S> {
    type Error = Error;
    type Connection<'a>
        = S::Stream
    where
        Self: 'a;

    /// `socket` + `connect(remote)`: completes once connected, with the stack's stream (an
    /// `embedded_io_async` reader and writer, closed when dropped).
    ///
    /// Errors: [`crate::ErrorKind::ConnectionRefused`], [`crate::ErrorKind::TimedOut`],
    /// [`crate::ErrorKind::NetworkUnreachable`], ...
    async fn connect(&self, remote: core::net::SocketAddr) -> Result<S::Stream, Error> {
        self.stack.connect(&remote.into()).await
    }
}
