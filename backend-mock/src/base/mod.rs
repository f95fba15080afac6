// The base layer: plain structures that know nothing of sockets or hosts: the byte ring and the
// record queue, the virtual clock, the seeded generator, bytes in flight, address helpers, the
// encoding of control messages, `Handle`, the name of a socket, parked wakers, and the tables,
// lists, heap and hash the kernel builds on.
//
// May import: nothing of the crate.

pub(crate) mod addr;
pub(crate) mod clock;
pub(crate) mod cmsg;
pub(crate) mod flight;
pub(crate) mod handle;
pub(crate) mod hash;
pub(crate) mod heap;
pub(crate) mod list;
pub(crate) mod queue;
pub(crate) mod ring;
pub(crate) mod rng;
pub(crate) mod table;
pub(crate) mod wakers;
