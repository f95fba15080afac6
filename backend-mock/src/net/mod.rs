pub(crate) mod guard;
#[cfg(feature = "std")]
pub(crate) mod shared;
pub(crate) mod sharing;
