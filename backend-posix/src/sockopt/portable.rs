//! The options every supported system has, with the same level, name and encoding.

use libc::c_int;

use super::codecs;
use super::encode::*;
use anysock_core::opt::*;

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
    SocketError => libc::SOL_SOCKET, libc::SO_ERROR, c_int, unsupported, decode_error;
    SocketType => libc::SOL_SOCKET, libc::SO_TYPE, c_int, unsupported, decode_type;
    AcceptConn => libc::SOL_SOCKET, libc::SO_ACCEPTCONN, c_int, unsupported, decode_bool;
    NoDelay => libc::IPPROTO_TCP, libc::TCP_NODELAY, c_int, encode_bool, decode_bool;
    Ttl => libc::IPPROTO_IP, libc::IP_TTL, c_int, encode_u32, decode_u32;
    UnicastHops => libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS, c_int, encode_u32, decode_u32;
    V6Only => libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, c_int, encode_bool, decode_bool;
}
