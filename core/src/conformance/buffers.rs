//! Buffer sizes (`SO_RCVBUF`, `SO_SNDBUF`): Linux's defaults, what a size set reads back as
//! (doubled, with a floor), and a connected TCP socket's send buffer growing.

use crate::opt::{RecvBufferSize, SendBufferSize};
use crate::{Domain, SockOpt, Stack, Type};

use super::{connected, unix_socket, Harness, Outcome, SocketOf};

pub(super) fn buffer_sizes_read_back_at_least_what_was_set<H: Harness>(h: &mut H) -> Outcome {
    // Linux doubles the value for its bookkeeping and reports the doubled value.
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set(RecvBufferSize, 65536), "set RecvBufferSize");
    ensure!(
        must!(s.get(RecvBufferSize), "get RecvBufferSize") >= 65536,
        "RecvBufferSize reads back at least what was set"
    );
    must!(s.set(SendBufferSize, 65536), "set SendBufferSize");
    ensure!(
        must!(s.get(SendBufferSize), "get SendBufferSize") >= 65536,
        "SendBufferSize reads back at least what was set"
    );
    Ok(())
}

pub(super) fn recv_buffer_size_has_a_floor<H: Harness>(h: &mut H) -> Outcome {
    // A tiny buffer is raised to a minimum (2304 bytes on Linux), never refused or set to 1.
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Datagram), "socket");
    must!(s.set(RecvBufferSize, 1), "set RecvBufferSize 1");
    ensure!(
        must!(s.get(RecvBufferSize), "get RecvBufferSize") >= 256,
        "a one-byte receive buffer is raised to a usable minimum"
    );
    Ok(())
}

pub(super) fn buffer_sizes_read_back_doubled<H: Harness>(h: &mut H) -> Outcome {
    // Small enough to be under any `net.core.[rw]mem_max`, big enough to be over the minimum
    // the kernel enforces; Linux stores twice the value for its bookkeeping.
    let check = |s: &mut SocketOf<H>| -> Outcome {
        must!(s.set(RecvBufferSize, 16384), "set RecvBufferSize");
        ensure!(
            must!(s.get(RecvBufferSize), "get RecvBufferSize") == 32768,
            "RecvBufferSize 16384 reads back 32768"
        );
        must!(s.set(SendBufferSize, 24576), "set SendBufferSize");
        ensure!(
            must!(s.get(SendBufferSize), "get SendBufferSize") == 49152,
            "SendBufferSize 24576 reads back 49152"
        );
        Ok(())
    };
    for ty in [Type::Stream, Type::Datagram] {
        check(&mut must!(h.stack().socket(Domain::Inet, ty), "socket"))?;
    }
    for ty in [Type::Stream, Type::SeqPacket] {
        check(&mut unix_socket(h, ty)?)?;
    }
    Ok(())
}

pub(super) fn buffer_sizes_default_to_linuxs<H: Harness>(h: &mut H) -> Outcome {
    let tcp = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    ensure!(
        must!(tcp.get(RecvBufferSize), "get") == 131_072
            && must!(tcp.get(SendBufferSize), "get") == 16_384,
        "TCP: tcp_rmem[1] and tcp_wmem[1]"
    );
    let udp = must!(h.stack().socket(Domain::Inet, Type::Datagram), "socket");
    ensure!(
        must!(udp.get(RecvBufferSize), "get") == 212_992
            && must!(udp.get(SendBufferSize), "get") == 212_992,
        "UDP: rmem_default and wmem_default"
    );
    let unix = unix_socket(h, Type::Datagram)?;
    ensure!(
        must!(unix.get(RecvBufferSize), "get") == 212_992
            && must!(unix.get(SendBufferSize), "get") == 212_992,
        "Unix: rmem_default and wmem_default"
    );
    Ok(())
}

pub(super) fn a_connected_tcp_socket_grows_its_send_buffer<H: Harness>(h: &mut H) -> Outcome {
    let (_listener, client, _server) = connected(h, &h.ipv4())?;
    let size = must!(client.get(SendBufferSize), "get SendBufferSize");
    if h.quirk(super::Quirk::FixedSendBuffer) {
        // The documented difference: the size stays what it was.
        ensure!(
            size == 16_384,
            "a connected socket keeps its send buffer size"
        );
        return Ok(());
    }
    ensure!(
        size > 16_384,
        "Linux grows a connected socket's send buffer to suit the connection"
    );
    Ok(())
}
