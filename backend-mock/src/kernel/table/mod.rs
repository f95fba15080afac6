pub(crate) mod faults;
pub(crate) mod paths;
pub(crate) mod sock;
