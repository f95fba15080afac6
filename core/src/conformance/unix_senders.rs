//! The name `recvmsg` reports on a Unix stream or seqpacket socket: the sender's name as it is
//! when the bytes are read (Linux's `unix_copy_addr` on the socket that sent them), none when
//! the sender has no name or nothing was read.

use crate::embedded_io::Write;
use crate::{Interest, IoVecMut, Listener, MsgIo, RecvMsg, Socket, SocketAddr, Type};

use super::{unix_socket, wait, Outcome, Stop, StreamOf, UnixHarness};

/// Waits for `s` to be readable, then `recv_msg` into a buffer of 8: the bytes and the name.
fn read_named<H: UnixHarness>(
    h: &H,
    s: &mut StreamOf<H>,
) -> Result<(usize, Option<SocketAddr>), Stop> {
    wait(h, s, Interest::READABLE)?;
    let mut buf = [0u8; 8];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    let meta = must!(s.recv_msg(&mut RecvMsg::new(iov)), "recv_msg");
    Ok((meta.len, meta.addr))
}

/// On a listener of type `ty`: what an unbound client and the end it accepted read, then what
/// is read from a client that binds a path of its own after connecting, before and after it
/// closes.
fn names_by_sender<H: UnixHarness>(h: &mut H, ty: Type) -> Outcome {
    let path = SocketAddr::Unix(h.unix_path());
    let mut listener = unix_socket(h, ty)?;
    must!(listener.bind(&path), "bind");
    let mut listener = must!(listener.listen(8), "listen");
    let mut client = unix_socket(h, ty)?;
    must!(client.connect(&path), "connect");
    let mut client = must!(client.into_stream(), "into_stream");
    wait(h, &listener, Interest::READABLE)?;
    let (mut server, _) = must!(listener.accept(), "accept");

    must!(server.write(b"a"), "the server writes");
    ensure!(
        read_named(h, &mut client)? == (1, Some(path)),
        "the client reads the accepted end's name: the listener's path"
    );
    must!(client.write(b"b"), "the unbound client writes");
    ensure!(
        read_named(h, &mut server)? == (1, None),
        "what an unbound client sent comes with no name"
    );

    // A client that binds after it connected: its bytes carry the name it has now.
    let later = SocketAddr::Unix(h.unix_path());
    let mut bound = unix_socket(h, ty)?;
    must!(bound.connect(&path), "connect");
    must!(bound.bind(&later), "bind after connecting");
    let mut bound = must!(bound.into_stream(), "into_stream");
    wait(h, &listener, Interest::READABLE)?;
    let (mut its_server, _) = must!(listener.accept(), "accept");
    must!(bound.write(b"c"), "the bound client writes");
    ensure!(
        read_named(h, &mut its_server)? == (1, Some(later)),
        "the bytes carry the name their sender has when they are read"
    );

    // A sender that closed keeps its name for what it left behind; end of stream has none.
    must!(bound.write(b"d"), "the bound client writes again");
    drop(bound);
    ensure!(
        read_named(h, &mut its_server)? == (1, Some(later)),
        "bytes a closed sender left keep its name"
    );
    ensure!(
        read_named(h, &mut its_server)? == (0, None),
        "end of stream names nobody"
    );
    Ok(())
}

pub(super) fn unix_stream_recvmsg_names_the_sender_as_it_is_now<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    names_by_sender(h, Type::Stream)
}

pub(super) fn seqpacket_recvmsg_names_the_sender_as_it_is_now<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    names_by_sender(h, Type::SeqPacket)
}
