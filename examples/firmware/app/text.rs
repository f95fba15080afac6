//! [`Text`]: a line or a page being written, in a fixed buffer (the firmware has no heap).

use core::fmt;
use core::time::Duration;

/// Up to `N` bytes written with `write!`. A write that does not fit fails as a whole and
/// leaves the text as it was, so a reply is never sent cut short.
pub struct Text<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Text<N> {
    /// An empty text.
    pub const fn new() -> Self {
        Text {
            buf: [0; N],
            len: 0,
        }
    }

    /// What was written.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Forgets what was written.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends raw bytes, all or nothing.
    pub fn push(&mut self, bytes: &[u8]) -> fmt::Result {
        let end = self.len.checked_add(bytes.len()).ok_or(fmt::Error)?;
        let room = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        room.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

impl<const N: usize> fmt::Write for Text<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes())
    }
}

/// A value in hundredths shown with two decimals (`2150` is `21.50`, `-5` is `-0.05`), since
/// the firmware keeps its readings as integers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Centi(pub i32);

impl fmt::Display for Centi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Whole milliseconds of `d`, as shown in replies: a `u64` (585 million years) rather than the
/// `u128` of `Duration::as_millis`, whose formatting would cost the firmware a kilobyte.
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
