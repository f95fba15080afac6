//! anysock-posix, used as a user would: through the core traits and `embedded_io`.

use anysock::Endpoint as _;
use std::hint::black_box;

use anysock::embedded_io::{Read, Write};
use anysock::opt::{NoDelay, RecvTimeout};
use anysock::posix::{Datagram, Posix, Stream};
use anysock::{Error, Listener, SockOpt, Socket, SocketAddr, Stack, Type};

use crate::workloads::*;

pub struct Anysock;

impl Sockets for Anysock {
    type Local = Stream;
    type Tcp = Stream;
    type Udp = Datagram;

    fn socketpair() -> (Stream, Stream) {
        let (a, b) = Posix.socketpair(Type::Stream).expect("socketpair");
        let stream = |s: anysock::posix::Socket| s.into_stream().expect("into_stream");
        (stream(a), stream(b))
    }

    fn tcp_pair() -> (Stream, Stream) {
        let listener = Posix
            .listen(&SocketAddr::V4(loopback()), 1)
            .expect("listen");
        let addr = listener.local_addr().expect("local_addr");
        let mut client = Posix.connect(&addr).expect("connect");
        let (mut server, _) = { listener }.accept().expect("accept");
        client.set(NoDelay, true).expect("TCP_NODELAY");
        server.set(NoDelay, true).expect("TCP_NODELAY");
        (client, server)
    }

    fn udp_pair() -> (Datagram, Datagram, SocketAddr) {
        let bind = || Posix.bind(&SocketAddr::V4(loopback())).expect("bind");
        let (tx, mut rx) = (bind(), bind());
        rx.set(RecvTimeout, Some(UDP_TIMEOUT)).expect("SO_RCVTIMEO");
        let to = anysock::Endpoint::local_addr(&rx).expect("local_addr");
        (tx, rx, to)
    }

    measured_loops!();
}

impl Conn for Stream {
    type Error = Error;

    #[inline(always)]
    fn send(&mut self, buf: &[u8]) -> Result<usize, Error> {
        self.write(buf)
    }

    #[inline(always)]
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        self.read(buf)
    }
}

impl Dgram for Datagram {
    type Addr = SocketAddr;
    type Error = Error;

    #[inline(always)]
    fn send_to(&mut self, buf: &[u8], to: &SocketAddr) -> Result<usize, Error> {
        anysock::Datagram::send_to(self, buf, to)
    }

    #[inline(always)]
    fn recv_from(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let (got, from) = anysock::Datagram::recv_from(self, buf)?;
        black_box(&from);
        Ok(got.len)
    }
}
