//! `std::io::Read` and `std::io::Write` for [`Stream`] and `&Stream` (feature `std`), so a
//! stream can go wherever std code expects a reader or writer, and one thread can read while
//! another writes, as with `&TcpStream`.

use anysock_core::{embedded_io, MsgFlags};

use crate::Stream;

impl std::io::Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Ok(embedded_io::Read::read(self, buf)?)
    }
}

impl std::io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(embedded_io::Write::write(self, buf)?)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::io::Read for &Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Ok(self.receive(buf, 0)?)
    }
}

impl std::io::Write for &Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(self.transmit(buf, MsgFlags::NONE)?)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use anysock_core::{Socket as _, Stack as _, Type};

    use crate::Posix;

    #[test]
    fn a_shared_stream_reads_on_one_thread_while_another_writes() {
        let (a, b) = Posix.socketpair(Type::Stream).unwrap();
        let (a, b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
        std::thread::scope(|s| {
            let echo = s.spawn(|| {
                let mut buf = [0u8; 5];
                (&b).read_exact(&mut buf).unwrap();
                (&b).write_all(&buf).unwrap();
            });
            (&a).write_all(b"hello").unwrap();
            let mut back = [0u8; 5];
            (&a).read_exact(&mut back).unwrap();
            assert_eq!(&back, b"hello");
            echo.join().unwrap();
        });
        assert_eq!((&a).read(&mut []).unwrap(), 0);
    }
}
