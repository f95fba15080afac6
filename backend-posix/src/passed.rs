//! Descriptors received from another process (`SCM_RIGHTS`), owned: [`ReceivedControl`] (the
//! ancillary data of one message), its [`ReceivedFds`] (the descriptors of one `SCM_RIGHTS`
//! record) and each [`PassedFd`]. Each descriptor is owned by exactly one value, which closes
//! it, from the moment `recvmsg` returns (the `sys` layer's `Control` and `Rights` keep that
//! promise; these are their public faces).

use anysock_core::cmsg::Cmsg;
use anysock_core::{Error, ErrorKind, Result, Socket as _};

use crate::sys::{self, Fd};
use crate::{Datagram, Listener, Socket, Stream};

/// A descriptor received from another process (`SCM_RIGHTS`), owned: closed when dropped,
/// unless turned into a socket or given up with [`PassedFd::into_raw_fd`].
///
/// It arrives close-on-exec where the system allows (`MSG_CMSG_CLOEXEC`).
#[derive(Debug)]
pub struct PassedFd {
    pub(crate) fd: Fd,
}

impl PassedFd {
    /// The descriptor number, still owned by `self`.
    pub fn as_raw_fd(&self) -> i32 {
        self.fd.raw()
    }

    /// Gives up the descriptor without closing it; the caller must close it.
    pub fn into_raw_fd(self) -> i32 {
        self.fd.into_raw()
    }

    /// The socket behind the descriptor, its domain and type asked of the kernel (`getsockname`,
    /// `getsockopt(SO_TYPE)`). A descriptor that is no socket is an error, and is closed.
    pub fn into_socket(self) -> Result<Socket> {
        let (domain, ty) = sys::socket::identify(&self.fd)?;
        Ok(Socket {
            fd: self.fd,
            domain,
            ty,
        })
    }

    /// The listening socket behind the descriptor (as passed by a parent to a worker).
    pub fn into_listener(self) -> Result<Listener> {
        let sock = self.into_socket()?;
        if !sock.ty.is_connection_oriented() {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        Ok(Listener { sock })
    }

    /// The connected stream behind the descriptor.
    pub fn into_stream(self) -> Result<Stream> {
        self.into_socket()?.into_stream()
    }

    /// The datagram socket behind the descriptor.
    pub fn into_datagram(self) -> Result<Datagram> {
        self.into_socket()?.into_datagram()
    }
}

/// The descriptors of one received `SCM_RIGHTS` message: an iterator of [`PassedFd`]. Those not
/// taken are closed when it is dropped.
#[derive(Debug)]
pub struct ReceivedFds<'c> {
    rights: sys::passed::Rights<'c>,
}

impl ReceivedFds<'_> {
    /// How many descriptors are left to take.
    pub fn len(&self) -> usize {
        self.rights.len()
    }

    /// Whether none is left.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Iterator for ReceivedFds<'_> {
    type Item = PassedFd;

    fn next(&mut self) -> Option<PassedFd> {
        self.rights.next().map(|fd| PassedFd { fd })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rights.size_hint()
    }
}

/// The ancillary data of one received message, decoded as it is iterated: items are
/// `Result<Cmsg<'c, ReceivedFds<'c>>>`. A malformed record is an `Err` item and ends the
/// iteration; a typed message of the wrong size is an `Err` item and iteration goes on.
///
/// Dropping it closes the descriptors of every `SCM_RIGHTS` message not yet yielded.
#[derive(Debug)]
pub struct ReceivedControl<'c> {
    control: sys::passed::Control<'c>,
}

impl<'c> ReceivedControl<'c> {
    pub(crate) fn new(control: sys::passed::Control<'c>) -> Self {
        ReceivedControl { control }
    }
}

impl<'c> Iterator for ReceivedControl<'c> {
    type Item = Result<Cmsg<'c, ReceivedFds<'c>>>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.control.next()?;
        Some(item.map(|msg| msg.map_rights(|rights| ReceivedFds { rights })))
    }
}
