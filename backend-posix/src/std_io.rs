//! `std::io::Read` and `std::io::Write` for [`Stream`] (feature `std`), so a stream can go
//! wherever std code expects a reader or writer.

use anysock_core::embedded_io;

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
