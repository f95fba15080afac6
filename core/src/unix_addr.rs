//! `sockaddr_un` without the C: a Unix-domain address of fixed capacity.

use core::fmt;
use core::hash::{Hash, Hasher};

use crate::error::{Error, ErrorKind, Result};

/// The size of `sun_path` on Linux: the most bytes a Unix-domain address can hold.
pub const SUN_PATH_CAPACITY: usize = 108;

/// The longest pathname a [`UnixAddr`] accepts: one byte of `sun_path` is kept for the
/// terminating NUL that C code (and some kernels) expect.
pub const MAX_PATH_LEN: usize = SUN_PATH_CAPACITY - 1;

/// The longest Linux abstract name: `sun_path` less the leading NUL byte that marks it.
pub const MAX_ABSTRACT_LEN: usize = SUN_PATH_CAPACITY - 1;

/// Which of the three Unix-domain address forms a [`UnixAddr`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnixAddrKind<'a> {
    /// A filesystem path (`/run/app.sock`): the seed's "entrada en el filesystem".
    Pathname(&'a [u8]),
    /// A Linux abstract name: not in the filesystem, gone when the last socket closes.
    Abstract(&'a [u8]),
    /// No address: a socket that was never bound (the peer of a `socketpair`, or a client).
    Unnamed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Form {
    Pathname,
    Abstract,
    Unnamed,
}

/// A Unix-domain socket address (`struct sockaddr_un`): a pathname, a Linux abstract name, or
/// unnamed. See [`unix(7)`][unix(7)].
///
/// The bytes live inline (capacity [`SUN_PATH_CAPACITY`]); nothing is allocated. Constructors
/// check the length and refuse what does not fit instead of truncating it.
///
/// ```
/// use anysock_core::{ErrorKind, UnixAddr};
///
/// let a = UnixAddr::pathname("/tmp/echo.sock")?;
/// assert_eq!(a.as_pathname(), Some(&b"/tmp/echo.sock"[..]));
///
/// let long = [b'x'; 108];
/// assert_eq!(UnixAddr::pathname(&long).unwrap_err().kind(), ErrorKind::InvalidInput);
/// # Ok::<(), anysock_core::Error>(())
/// ```
///
/// [unix(7)]: https://man7.org/linux/man-pages/man7/unix.7.html
#[derive(Clone, Copy)]
#[doc(alias = "sockaddr_un")]
pub struct UnixAddr {
    form: Form,
    len: u8,
    bytes: [u8; SUN_PATH_CAPACITY],
}

impl UnixAddr {
    /// The unnamed address (`sun_path` empty).
    pub const fn unnamed() -> Self {
        UnixAddr {
            form: Form::Unnamed,
            len: 0,
            bytes: [0; SUN_PATH_CAPACITY],
        }
    }

    /// A filesystem pathname.
    ///
    /// Errors with [`ErrorKind::InvalidInput`] when the path is empty, longer than
    /// [`MAX_PATH_LEN`] bytes, or contains a NUL byte (C would silently cut it there).
    pub fn pathname<P: AsRef<[u8]> + ?Sized>(path: &P) -> Result<Self> {
        let path = path.as_ref();
        if path.is_empty() || path.len() > MAX_PATH_LEN || path.contains(&0) {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        Ok(Self::from_parts(Form::Pathname, path))
    }

    /// A Linux abstract name (the bytes after the leading NUL of `sun_path`). Any bytes are
    /// allowed, including NUL; an empty name is allowed too (it is distinct from unnamed).
    ///
    /// Errors with [`ErrorKind::InvalidInput`] when the name is longer than [`MAX_ABSTRACT_LEN`].
    pub fn abstract_name<N: AsRef<[u8]> + ?Sized>(name: &N) -> Result<Self> {
        let name = name.as_ref();
        if name.len() > MAX_ABSTRACT_LEN {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        Ok(Self::from_parts(Form::Abstract, name))
    }

    /// Decodes the bytes of `sun_path` as the kernel returned them (`addrlen` less the family
    /// field): empty is unnamed, a leading NUL marks an abstract name, anything else is a path
    /// that ends at its first NUL. Unlike [`UnixAddr::pathname`], a path filling all of
    /// `sun_path` without a NUL is accepted, since the kernel does produce it.
    ///
    /// Errors with [`ErrorKind::InvalidInput`] when `raw` is longer than [`SUN_PATH_CAPACITY`].
    pub fn from_sun_path(raw: &[u8]) -> Result<Self> {
        if raw.len() > SUN_PATH_CAPACITY {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        Ok(match raw.split_first() {
            None => Self::unnamed(),
            Some((0, name)) => Self::from_parts(Form::Abstract, name),
            Some(_) => {
                let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
                Self::from_parts(Form::Pathname, &raw[..end])
            }
        })
    }

    fn from_parts(form: Form, src: &[u8]) -> Self {
        let mut bytes = [0; SUN_PATH_CAPACITY];
        bytes[..src.len()].copy_from_slice(src);
        UnixAddr {
            form,
            // Constructors bound `src.len()` by `SUN_PATH_CAPACITY`, which fits in a `u8`.
            len: src.len() as u8,
            bytes,
        }
    }

    /// Which form this address has, with its bytes.
    pub fn kind(&self) -> UnixAddrKind<'_> {
        let bytes = &self.bytes[..usize::from(self.len)];
        match self.form {
            Form::Pathname => UnixAddrKind::Pathname(bytes),
            Form::Abstract => UnixAddrKind::Abstract(bytes),
            Form::Unnamed => UnixAddrKind::Unnamed,
        }
    }

    /// The path, when this is a pathname address.
    pub fn as_pathname(&self) -> Option<&[u8]> {
        match self.kind() {
            UnixAddrKind::Pathname(p) => Some(p),
            _ => None,
        }
    }

    /// The name, when this is an abstract address.
    pub fn as_abstract(&self) -> Option<&[u8]> {
        match self.kind() {
            UnixAddrKind::Abstract(n) => Some(n),
            _ => None,
        }
    }

    /// Whether this is the unnamed address.
    pub fn is_unnamed(&self) -> bool {
        self.form == Form::Unnamed
    }
}

impl Default for UnixAddr {
    fn default() -> Self {
        Self::unnamed()
    }
}

impl PartialEq for UnixAddr {
    fn eq(&self, other: &Self) -> bool {
        self.kind() == other.kind()
    }
}

impl Eq for UnixAddr {}

impl Hash for UnixAddr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind().hash(state);
    }
}

/// Writes bytes as text, escaping what is not printable ASCII as `\xNN` (and `\` as `\\`), so
/// that any name can be shown and parsed back.
fn write_escaped(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for &b in bytes {
        if b == b'\\' {
            f.write_str("\\\\")?;
        } else if b.is_ascii_graphic() || b == b' ' {
            write!(f, "{}", b as char)?;
        } else {
            write!(f, "\\x{b:02x}")?;
        }
    }
    Ok(())
}

/// The text form used by [`crate::SocketAddr`]'s parser: `unix:/path`, `unix:@name`, `unix:`.
impl fmt::Display for UnixAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unix:")?;
        match self.kind() {
            UnixAddrKind::Pathname(p) => write_escaped(f, p),
            UnixAddrKind::Abstract(n) => {
                f.write_str("@")?;
                write_escaped(f, n)
            }
            UnixAddrKind::Unnamed => Ok(()),
        }
    }
}

impl fmt::Debug for UnixAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnixAddr({self})")
    }
}

/// Undoes [`write_escaped`] into a fixed buffer: `\\` and `\xNN` are the only escapes.
pub(crate) fn unescape(text: &str, out: &mut [u8; SUN_PATH_CAPACITY]) -> Result<usize> {
    let invalid = Error::new(ErrorKind::InvalidInput);
    let src = text.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < src.len() {
        let b = if src[i] != b'\\' {
            i += 1;
            src[i - 1]
        } else if src.get(i + 1) == Some(&b'\\') {
            i += 2;
            b'\\'
        } else if src.get(i + 1) == Some(&b'x') {
            // Exactly two hex digits: `from_str_radix` alone would also take a sign (`\x+f`).
            let hex = src.get(i + 2..i + 4).ok_or(invalid)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(invalid);
            }
            let hex = core::str::from_utf8(hex).map_err(|_| invalid)?;
            i += 4;
            u8::from_str_radix(hex, 16).map_err(|_| invalid)?
        } else {
            return Err(invalid);
        };
        *out.get_mut(n).ok_or(invalid)? = b;
        n += 1;
    }
    Ok(n)
}

/// Parses the part after `unix:`: `@name` is abstract, empty is unnamed, anything else a path.
pub(crate) fn parse(rest: &str) -> Result<UnixAddr> {
    let mut buf = [0; SUN_PATH_CAPACITY];
    if rest.is_empty() {
        Ok(UnixAddr::unnamed())
    } else if let Some(name) = rest.strip_prefix('@') {
        let n = unescape(name, &mut buf)?;
        UnixAddr::abstract_name(&buf[..n])
    } else {
        let n = unescape(rest, &mut buf)?;
        UnixAddr::pathname(&buf[..n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_limits() {
        assert!(UnixAddr::pathname(&[b'a'; MAX_PATH_LEN]).is_ok());
        for bad in [&b""[..], &[b'a'; MAX_PATH_LEN + 1], b"a\0b"] {
            let e = UnixAddr::pathname(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
        }
        assert!(UnixAddr::abstract_name(&[0u8; MAX_ABSTRACT_LEN]).is_ok());
        assert!(UnixAddr::abstract_name(&[0u8; MAX_ABSTRACT_LEN + 1]).is_err());
    }

    #[test]
    fn forms_are_distinct() {
        let p = UnixAddr::pathname("x").unwrap();
        let a = UnixAddr::abstract_name("x").unwrap();
        let e = UnixAddr::abstract_name("").unwrap();
        assert_ne!(p, a);
        assert_ne!(e, UnixAddr::unnamed());
        assert_eq!(p, UnixAddr::pathname("x").unwrap());
    }

    #[test]
    fn decodes_kernel_sun_path() {
        assert!(UnixAddr::from_sun_path(b"").unwrap().is_unnamed());
        assert_eq!(
            UnixAddr::from_sun_path(b"\0ab").unwrap().as_abstract(),
            Some(&b"ab"[..])
        );
        assert_eq!(
            UnixAddr::from_sun_path(b"/x\0\0").unwrap().as_pathname(),
            Some(&b"/x"[..])
        );
        let full = [b'p'; SUN_PATH_CAPACITY];
        assert_eq!(
            UnixAddr::from_sun_path(&full).unwrap().as_pathname(),
            Some(&full[..])
        );
        assert!(UnixAddr::from_sun_path(&[b'p'; SUN_PATH_CAPACITY + 1]).is_err());
    }

    #[test]
    fn unescape_rejects_bad_escapes() {
        let mut buf = [0; SUN_PATH_CAPACITY];
        assert_eq!(unescape("a\\x41\\\\", &mut buf).unwrap(), 3);
        assert_eq!(&buf[..3], b"aA\\");
        for bad in [
            "\\",
            "\\q",
            "\\x4",
            "\\xzz",
            "\\x\u{e9}",
            "\\x+f",
            "\\x-1",
            "\\x 1",
        ] {
            assert!(unescape(bad, &mut buf).is_err(), "{bad}");
        }
    }
}
