//! The values of options that are more than a number or a flag: short kernel names,
//! credentials, and multicast group memberships.

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};
use core::str::FromStr;

use crate::error::{Error, ErrorKind, Result};

/// The longest interface or congestion-control name, in bytes: the kernel keeps both in 16
/// bytes (`IFNAMSIZ`, `TCP_CA_NAME_MAX`), the last of them a NUL.
pub const NAME_MAX: usize = 15;

/// A short name of fixed capacity, checked once when it is made: 1 to [`NAME_MAX`] bytes of
/// UTF-8 without NUL. A name that does not fit is refused, never cut.
macro_rules! short_name {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            // Unused bytes stay zero, so the derived comparisons see only the name.
            bytes: [u8; NAME_MAX],
            len: u8,
        }

        impl $name {
            /// The name `name`.
            ///
            /// Errors with [`ErrorKind::InvalidInput`] when it is empty, longer than
            /// [`NAME_MAX`] bytes, or holds a NUL (the kernel would stop reading there).
            pub fn new(name: &str) -> Result<Self> {
                let src = name.as_bytes();
                if src.is_empty() || src.len() > NAME_MAX || src.contains(&0) {
                    return Err(Error::new(ErrorKind::InvalidInput));
                }
                let mut bytes = [0; NAME_MAX];
                bytes[..src.len()].copy_from_slice(src);
                Ok(Self { bytes, len: src.len() as u8 })
            }

            /// The name in `bytes`, which must be UTF-8; otherwise as [`Self::new`].
            pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
                let name = core::str::from_utf8(bytes)
                    .map_err(|_| Error::new(ErrorKind::InvalidInput))?;
                Self::new(name)
            }

            /// The name's bytes, without a terminating NUL.
            pub fn as_bytes(&self) -> &[u8] {
                &self.bytes[..usize::from(self.len)]
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                // Only `new` fills the bytes, from a `&str`, so they are always UTF-8.
                core::str::from_utf8(self.as_bytes()).unwrap_or_default()
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                Self::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

short_name! {
    /// A network interface name (`"lo"`, `"eth0"`), as `SO_BINDTODEVICE` takes it: 1 to 15
    /// bytes.
    ///
    /// ```
    /// use anysock_core::{opt::IfName, ErrorKind};
    ///
    /// assert_eq!(IfName::new("lo")?, "lo");
    /// assert_eq!(IfName::new("").unwrap_err().kind(), ErrorKind::InvalidInput);
    /// assert_eq!(IfName::new("a-name-of-16-byt").unwrap_err().kind(), ErrorKind::InvalidInput);
    /// # Ok::<(), anysock_core::Error>(())
    /// ```
    IfName
}

short_name! {
    /// The name of a TCP congestion-control algorithm (`"cubic"`, `"reno"`, `"bbr"`), as
    /// `TCP_CONGESTION` takes it: 1 to 15 bytes.
    ///
    /// ```
    /// use anysock_core::opt::CongestionName;
    ///
    /// let reno: CongestionName = "reno".parse()?;
    /// assert_eq!(reno.as_str(), "reno");
    /// # Ok::<(), anysock_core::Error>(())
    /// ```
    CongestionName
}

/// Who is at the other end of a Unix socket (`struct ucred`): the process id, user id and
/// group id it had when it connected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[doc(alias = "ucred")]
pub struct Credentials {
    /// The process id.
    pub pid: u32,
    /// The effective user id.
    pub uid: u32,
    /// The effective group id.
    pub gid: u32,
}

/// The interface an IPv4 multicast membership is on (the interface part of `ip_mreqn`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum InterfaceV4 {
    /// Let the routing table choose, from the group's route.
    #[default]
    Any,
    /// The interface that has this local address.
    Address(Ipv4Addr),
    /// The interface with this index (`if_nametoindex`; 1 is usually `lo` on Linux).
    Index(u32),
}

/// An IPv4 multicast group on an interface: what [`super::JoinMulticastV4`] and
/// [`super::LeaveMulticastV4`] take (`struct ip_mreqn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "ip_mreqn")]
#[doc(alias = "ip_mreq")]
pub struct MulticastGroupV4 {
    /// The group's address, in `224.0.0.0/4`.
    pub group: Ipv4Addr,
    /// The interface to join it on.
    pub interface: InterfaceV4,
}

impl MulticastGroupV4 {
    /// `group` on `interface`.
    pub const fn new(group: Ipv4Addr, interface: InterfaceV4) -> Self {
        MulticastGroupV4 { group, interface }
    }
}

/// An IPv6 multicast group on an interface: what [`super::JoinMulticastV6`] and
/// [`super::LeaveMulticastV6`] take (`struct ipv6_mreq`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "ipv6_mreq")]
pub struct MulticastGroupV6 {
    /// The group's address, in `ff00::/8`.
    pub group: Ipv6Addr,
    /// The interface's index; 0 lets the routing table choose.
    pub interface: u32,
}

impl MulticastGroupV6 {
    /// `group` on the interface with index `interface` (0: the routing table chooses).
    pub const fn new(group: Ipv6Addr, interface: u32) -> Self {
        MulticastGroupV6 { group, interface }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_not_cut() {
        assert_eq!(IfName::new("eth0").unwrap().as_bytes(), b"eth0");
        assert_eq!(IfName::new("123456789012345").unwrap().as_str().len(), 15);
        for bad in ["", "1234567890123456", "a\0b"] {
            assert_eq!(
                IfName::new(bad).unwrap_err().kind(),
                ErrorKind::InvalidInput,
                "{bad:?}"
            );
        }
        assert!(CongestionName::from_bytes(&[0xff]).is_err());
        assert_eq!(CongestionName::new("reno").unwrap(), "reno");
        assert_ne!(IfName::new("lo").unwrap(), IfName::new("lo0").unwrap());
    }
}
