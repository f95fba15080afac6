//! Which `MSG_*` flags a call accepts: core's sets, as every backend checks them, less
//! out-of-band data.

use anysock_core::{Error, ErrorKind, MsgFlags, Result};

/// `EOPNOTSUPP` for out-of-band data, which the mock does not carry.
fn no_oob(flags: MsgFlags) -> Result<()> {
    if flags.contains(MsgFlags::OOB) {
        return Err(Error::new(ErrorKind::Unsupported));
    }
    Ok(())
}

/// [`MsgFlags::check_send`] (`EINVAL` for a flag a send does not take), then [`no_oob`].
pub(crate) fn check_send(flags: MsgFlags) -> Result<()> {
    no_oob(flags.check_send()?)
}

/// [`MsgFlags::check_recv`], then [`no_oob`].
pub(crate) fn check_recv(flags: MsgFlags) -> Result<()> {
    no_oob(flags.check_recv()?)
}

/// Copies queued bytes starting at `offset` into `bufs` in order; returns how many.
pub(crate) fn scatter<const B: usize>(
    ring: &crate::base::ring::Ring<B>,
    offset: usize,
    len: usize,
    bufs: &mut [&mut [u8]],
) -> usize {
    let mut done = 0;
    for buf in bufs.iter_mut() {
        let want = buf.len().min(len.saturating_sub(done));
        let Some(dst) = buf.get_mut(..want) else {
            break;
        };
        done += ring.peek_at(offset.saturating_add(done), dst);
        if done >= len {
            break;
        }
    }
    done
}
