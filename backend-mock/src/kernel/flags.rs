//! Which `MSG_*` flags a call accepts: core's sets, as every backend checks them; where
//! out-of-band data is refused; and the answer to a stream call that moves nothing.

use anysock_core::{Error, ErrorKind, MsgFlags, Result};

/// [`MsgFlags::check_send`]: `EINVAL` for a flag a send does not take.
pub(crate) fn check_send(flags: MsgFlags) -> Result<()> {
    flags.check_send().map(|_| ())
}

/// [`MsgFlags::check_recv`]: `EINVAL` for a flag a receive does not take.
pub(crate) fn check_recv(flags: MsgFlags) -> Result<()> {
    flags.check_recv().map(|_| ())
}

/// `EOPNOTSUPP` for out-of-band data: what Linux answers on sockets without it (UDP sends,
/// Unix datagram and seqpacket sockets), and what the mock answers on those with it (TCP
/// urgent data and Unix stream out-of-band bytes are not simulated: a declared quirk).
pub(crate) fn refuse_oob(flags: MsgFlags) -> Result<()> {
    if flags.contains(MsgFlags::OOB) {
        return Err(Error::new(ErrorKind::Unsupported));
    }
    Ok(())
}

/// A stream send of no bytes (no address, no control data): `Ok(0)` at once once its flags
/// are checked, whatever the connection's state, as the POSIX backend answers it.
pub(crate) fn nothing_to_send(flags: MsgFlags) -> Result<usize> {
    check_send(flags).map(|()| 0)
}

/// A stream receive into no room: `Ok(0)` at once once its flags are checked, as the POSIX
/// backend answers it (the kernel would wait for bytes it could not deliver).
pub(crate) fn nothing_to_receive(flags: MsgFlags) -> Result<usize> {
    check_recv(flags).map(|()| 0)
}

/// Copies queued bytes of `ring` (whose bytes are `bytes`) starting at `offset` into `bufs` in
/// order; returns how many.
pub(crate) fn scatter<const B: usize>(
    ring: &crate::base::ring::Ring<B>,
    bytes: crate::base::ring::BytesRef<'_, B>,
    offset: usize,
    len: usize,
    bufs: &mut [&mut [u8]],
) -> usize {
    if let [buf] = bufs {
        // One buffer, the usual read.
        let want = buf.len().min(len);
        return buf
            .get_mut(..want)
            .map_or(0, |dst| ring.peek_at(bytes, offset, dst));
    }
    let mut done = 0;
    for buf in bufs.iter_mut() {
        let want = buf.len().min(len.saturating_sub(done));
        let Some(dst) = buf.get_mut(..want) else {
            break;
        };
        done += ring.peek_at(bytes, offset.saturating_add(done), dst);
        if done >= len {
            break;
        }
    }
    done
}
