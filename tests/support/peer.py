"""A peer for the interop tests, built on Python's own `socket` module.

    peer.py stream-server FAMILY ADDR          echo one connection back after its end of stream
    peer.py stream-client FAMILY ADDR LEN      send pattern(0, LEN), half-close, expect it back
    peer.py dgram-server  FAMILY ADDR COUNT    echo COUNT datagrams to their senders
    peer.py dgram-client  FAMILY ADDR OWN LEN...  send pattern(i, LEN_i), expect each back

FAMILY is inet, inet6 or unix. ADDR is "host port" joined by a comma for inet ("127.0.0.1,0"),
or a path for unix. OWN is the client's own unix path ("-" for inet). A server prints its port
(inet) or "ready" (unix) once it is bound, so the test knows where to go. Exit status 0 means
every byte matched; a mismatch is described on stderr.
"""

import signal
import socket
import sys

# Never outlive a test that forgot us, even if the guard that kills us could not run.
signal.alarm(20)
socket.setdefaulttimeout(5)

FAMILIES = {"inet": socket.AF_INET, "inet6": socket.AF_INET6, "unix": socket.AF_UNIX}


def pattern(seed, length):
    """The same bytes as `common::pattern` in the Rust tests."""
    return bytes((seed + i) % 251 for i in range(length))


def address(family, text):
    if family == "unix":
        return text
    host, port = text.rsplit(",", 1)
    return (host, int(port))


def announce(sock, family):
    print(sock.getsockname()[1] if family != "unix" else "ready", flush=True)


def read_to_end(conn):
    chunks = []
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def expect(what, got, want):
    if got != want:
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), None)
        sys.exit(f"{what}: got {len(got)} bytes, want {len(want)}; first difference at {first}")


def stream_server(family, addr):
    with socket.socket(FAMILIES[family], socket.SOCK_STREAM) as listener:
        listener.bind(address(family, addr))
        listener.listen(1)
        announce(listener, family)
        conn, _ = listener.accept()
        with conn:
            data = read_to_end(conn)
            conn.sendall(data)


def stream_client(family, addr, length):
    sent = pattern(0, int(length))
    with socket.socket(FAMILIES[family], socket.SOCK_STREAM) as conn:
        conn.connect(address(family, addr))
        conn.sendall(sent)
        conn.shutdown(socket.SHUT_WR)
        expect("echo", read_to_end(conn), sent)


def dgram_server(family, addr, count):
    with socket.socket(FAMILIES[family], socket.SOCK_DGRAM) as sock:
        sock.bind(address(family, addr))
        announce(sock, family)
        for _ in range(int(count)):
            data, sender = sock.recvfrom(65536)
            sock.sendto(data, sender)


def dgram_client(family, addr, own, *lengths):
    with socket.socket(FAMILIES[family], socket.SOCK_DGRAM) as sock:
        if family == "unix":
            sock.bind(own)  # so the server has an address to answer to
        for seed, length in enumerate(lengths):
            sent = pattern(seed, int(length))
            sock.sendto(sent, address(family, addr))
            data, _ = sock.recvfrom(65536)
            expect(f"datagram {seed}", data, sent)


ROLES = {
    "stream-server": stream_server,
    "stream-client": stream_client,
    "dgram-server": dgram_server,
    "dgram-client": dgram_client,
}

if __name__ == "__main__":
    ROLES[sys.argv[1]](*sys.argv[2:])
