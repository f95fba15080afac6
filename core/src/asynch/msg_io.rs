//! `MsgIo`, async: `sendmsg` and `recvmsg`.

use crate::error::Result;
use crate::msg::{RecvMeta, RecvMsg, SendMsg};

/// Scatter/gather I/O with an address, ancillary data and flags, waiting as the other async
/// calls do: the async counterpart of [`crate::MsgIo`]'s single-message calls.
#[doc(alias = "msghdr")]
pub trait MsgIo {
    /// [`sendmsg(fd, &msghdr, flags)`][send(2)]: as [`crate::MsgIo::send_msg`], waiting for
    /// room. On a stream it may send fewer bytes than [`crate::IoVec::total_len`]; a cancelled
    /// `send_msg` has sent nothing.
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    #[doc(alias = "sendmsg")]
    async fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize>;

    /// [`recvmsg(fd, &msghdr, flags)`][recv(2)]: as [`crate::MsgIo::recv_msg`], waiting for a
    /// message (or bytes). A cancelled `recv_msg` has received nothing: no data, and no
    /// ancillary data (passed descriptors stay queued).
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    #[doc(alias = "recvmsg")]
    async fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta>;
}
