//! `MsgIo`: `sendmsg` and `recvmsg`.

use crate::error::Result;
use crate::msg::{RecvMeta, RecvMsg, SendMsg};

/// Scatter/gather I/O with an address, ancillary data and flags.
pub trait MsgIo {
    /// `sendmsg(fd, &msghdr, flags)`: sends the buffers of `msg.iov` in order as one call (one
    /// datagram, on a datagram socket). Returns the bytes sent; on a stream this may be fewer
    /// than [`crate::IoVec::total_len`] (use [`crate::IoVec::advance`] and send again).
    #[doc(alias = "sendmsg")]
    fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize>;

    /// `recvmsg(fd, &msghdr, flags)`: receives into the buffers of `msg.iov` in order, and
    /// ancillary data into `msg.control`. Truncation of the data or of the control data is
    /// reported in [`RecvMeta::flags`].
    #[doc(alias = "recvmsg")]
    fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta>;
}
