//! [`Handle`]: how a socket is named, in `poll` and in control messages.

use core::num::NonZeroU32;

/// The name of a socket in [`anysock_core::Stack::poll`]: its slot in the network's table and
/// the slot's generation, so a handle kept after its socket closed never names the socket that
/// reuses the slot (`poll` reports it as invalid, `POLLNVAL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle {
    pub(crate) index: u32,
    /// Odd for a handle that names an open socket (see the socket table); never zero, so an
    /// `Option<Handle>` takes no more room than a handle.
    pub(crate) generation: NonZeroU32,
}

/// A generation no socket has (an even one): for handles that name nothing.
const NONE: NonZeroU32 = NonZeroU32::MIN.saturating_add(1);

impl Handle {
    /// A handle that names no socket, to fill an array with.
    pub(crate) const NOTHING: Handle = Handle {
        index: 0,
        generation: NONE,
    };

    pub(crate) fn index(self) -> usize {
        self.index as usize
    }

    /// The handle as it travels in a control buffer: slot and generation, little-endian.
    pub(crate) fn to_bytes(self) -> [u8; 8] {
        let mut out = [0u8; 8];
        out[..4].copy_from_slice(&self.index.to_le_bytes());
        out[4..].copy_from_slice(&self.generation.get().to_le_bytes());
        out
    }

    /// The handle [`Handle::to_bytes`] wrote; the bytes need not name an open socket.
    pub(crate) fn from_bytes(bytes: [u8; 8]) -> Handle {
        let [a, b, c, d, e, f, g, h] = bytes;
        Handle {
            index: u32::from_le_bytes([a, b, c, d]),
            generation: NonZeroU32::new(u32::from_le_bytes([e, f, g, h])).unwrap_or(NONE),
        }
    }
}
