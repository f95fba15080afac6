//! `MsgIo`: `sendmsg` and `recvmsg`, one message or a batch.

use crate::error::Result;
use crate::msg::{MsgFlags, RecvBatch, RecvMeta, RecvMsg, SendBatch, SendMsg};

/// Scatter/gather I/O with an address, ancillary data and flags: the calls that take a
/// `struct msghdr`.
#[doc(alias = "msghdr")]
pub trait MsgIo {
    /// [`sendmsg(fd, &msghdr, flags)`][send(2)]: sends the buffers of `msg.iov` in order as one
    /// call (one datagram, on a datagram socket). Returns the bytes sent; on a stream this may be
    /// fewer than [`crate::IoVec::total_len`] (use [`crate::IoVec::advance`] and send again).
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    #[doc(alias = "sendmsg")]
    fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize>;

    /// [`recvmsg(fd, &msghdr, flags)`][recv(2)]: receives into the buffers of `msg.iov` in order,
    /// and ancillary data into `msg.control`. Truncation of the data or of the control data is
    /// reported in [`RecvMeta::flags`].
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    #[doc(alias = "recvmsg")]
    fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta>;

    /// [`sendmmsg(fd, msgvec, vlen, flags)`][sendmmsg(2)]: sends the messages of `batch` in order,
    /// each as [`MsgIo::send_msg`] would, in as few calls as the backend can.
    ///
    /// Returns how many messages were sent; the bytes sent of each are in
    /// [`SendBatch::sent`]. A partial batch is not an error: when a message after the first
    /// fails (a full buffer on a non-blocking socket, say), the count says where to resume.
    /// Only a failure of the first message is an `Err`. An empty batch sends nothing and
    /// returns `Ok(0)`.
    ///
    /// The default sends one message at a time with [`MsgIo::send_msg`].
    ///
    /// [sendmmsg(2)]: https://man7.org/linux/man-pages/man2/sendmmsg.2.html
    #[doc(alias = "sendmmsg")]
    fn send_mmsg<const B: usize, const N: usize>(
        &mut self,
        batch: &mut SendBatch<'_, B, N>,
    ) -> Result<usize> {
        let (msgs, sent) = batch.parts_mut();
        let mut count = 0;
        for (msg, sent) in msgs.iter().zip(sent) {
            match self.send_msg(msg) {
                Ok(n) => *sent = n,
                Err(e) if count == 0 => return Err(e),
                Err(_) => break,
            }
            count += 1;
        }
        Ok(count)
    }

    /// [`recvmmsg(fd, msgvec, vlen, MSG_WAITFORONE | flags, NULL)`][recvmmsg(2)]: receives up to
    /// [`RecvBatch::len`] messages, each as [`MsgIo::recv_msg`] would.
    ///
    /// Waits (on a blocking socket, without [`MsgFlags::DONTWAIT`]) for the first message only,
    /// then takes those already queued, without waiting for more. Returns how many messages were
    /// received; what each one received is in [`RecvBatch::meta`]. A partial batch is not an error;
    /// only a failure of the first message is an `Err`. The messages' request flags must agree
    /// ([`RecvBatch::flags`]), else [`crate::ErrorKind::InvalidInput`] before any call. An empty
    /// batch returns `Ok(0)`.
    ///
    /// The default receives one message at a time with [`MsgIo::recv_msg`].
    ///
    /// [recvmmsg(2)]: https://man7.org/linux/man-pages/man2/recvmmsg.2.html
    #[doc(alias = "recvmmsg")]
    fn recv_mmsg<const B: usize, const N: usize>(
        &mut self,
        batch: &mut RecvBatch<'_, B, N>,
    ) -> Result<usize> {
        let flags = batch.flags()?;
        let (msgs, meta) = batch.parts_mut();
        let mut count = 0;
        for (msg, meta) in msgs.iter_mut().zip(meta) {
            if count > 0 {
                msg.flags = flags | MsgFlags::DONTWAIT;
            }
            let got = self.recv_msg(msg);
            msg.flags = flags;
            match got {
                Ok(m) => *meta = m,
                Err(e) if count == 0 => return Err(e),
                // Nothing more queued (`WouldBlock`) or a later failure: the batch is partial,
                // and a lasting error shows again on the next call.
                Err(_) => break,
            }
            count += 1;
        }
        Ok(count)
    }
}
