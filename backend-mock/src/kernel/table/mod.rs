// The kernel's tables: the plain data the kernel's state owns, with no calls: sockets, hosts,
// Unix paths, sockets passed in messages, the fault injector's plans, partitions and scripts,
// and what a blocking call that cannot finish leaves behind.
//
// May import: `trace/`, `base/`.

pub(crate) mod addrs;
pub(crate) mod faults;
pub(crate) mod hosts;
pub(crate) mod paths;
pub(crate) mod rights;
pub(crate) mod slots;
pub(crate) mod sock;
pub(crate) mod wait;
