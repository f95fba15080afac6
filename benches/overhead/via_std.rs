//! `std::os::unix::net` and `std::net`.

use std::hint::black_box;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::unix::net::UnixStream;

use crate::workloads::*;

pub struct Std;

impl Sockets for Std {
    type Local = UnixStream;
    type Tcp = TcpStream;
    type Udp = UdpSocket;

    fn socketpair() -> (UnixStream, UnixStream) {
        UnixStream::pair().expect("socketpair")
    }

    fn tcp_pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind(loopback()).expect("bind");
        let addr = listener.local_addr().expect("local_addr");
        let client = TcpStream::connect(addr).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        client.set_nodelay(true).expect("TCP_NODELAY");
        server.set_nodelay(true).expect("TCP_NODELAY");
        (client, server)
    }

    fn udp_pair() -> (UdpSocket, UdpSocket, SocketAddr) {
        let bind = || UdpSocket::bind(loopback()).expect("bind");
        let (tx, rx) = (bind(), bind());
        rx.set_read_timeout(Some(UDP_TIMEOUT)).expect("SO_RCVTIMEO");
        let to = rx.local_addr().expect("local_addr");
        (tx, rx, to)
    }

    measured_loops!();
}

/// `Conn` for streams of `std`: their `Write::write` and `Read::read`.
macro_rules! io_conn {
    ($($stream:ty),*) => {$(
        impl Conn for $stream {
            type Error = io::Error;

            #[inline(always)]
            fn send(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.write(buf)
            }

            #[inline(always)]
            fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.read(buf)
            }
        }
    )*};
}

io_conn!(UnixStream, TcpStream);

impl Dgram for UdpSocket {
    type Addr = SocketAddr;
    type Error = io::Error;

    #[inline(always)]
    fn send_to(&mut self, buf: &[u8], to: &SocketAddr) -> io::Result<usize> {
        UdpSocket::send_to(self, buf, to)
    }

    #[inline(always)]
    fn recv_from(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (len, from) = UdpSocket::recv_from(self, buf)?;
        black_box(&from);
        Ok(len)
    }
}
