//! Descriptors received in `SCM_RIGHTS`: from the moment `recvmsg` returns they are this
//! process's, so each one is owned by exactly one value that closes it — [`Control`] until the
//! record is yielded, then the record's [`Rights`], then the [`Fd`] taken out of it. The public
//! types above (`crate::cmsg::ReceivedControl`, `ReceivedFds`, `PassedFd`) wrap these.

use core::mem::size_of;

use libc::c_int;

use super::cmsg::{decode, record_at};
use super::Fd;
use anysock_core::cmsg::Cmsg;
use anysock_core::Result;

/// Takes ownership of a number the kernel just installed; negative numbers (already closed by
/// [`close_rights`]) own nothing.
///
/// # Safety
/// `fd` must be negative, or a descriptor received in this process's control buffer and owned
/// by nobody else.
unsafe fn adopt(fd: c_int) -> Option<Fd> {
    if fd < 0 {
        return None;
    }
    // SAFETY: the caller vouches that a non-negative `fd` is open and unowned.
    Some(unsafe { Fd::from_raw(fd) })
}

/// The descriptors of one received `SCM_RIGHTS` payload, owned: each [`Fd`] is taken once, in
/// order; those not taken are closed when it is dropped.
#[derive(Debug)]
pub(crate) struct Rights<'c> {
    data: &'c [u8],
}

impl Rights<'_> {
    /// How many descriptors are left to take.
    pub(crate) fn len(&self) -> usize {
        self.data.len() / size_of::<c_int>()
    }
}

impl Iterator for Rights<'_> {
    type Item = Fd;

    fn next(&mut self) -> Option<Fd> {
        loop {
            let (head, rest) = self.data.split_first_chunk::<4>()?;
            self.data = rest;
            // SAFETY: a `Rights` is made only by `Control`, over a buffer the kernel just
            // filled, and each number is read once, here, as `data` moves past it.
            if let Some(fd) = unsafe { adopt(c_int::from_ne_bytes(*head)) } {
                return Some(fd);
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.len()))
    }
}

impl Drop for Rights<'_> {
    fn drop(&mut self) {
        self.for_each(drop);
    }
}

/// The ancillary data of one received message, decoded as it is iterated: items are
/// `Result<Cmsg<'c, Rights<'c>>>`. A malformed record is an `Err` item and ends the
/// iteration; a typed message of the wrong size is an `Err` item and iteration goes on.
///
/// Dropping it closes the descriptors of every `SCM_RIGHTS` message not yet yielded.
#[derive(Debug)]
pub(crate) struct Control<'c> {
    buf: &'c [u8],
    pos: usize,
}

impl<'c> Control<'c> {
    /// Takes ownership of the descriptors in `buf`, the valid part of a control buffer the
    /// kernel just filled.
    ///
    /// # Safety
    /// Every `SCM_RIGHTS` descriptor in `buf` must be open and owned by nobody else.
    pub(crate) unsafe fn new(buf: &'c [u8]) -> Self {
        Control { buf, pos: 0 }
    }
}

impl<'c> Iterator for Control<'c> {
    type Item = Result<Cmsg<'c, Rights<'c>>>;

    fn next(&mut self) -> Option<Self::Item> {
        let (record, next) = match record_at(self.buf, self.pos)? {
            Ok(found) => found,
            Err(e) => {
                self.pos = self.buf.len();
                return Some(Err(e));
            }
        };
        self.pos = next;
        let data = &self.buf[record.start..record.end];
        let decoded = decode(record.level, record.ty, data);
        if decoded.is_err() && record.is_rights() {
            // SAFETY: this record is being passed over, not yielded: its descriptors are still
            // owned by `self`.
            unsafe { close_all(data) };
        }
        Some(decoded.map(|msg| msg.map_rights(|data| Rights { data })))
    }
}

impl Drop for Control<'_> {
    fn drop(&mut self) {
        // A record whose payload is not whole descriptors fails to decode; its complete
        // descriptors are still closed, so that a malformed tail cannot leak what precedes it.
        while let Some(Ok((record, next))) = record_at(self.buf, self.pos) {
            self.pos = next;
            if record.is_rights() {
                // SAFETY: this record was not yielded, so its descriptors are still owned by
                // `self` (see `new`), and `pos` moved past it: it is read once.
                unsafe { close_all(&self.buf[record.start..record.end]) };
            }
        }
    }
}

/// Closes the whole descriptors of an `SCM_RIGHTS` payload.
///
/// # Safety
/// The descriptors must be owned by the caller, which gives them up.
unsafe fn close_all(data: &[u8]) {
    for chunk in data.chunks_exact(size_of::<c_int>()) {
        let mut n = [0u8; 4];
        n.copy_from_slice(chunk);
        // SAFETY: the caller owns the descriptor and gives it up.
        drop(unsafe { adopt(c_int::from_ne_bytes(n)) });
    }
}

/// Closes every descriptor of the `SCM_RIGHTS` messages in `buf`, which the kernel just filled,
/// and overwrites its number with `-1`, so the bytes the caller sees name no descriptor.
pub(crate) fn close_rights(buf: &mut [u8]) {
    let mut pos = 0;
    while let Some(Ok((record, next))) = record_at(buf, pos) {
        pos = next;
        if !record.is_rights() {
            continue;
        }
        for chunk in buf[record.start..record.end].chunks_exact_mut(size_of::<c_int>()) {
            let mut n = [0u8; 4];
            n.copy_from_slice(chunk);
            // SAFETY: the kernel installed this descriptor for this process just now, nothing
            // else knows its number yet, and the `-1` written below keeps it from being closed
            // twice.
            drop(unsafe { adopt(c_int::from_ne_bytes(n)) });
            chunk.copy_from_slice(&(-1 as c_int).to_ne_bytes());
        }
    }
}
