//! The raw `(level, name, bytes)` escape hatch of the POSIX backend, for options anysock has no
//! type for: it sees what the typed options write, and they see what it writes. (The typed
//! options themselves are the conformance suite's option groups, run on every backend.)

use crate::common;

use anysock::opt::{KeepAlive, Ttl};
use anysock::{Domain, ErrorKind, SockOpt, Type};

use common::{assert_kind, fd_check, socket};

#[test]
fn raw_options_agree_with_typed_ones() {
    let _fds = fd_check();
    let mut s = socket(Domain::Inet, Type::Stream);
    let one = 1i32.to_ne_bytes();
    s.set_raw_option(libc::SOL_SOCKET, libc::SO_KEEPALIVE, &one)
        .expect("raw setsockopt");
    assert!(
        s.get(KeepAlive).unwrap(),
        "the typed view sees the raw write"
    );

    s.set(Ttl, 77).unwrap();
    let mut buf = [0u8; 4];
    let n = s
        .get_raw_option(libc::IPPROTO_IP, libc::IP_TTL, &mut buf)
        .expect("raw getsockopt");
    assert_eq!(
        (n, i32::from_ne_bytes(buf)),
        (4, 77),
        "the raw view sees the typed write"
    );

    let n = s
        .get_raw_option(libc::SOL_SOCKET, libc::SO_TYPE, &mut buf)
        .unwrap();
    assert_eq!((n, i32::from_ne_bytes(buf)), (4, libc::SOCK_STREAM));

    // An option the kernel does not know is ENOPROTOOPT: Unsupported.
    let e = s.get_raw_option(libc::SOL_SOCKET, 0x7fff, &mut buf);
    let e = assert_kind(e, ErrorKind::Unsupported);
    assert_eq!(e.raw_os_error(), Some(libc::ENOPROTOOPT));
}
