// The kernel's tables: the plain data the kernel's state owns, with no calls: sockets, hosts and
// their names, Unix paths, sockets passed in messages, the fault injector's plans, partitions
// and scripts, what a blocking call that cannot finish leaves behind, and what async waiting
// keeps (the sockets a call changed, timers, where a call waits).
//
// May import: `trace/`, `base/`.

pub(crate) mod addrs;
pub(crate) mod faults;
pub(crate) mod hosts;
pub(crate) mod names;
pub(crate) mod paths;
pub(crate) mod rights;
pub(crate) mod slots;
pub(crate) mod sock;
pub(crate) mod wait;
pub(crate) mod wake;
