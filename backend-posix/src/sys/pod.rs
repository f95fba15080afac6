//! Plain C values: integers, and structs of integers, for which every bit pattern is a valid
//! value. Only these are copied in and out of the kernel's byte buffers (option values,
//! control messages).

use core::mem;

/// A C value that any bytes of its size make valid.
///
/// # Safety
/// Implement only for integers and arrays or `#[repr(C)]` structs of them: no references, no
/// niches, no invariants.
pub(crate) unsafe trait Pod: Copy {}

// SAFETY: integers.
unsafe impl Pod for libc::c_int {}
// SAFETY: an integer.
unsafe impl Pod for u32 {}
// SAFETY: bytes: an interface name (`IFNAMSIZ`) or a congestion-control name.
unsafe impl Pod for [u8; 16] {}
// SAFETY: C structs of integers.
unsafe impl Pod for libc::linger {}
// SAFETY: as above.
unsafe impl Pod for libc::timeval {}
// SAFETY: as above.
unsafe impl Pod for libc::timespec {}
// SAFETY: as above.
unsafe impl Pod for libc::in_addr {}
// SAFETY: as above.
unsafe impl Pod for libc::cmsghdr {}
// SAFETY: as above.
unsafe impl Pod for libc::in_pktinfo {}
// SAFETY: as above.
unsafe impl Pod for libc::in6_pktinfo {}

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "linux", target_os = "android"))] {
        // SAFETY: C structs of integers.
        unsafe impl Pod for libc::ucred {}
        // SAFETY: as above.
        unsafe impl Pod for libc::ip_mreqn {}
        // SAFETY: as above.
        unsafe impl Pod for libc::ipv6_mreq {}
    }
}

/// The all-zero value of `T`: zero numbers, null-free (a `Pod` holds no pointers).
pub(crate) fn zeroed<T: Pod>() -> T {
    // SAFETY: every bit pattern, all zeros included, is a valid `T` (`Pod`).
    unsafe { mem::zeroed() }
}
