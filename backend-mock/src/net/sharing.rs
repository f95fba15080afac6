//! How a [`crate::Net`] keeps its state: [`Local`] (a `RefCell`, one thread, never waits) or,
//! with feature `std`, `Shared` (feature `std`) (a `Mutex`, any thread, blocking calls wait for a
//! change). The network is written once over these few operations, so the single-threaded
//! network pays nothing for the thread-safe one: its waiting code is behind a constant
//! `false` and compiles away.

use core::cell::{Ref, RefCell, RefMut};
use core::ops::{Deref, DerefMut};
use core::time::Duration;

/// How a [`crate::Net`] shares its state: [`Local`] or `Shared` (feature `std`). Sealed: the
/// network relies on exactly these two.
pub trait Sharing: sealed::Lock {}

/// The single-threaded network (the default): state in a `RefCell`, used by shared reference
/// from one thread; a blocking call that needs another party gives up at once (see the crate
/// docs' rule for waiting). `no_std`, and what every example of this crate uses.
#[derive(Debug)]
pub enum Local {}

impl Sharing for Local {}

pub(crate) mod sealed {
    use super::{Deref, DerefMut, Duration};

    /// The operations the network needs from its cells.
    pub trait Lock: Sized {
        /// Whether several threads may drive the network, so that blocking calls wait.
        const THREADS: bool;
        type Cell<X>;
        type Guard<'a, X: 'a>: DerefMut<Target = X>;
        type ReadGuard<'a, X: 'a>: Deref<Target = X>;
        /// What waiting threads sleep on.
        type Signal;
        /// When a wait began (real time; nothing for [`super::Local`]).
        type Start: Copy;

        fn cell<X>(x: X) -> Self::Cell<X>;
        fn lock<X>(c: &Self::Cell<X>) -> Self::Guard<'_, X>;
        fn read<X>(c: &Self::Cell<X>) -> Self::ReadGuard<'_, X>;
        /// `None` when the cell is in use (by this thread, or by another one just now).
        fn try_lock<X>(c: &Self::Cell<X>) -> Option<Self::Guard<'_, X>>;
        fn into_inner<X>(c: Self::Cell<X>) -> X;

        fn signal() -> Self::Signal;
        /// How many changes the signal has seen; read with the state locked.
        fn changes(s: &Self::Signal) -> u64;
        /// Counts a change and wakes every waiter; called with the state locked.
        fn changed(s: &Self::Signal);
        fn start() -> Self::Start;
        /// Sleeps (with the state unlocked) while the signal has seen no more than `seen`
        /// changes, until `limit` after `start`; `true` when the time is up.
        fn wait(s: &Self::Signal, seen: u64, start: Self::Start, limit: Duration) -> bool;
    }
}

impl sealed::Lock for Local {
    const THREADS: bool = false;
    type Cell<X> = RefCell<X>;
    type Guard<'a, X: 'a> = RefMut<'a, X>;
    type ReadGuard<'a, X: 'a> = Ref<'a, X>;
    type Signal = ();
    type Start = ();

    fn cell<X>(x: X) -> RefCell<X> {
        RefCell::new(x)
    }

    fn lock<X>(c: &RefCell<X>) -> RefMut<'_, X> {
        c.borrow_mut()
    }

    fn read<X>(c: &RefCell<X>) -> Ref<'_, X> {
        c.borrow()
    }

    fn try_lock<X>(c: &RefCell<X>) -> Option<RefMut<'_, X>> {
        c.try_borrow_mut().ok()
    }

    fn into_inner<X>(c: RefCell<X>) -> X {
        c.into_inner()
    }

    fn signal() {}

    fn changes(_: &()) -> u64 {
        0
    }

    fn changed(_: &()) {}

    fn start() {}

    /// Never called: one thread has nobody to wait for.
    fn wait(_: &(), _: u64, _: (), _: Duration) -> bool {
        true
    }
}
