//! Scatter/gather lists (`struct iovec[]`) of fixed capacity: no heap, no panic when full.

use crate::error::{Error, ErrorKind, Result};

/// The default capacity of [`IoVec`] and [`IoVecMut`].
pub const DEFAULT_IOVECS: usize = 8;

/// Buffers to send in one call, in order (`const struct iovec *`, see
/// [`writev(2)`][readv(2)]), at most `N` of them.
///
/// ```
/// use anysock_core::{ErrorKind, IoVec};
///
/// let mut iov = IoVec::<2>::new();
/// iov.push(b"GET ")?;
/// iov.push(b"/\r\n")?;
/// assert_eq!(iov.total_len(), 7);
/// assert_eq!(iov.push(b"x").unwrap_err().kind(), ErrorKind::InvalidInput);
/// # Ok::<(), anysock_core::Error>(())
/// ```
///
/// [readv(2)]: https://man7.org/linux/man-pages/man2/readv.2.html
#[derive(Clone, Copy, Debug)]
#[doc(alias = "iovec")]
pub struct IoVec<'a, const N: usize = DEFAULT_IOVECS> {
    bufs: [&'a [u8]; N],
    len: usize,
}

impl<'a, const N: usize> IoVec<'a, N> {
    /// An empty list.
    pub const fn new() -> Self {
        IoVec {
            bufs: [&[]; N],
            len: 0,
        }
    }

    /// A list holding `bufs`; [`ErrorKind::InvalidInput`] when there are more than `N`.
    pub fn from_slices(bufs: &[&'a [u8]]) -> Result<Self> {
        let mut v = Self::new();
        v.bufs
            .get_mut(..bufs.len())
            .ok_or(Error::new(ErrorKind::InvalidInput))?
            .copy_from_slice(bufs);
        v.len = bufs.len();
        Ok(v)
    }

    /// Appends a buffer; [`ErrorKind::InvalidInput`] when the list already holds `N`.
    pub fn push(&mut self, buf: &'a [u8]) -> Result<()> {
        let slot = self
            .bufs
            .get_mut(self.len)
            .ok_or(Error::new(ErrorKind::InvalidInput))?;
        *slot = buf;
        self.len += 1;
        Ok(())
    }

    /// The buffers, in order.
    pub fn as_slices(&self) -> &[&'a [u8]] {
        &self.bufs[..self.len]
    }

    /// How many buffers the list holds.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the list holds no buffer.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The most buffers the list can hold: `N`.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// The sum of the buffers' lengths.
    pub fn total_len(&self) -> usize {
        self.as_slices().iter().map(|b| b.len()).sum()
    }

    /// Drops the first `n` bytes, as after a partial send, so the rest can be sent again.
    /// Advancing past the end leaves the list empty.
    pub fn advance(&mut self, mut n: usize) {
        let mut skip = 0;
        while skip < self.len && n >= self.bufs[skip].len() {
            n -= self.bufs[skip].len();
            skip += 1;
        }
        self.bufs.copy_within(skip..self.len, 0);
        self.len -= skip;
        if self.len > 0 {
            self.bufs[0] = &self.bufs[0][n..];
        }
    }
}

impl<const N: usize> Default for IoVec<'_, N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Buffers to receive into, filled in order (`struct iovec *`, see
/// [`readv(2)`][readv(2)]), at most `N` of them.
///
/// ```
/// use anysock_core::IoVecMut;
///
/// let (mut head, mut body) = ([0u8; 4], [0u8; 64]);
/// let mut iov = IoVecMut::<2>::new();
/// iov.push(&mut head)?;
/// iov.push(&mut body)?;
/// assert_eq!(iov.total_len(), 68);
/// # Ok::<(), anysock_core::Error>(())
/// ```
///
/// [readv(2)]: https://man7.org/linux/man-pages/man2/readv.2.html
#[derive(Debug)]
#[doc(alias = "iovec")]
pub struct IoVecMut<'a, const N: usize = DEFAULT_IOVECS> {
    bufs: [&'a mut [u8]; N],
    len: usize,
}

impl<'a, const N: usize> IoVecMut<'a, N> {
    /// An empty list.
    pub fn new() -> Self {
        IoVecMut {
            bufs: core::array::from_fn(|_| <&mut [u8]>::default()),
            len: 0,
        }
    }

    /// Appends a buffer; [`ErrorKind::InvalidInput`] when the list already holds `N`.
    pub fn push(&mut self, buf: &'a mut [u8]) -> Result<()> {
        let slot = self
            .bufs
            .get_mut(self.len)
            .ok_or(Error::new(ErrorKind::InvalidInput))?;
        *slot = buf;
        self.len += 1;
        Ok(())
    }

    /// The buffers, in order.
    pub fn as_slices(&self) -> &[&'a mut [u8]] {
        &self.bufs[..self.len]
    }

    /// The buffers, in order, to write into.
    pub fn as_mut_slices(&mut self) -> &mut [&'a mut [u8]] {
        &mut self.bufs[..self.len]
    }

    /// How many buffers the list holds.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the list holds no buffer.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The most buffers the list can hold: `N`.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// The sum of the buffers' lengths.
    pub fn total_len(&self) -> usize {
        self.as_slices().iter().map(|b| b.len()).sum()
    }
}

impl<const N: usize> Default for IoVecMut<'_, N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_an_error_not_a_panic() {
        assert_eq!(
            IoVec::<1>::from_slices(&[b"a", b"b"]).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        let mut zero = IoVecMut::<0>::new();
        assert!(zero.push(&mut []).is_err());
    }

    #[test]
    fn advance_drops_sent_bytes() {
        let mut v = IoVec::<3>::from_slices(&[b"ab", b"", b"cde"]).unwrap();
        v.advance(3);
        assert_eq!(v.as_slices(), &[&b"de"[..]]);
        v.advance(2);
        assert!(v.is_empty());
        v.advance(5);
        assert!(v.is_empty());
    }
}
