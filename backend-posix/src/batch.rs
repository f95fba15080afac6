//! Batches: `sendmmsg` and `recvmmsg` where the system has them (Linux: `sys::mmsg`), one
//! `sendmsg` or `recvmsg` per message elsewhere — the same contract either way: a partial batch
//! is a count, only a failure of the first message is an error. The system is chosen here, as
//! the loops are bookkeeping above the syscalls.

use anysock_core::{MsgFlags, RecvBatch, RecvMeta, RecvMsg, Result, SendBatch, SendMsg};

#[cfg_attr(any(target_os = "linux", target_os = "android"), allow(dead_code))]
/// Sends the batch with one `send_one` (a `sendmsg`) per message.
pub(crate) fn send_mmsg_loop<const B: usize, const N: usize>(
    batch: &mut SendBatch<'_, B, N>,
    mut send_one: impl FnMut(&SendMsg<'_, N>) -> Result<usize>,
) -> Result<usize> {
    let (msgs, sent) = batch.parts_mut();
    let mut count = 0;
    for (m, sent) in msgs.iter().zip(sent) {
        match send_one(m) {
            Ok(n) => *sent = n,
            Err(e) if count == 0 => return Err(e),
            Err(_) => break,
        }
        count += 1;
    }
    Ok(count)
}

/// Receives into the batch with one `recv_one` (a `recvmsg`) per message: the first as asked,
/// the others only if already queued (`MSG_DONTWAIT`), which is what `MSG_WAITFORONE` does.
pub(crate) fn recv_mmsg_loop<const B: usize, const N: usize>(
    batch: &mut RecvBatch<'_, B, N>,
    mut recv_one: impl FnMut(&mut RecvMsg<'_, N>) -> Result<RecvMeta>,
) -> Result<usize> {
    let flags = batch.flags()?.check_recv()?;
    let (msgs, meta) = batch.parts_mut();
    let mut count = 0;
    for (m, meta) in msgs.iter_mut().zip(meta) {
        if count > 0 {
            m.flags = flags | MsgFlags::DONTWAIT;
        }
        let got = recv_one(m);
        m.flags = flags;
        match got {
            Ok(got) => *meta = got,
            Err(e) if count == 0 => return Err(e),
            // Nothing more queued, or a later failure: it shows again on the next call.
            Err(_) => break,
        }
        count += 1;
    }
    Ok(count)
}

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "linux", target_os = "android"))] {
        pub(crate) use crate::sys::mmsg::{recv_mmsg, send_mmsg};
    } else {
        use crate::sys::{msg, Fd};
        use anysock_core::Domain;

        /// One `sendmsg` per message: this system has no `sendmmsg`.
        pub(crate) fn send_mmsg<const B: usize, const N: usize>(
            fd: &Fd,
            domain: Domain,
            batch: &mut SendBatch<'_, B, N>,
        ) -> Result<usize> {
            send_mmsg_loop(batch, |m| msg::send_msg(fd, domain, m))
        }

        /// One `recvmsg` per message: this system has no `recvmmsg`.
        pub(crate) fn recv_mmsg<const B: usize, const N: usize>(
            fd: &Fd,
            domain: Domain,
            batch: &mut RecvBatch<'_, B, N>,
        ) -> Result<usize> {
            recv_mmsg_loop(batch, |m| msg::recv_msg(fd, domain, m))
        }
    }
}
