pub(crate) mod clock;
pub mod cmsg;
pub(crate) mod flight;
pub(crate) mod queue;
pub(crate) mod ring;
pub(crate) mod rng;
