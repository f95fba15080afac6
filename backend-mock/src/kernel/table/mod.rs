pub(crate) mod faults;
pub(crate) mod hosts;
pub(crate) mod paths;
pub(crate) mod rights;
pub(crate) mod sock;
pub(crate) mod wait;
