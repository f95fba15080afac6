//! `setsockopt`/`getsockopt`: the raw calls, and the table that gives each typed option of
//! `anysock_core::opt` its level, name and encoding.

use core::mem::size_of;
use core::time::Duration;

use libc::{c_int, c_void, socklen_t};

use super::{errno, retry, socket, Fd};
use anysock_core::opt::*;
use anysock_core::{Error, ErrorKind, Result, Type};

/// `setsockopt(fd, level, name, value, len)` with the value's bytes as they are.
pub(crate) fn set_raw(fd: &Fd, level: c_int, name: c_int, value: &[u8]) -> Result<()> {
    let len = socklen_t::try_from(value.len()).map_err(|_| Error::new(ErrorKind::InvalidInput))?;
    // SAFETY: `value` points to `len` readable bytes.
    retry(|| unsafe { libc::setsockopt(fd.raw(), level, name, value.as_ptr().cast(), len) })?;
    Ok(())
}

/// `getsockopt(fd, level, name, buf, &len)`: the option's bytes into `buf`, returning how many.
///
/// Errors with [`ErrorKind::InvalidInput`] when the kernel had more to say than `buf` holds
/// (it would have cut the value silently).
pub(crate) fn get_raw(fd: &Fd, level: c_int, name: c_int, buf: &mut [u8]) -> Result<usize> {
    let room = socklen_t::try_from(buf.len()).map_err(|_| Error::new(ErrorKind::InvalidInput))?;
    let mut len = room;
    // SAFETY: `buf` has `len` writable bytes and `len` is a writable `socklen_t`.
    retry(|| unsafe {
        libc::getsockopt(fd.raw(), level, name, buf.as_mut_ptr().cast(), &mut len)
    })?;
    if len > room {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    Ok(len as usize)
}

/// A C value an option is passed as: plain old data with a zero value.
pub(crate) trait Pod: Copy {
    fn zero() -> Self;
}

impl Pod for c_int {
    fn zero() -> Self {
        0
    }
}

impl Pod for libc::linger {
    fn zero() -> Self {
        libc::linger {
            l_onoff: 0,
            l_linger: 0,
        }
    }
}

impl Pod for libc::timeval {
    fn zero() -> Self {
        libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        }
    }
}

/// How a typed option travels through `setsockopt`/`getsockopt`.
pub(crate) trait Codec: SockOption {
    const LEVEL: c_int;
    const NAME: c_int;
    type Raw: Pod;
    fn encode(value: Self::Value) -> Result<Self::Raw>;
    fn decode(raw: Self::Raw) -> Result<Self::Value>;
}

/// Sets a typed option.
pub(crate) fn set<O: Codec>(fd: &Fd, value: O::Value) -> Result<()> {
    let raw = O::encode(value)?;
    // SAFETY: `raw` is a live `O::Raw` of `size_of::<O::Raw>()` readable bytes.
    retry(|| unsafe {
        libc::setsockopt(
            fd.raw(),
            O::LEVEL,
            O::NAME,
            (&raw as *const O::Raw).cast::<c_void>(),
            size_of::<O::Raw>() as socklen_t,
        )
    })?;
    Ok(())
}

/// Reads a typed option. A kernel answer shorter than the C type (some systems pass booleans
/// as one byte) leaves the rest zero; a longer one is an error, never cut.
pub(crate) fn get<O: Codec>(fd: &Fd) -> Result<O::Value> {
    let mut raw = O::Raw::zero();
    let mut len = size_of::<O::Raw>() as socklen_t;
    // SAFETY: `raw` has `len` writable bytes and any bytes are a valid `O::Raw`.
    retry(|| unsafe {
        libc::getsockopt(
            fd.raw(),
            O::LEVEL,
            O::NAME,
            (&mut raw as *mut O::Raw).cast::<c_void>(),
            &mut len,
        )
    })?;
    if len as usize > size_of::<O::Raw>() {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    O::decode(raw)
}

fn invalid() -> Error {
    Error::new(ErrorKind::InvalidInput)
}

fn read_only() -> Error {
    Error::new(ErrorKind::Unsupported)
}

fn encode_bool(v: bool) -> Result<c_int> {
    Ok(c_int::from(v))
}

fn decode_bool(raw: c_int) -> Result<bool> {
    Ok(raw != 0)
}

fn encode_size(v: usize) -> Result<c_int> {
    c_int::try_from(v).map_err(|_| invalid())
}

fn decode_size(raw: c_int) -> Result<usize> {
    usize::try_from(raw).map_err(|_| invalid())
}

fn encode_u32(v: u32) -> Result<c_int> {
    c_int::try_from(v).map_err(|_| invalid())
}

fn decode_u32(raw: c_int) -> Result<u32> {
    u32::try_from(raw).map_err(|_| invalid())
}

/// `None` is "no timeout" (`{0, 0}`). Zero is refused: the kernel would read it as "no
/// timeout", the opposite of what was asked. Sub-microsecond parts round up, so a tiny timeout
/// never becomes zero.
fn encode_timeout(v: Option<Duration>) -> Result<libc::timeval> {
    let Some(d) = v else {
        return Ok(libc::timeval::zero());
    };
    if d.is_zero() {
        return Err(invalid());
    }
    let mut secs = d.as_secs();
    let mut micros = d.subsec_nanos().div_ceil(1000);
    if micros == 1_000_000 {
        secs += 1;
        micros = 0;
    }
    Ok(libc::timeval {
        tv_sec: libc::time_t::try_from(secs).unwrap_or(libc::time_t::MAX),
        tv_usec: micros as libc::suseconds_t,
    })
}

fn decode_timeout(raw: libc::timeval) -> Result<Option<Duration>> {
    let secs = u64::try_from(raw.tv_sec).map_err(|_| invalid())?;
    let micros = u32::try_from(raw.tv_usec).map_err(|_| invalid())?;
    let d = Duration::from_secs(secs) + Duration::from_micros(u64::from(micros));
    Ok(if d.is_zero() { None } else { Some(d) })
}

/// Whole seconds, rounded up so that a short linger is not turned into "reset on close".
fn encode_linger(v: Option<Duration>) -> Result<libc::linger> {
    Ok(match v {
        None => libc::linger {
            l_onoff: 0,
            l_linger: 0,
        },
        Some(d) => {
            let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            libc::linger {
                l_onoff: 1,
                l_linger: c_int::try_from(secs).map_err(|_| invalid())?,
            }
        }
    })
}

fn decode_linger(raw: libc::linger) -> Result<Option<Duration>> {
    if raw.l_onoff == 0 {
        return Ok(None);
    }
    let secs = u64::try_from(raw.l_linger).map_err(|_| invalid())?;
    Ok(Some(Duration::from_secs(secs)))
}

fn decode_error(raw: c_int) -> Result<Option<Error>> {
    Ok(if raw == 0 {
        None
    } else {
        Some(errno::from_errno(raw))
    })
}

fn decode_type(raw: c_int) -> Result<Type> {
    socket::type_of(raw).ok_or(Error::new(ErrorKind::Unsupported))
}

/// One row per option: marker, level, name, C type, encoder, decoder.
macro_rules! codecs {
    ($($opt:ty => $level:expr, $name:expr, $raw:ty, $encode:expr, $decode:expr;)*) => {$(
        impl Codec for $opt {
            const LEVEL: c_int = $level;
            const NAME: c_int = $name;
            type Raw = $raw;
            fn encode(value: Self::Value) -> Result<$raw> {
                $encode(value)
            }
            fn decode(raw: $raw) -> Result<Self::Value> {
                $decode(raw)
            }
        }
    )*};
}

codecs! {
    ReuseAddr => libc::SOL_SOCKET, libc::SO_REUSEADDR, c_int, encode_bool, decode_bool;
    ReusePort => libc::SOL_SOCKET, libc::SO_REUSEPORT, c_int, encode_bool, decode_bool;
    KeepAlive => libc::SOL_SOCKET, libc::SO_KEEPALIVE, c_int, encode_bool, decode_bool;
    Linger => libc::SOL_SOCKET, libc::SO_LINGER, libc::linger, encode_linger, decode_linger;
    RecvBufferSize => libc::SOL_SOCKET, libc::SO_RCVBUF, c_int, encode_size, decode_size;
    SendBufferSize => libc::SOL_SOCKET, libc::SO_SNDBUF, c_int, encode_size, decode_size;
    RecvTimeout => libc::SOL_SOCKET, libc::SO_RCVTIMEO, libc::timeval, encode_timeout, decode_timeout;
    SendTimeout => libc::SOL_SOCKET, libc::SO_SNDTIMEO, libc::timeval, encode_timeout, decode_timeout;
    Broadcast => libc::SOL_SOCKET, libc::SO_BROADCAST, c_int, encode_bool, decode_bool;
    SocketError => libc::SOL_SOCKET, libc::SO_ERROR, c_int, |_| Err(read_only()), decode_error;
    SocketType => libc::SOL_SOCKET, libc::SO_TYPE, c_int, |_| Err(read_only()), decode_type;
    AcceptConn => libc::SOL_SOCKET, libc::SO_ACCEPTCONN, c_int, |_| Err(read_only()), decode_bool;
    NoDelay => libc::IPPROTO_TCP, libc::TCP_NODELAY, c_int, encode_bool, decode_bool;
    Ttl => libc::IPPROTO_IP, libc::IP_TTL, c_int, encode_u32, decode_u32;
    UnicastHops => libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS, c_int, encode_u32, decode_u32;
    V6Only => libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, c_int, encode_bool, decode_bool;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_never_round_to_zero() {
        assert!(encode_timeout(Some(Duration::ZERO)).is_err());
        let tv = encode_timeout(Some(Duration::from_nanos(1))).unwrap();
        assert_eq!((tv.tv_sec, tv.tv_usec), (0, 1));
        let tv = encode_timeout(Some(Duration::new(1, 999_999_999))).unwrap();
        assert_eq!((tv.tv_sec, tv.tv_usec), (2, 0));
        assert_eq!(decode_timeout(libc::timeval::zero()).unwrap(), None);
    }

    #[test]
    fn linger_rounds_up() {
        let l = encode_linger(Some(Duration::from_millis(1))).unwrap();
        assert_eq!((l.l_onoff, l.l_linger), (1, 1));
        assert_eq!(decode_linger(encode_linger(None).unwrap()).unwrap(), None);
        assert!(encode_linger(Some(Duration::from_secs(u64::MAX))).is_err());
    }
}
