pub(crate) mod addr;
pub(crate) mod clock;
pub(crate) mod cmsg;
pub(crate) mod flight;
pub(crate) mod handle;
pub(crate) mod queue;
pub(crate) mod ring;
pub(crate) mod rng;
