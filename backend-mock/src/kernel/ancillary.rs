//! Ancillary data on the simulated network: checking what a sender attaches, and writing what
//! a receiver gets into its control buffer.
//!
//! Simulated values:
//! - credentials: each host runs one process, pid `1000 + n` for the `n`-th host made
//!   (from 0), user and group 1000 ([`host_credentials`]);
//! - packet info: interface 1 is loopback (`127.0.0.0/8`, `::1`), interface 2 the host's own
//!   address (and broadcast), as Linux numbers `lo` and the first card.

use core::net::IpAddr;

use anysock_core::cmsg::Credentials;
use anysock_core::{Domain, Error, ErrorKind, MsgFlags, Result, SocketAddr, Type};

use crate::base::cmsg::{self, credentials_bytes, handle_bytes, header, record_at, HANDLE_LEN};
use crate::base::cmsg::{IPPROTO_IP, IPPROTO_IPV6, IPV6_PKTINFO, IP_PKTINFO, MAX_RIGHTS};
use crate::base::cmsg::{SCM_CREDENTIALS, SCM_RIGHTS, SOL_SOCKET};
use crate::base::handle::Handle;
use crate::base::queue::Tag;
use crate::kernel::state::State;

/// The interface index of loopback.
pub const LOOPBACK_IFINDEX: u32 = 1;
/// The interface index of a host's own address.
pub const HOST_IFINDEX: u32 = 2;

/// The credentials of the process of host number `host` (see the module docs).
pub(crate) fn host_credentials(host: usize) -> Credentials {
    let n = i32::try_from(host).unwrap_or(i32::MAX - 1000);
    Credentials {
        pid: 1000 + n,
        uid: 1000,
        gid: 1000,
    }
}

fn invalid() -> Error {
    Error::new(ErrorKind::InvalidInput)
}

/// Where a receive writes its ancillary data: the caller's control buffer, filled from the
/// start with whole records. `own`: the receiver takes passed sockets (a
/// [`crate::cmsg::ReceivedControl`] will close them); otherwise they are closed at once and
/// read as closed.
#[derive(Debug)]
pub(crate) struct Ctl<'a> {
    buf: &'a mut [u8],
    own: bool,
    /// Bytes of records written.
    pub(crate) len: usize,
    /// Something did not fit (`MSG_CTRUNC`).
    pub(crate) truncated: bool,
}

impl<'a> Ctl<'a> {
    pub(crate) fn new(buf: &'a mut [u8], own: bool) -> Self {
        Ctl {
            buf,
            own,
            len: 0,
            truncated: false,
        }
    }

    /// No control buffer: a plain `read`/`recv`, which drops ancillary data (and closes
    /// passed sockets), as Linux's do.
    pub(crate) fn none() -> Ctl<'static> {
        Ctl::new(&mut [], false)
    }

    /// The flags a receive reports for its control data.
    pub(crate) fn flags(&self) -> MsgFlags {
        if self.truncated {
            MsgFlags::CTRUNC
        } else {
            MsgFlags::NONE
        }
    }

    fn room(&self) -> usize {
        self.buf.len().saturating_sub(self.len)
    }

    /// Appends a whole record, or notes the cut.
    fn put(&mut self, level: i32, ty: i32, payload: &[u8]) {
        let end = self.len.saturating_add(cmsg::space(payload.len()));
        let Some(out) = self.buf.get_mut(self.len..end) else {
            self.truncated = true;
            return;
        };
        let (head, body) = out.split_at_mut(cmsg::HEADER);
        head.copy_from_slice(&header(payload.len(), level, ty));
        body.copy_from_slice(payload);
        self.len = end;
    }
}

/// The ancillary data of one send, checked for form: the typed messages it carries.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Outgoing {
    rights: [Handle; MAX_RIGHTS],
    n: usize,
    has_rights: bool,
    creds: Option<Credentials>,
    pktinfo: bool,
}

impl Outgoing {
    /// Parses a control buffer in the mock's encoding. Several rights messages add up (as on
    /// Linux), to [`MAX_RIGHTS`]. Malformed bytes, too many sockets, and a message the mock
    /// does not send are [`ErrorKind::InvalidInput`] (Linux: `EINVAL`); a message it
    /// recognises but does not send yet (packet info choosing the source) is
    /// [`ErrorKind::Unsupported`].
    pub(crate) fn parse(control: &[u8]) -> Result<Outgoing> {
        let mut out = Outgoing {
            rights: [Handle::NOTHING; MAX_RIGHTS],
            n: 0,
            has_rights: false,
            creds: None,
            pktinfo: false,
        };
        let mut pos = 0;
        while let Some(found) = record_at(control, pos) {
            let (record, next) = found?;
            pos = next;
            let data = control.get(record.start..record.end).unwrap_or_default();
            match cmsg::decode(record.level, record.ty, data)? {
                anysock_core::cmsg::Cmsg::Rights(handles) => {
                    out.has_rights = true;
                    for h in handles {
                        let slot = out.rights.get_mut(out.n).ok_or_else(invalid)?;
                        *slot = h.ok_or(Error::new(ErrorKind::BadDescriptor))?;
                        out.n += 1;
                    }
                }
                anysock_core::cmsg::Cmsg::Credentials(c) => out.creds = Some(c),
                anysock_core::cmsg::Cmsg::PktInfo(_) => out.pktinfo = true,
                _ => return Err(invalid()),
            }
        }
        Ok(out)
    }

    fn handles(&self) -> &[Handle] {
        self.rights.get(..self.n).unwrap_or_default()
    }
}

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// Whether socket `h` may send `out`, before anything is sent:
    /// - rights and credentials only on Unix sockets ([`ErrorKind::InvalidInput`]; Linux
    ///   accepts and ignores them on Internet sockets);
    /// - each passed socket open and of this host ([`ErrorKind::BadDescriptor`]), and room in
    ///   the table of messages in flight ([`ErrorKind::TooManyOpenFiles`]);
    /// - credentials naming this host's process ([`ErrorKind::PermissionDenied`], as Linux
    ///   refuses an unprivileged process naming another);
    /// - packet info only on Internet sockets ([`ErrorKind::InvalidInput`]; Linux ignores it
    ///   on Unix sockets), where choosing the source is [`ErrorKind::Unsupported`].
    fn check_outgoing(&self, h: Handle, out: &Outgoing) -> Result<()> {
        let s = self.sock(h)?;
        if (out.has_rights || out.creds.is_some()) && !s.is_unix() {
            return Err(invalid());
        }
        if out.pktinfo {
            return Err(if s.is_unix() {
                invalid()
            } else {
                Error::new(ErrorKind::Unsupported)
            });
        }
        if out.creds.is_some_and(|c| c != host_credentials(s.host)) {
            return Err(Error::new(ErrorKind::PermissionDenied));
        }
        if out.n > 0 {
            for &p in out.handles() {
                if self.sock(p)?.host != s.host {
                    return Err(Error::new(ErrorKind::BadDescriptor));
                }
            }
            if !self.rights.has_room() {
                return Err(Error::new(ErrorKind::TooManyOpenFiles));
            }
        }
        Ok(())
    }

    /// `sendmsg` on a datagram socket with ancillary data: checked, sent, and the passed
    /// sockets attached to the datagram that landed.
    pub(crate) fn datagram_send_with(
        &mut self,
        h: Handle,
        bufs: &[&[u8]],
        to: Option<&SocketAddr>,
        flags: MsgFlags,
        out: &Outgoing,
    ) -> Result<usize> {
        self.check_outgoing(h, out)?;
        self.landed = None;
        let n = self.datagram_send(h, bufs, to, flags)?;
        self.attach_landed(out);
        Ok(n)
    }

    /// `sendmsg` on a stream with ancillary data. Passed sockets go with the first byte
    /// written; a message of no bytes cannot carry them ([`ErrorKind::InvalidInput`]; Linux
    /// sends nothing and drops them).
    pub(crate) fn stream_write_with(
        &mut self,
        h: Handle,
        bufs: &[&[u8]],
        flags: MsgFlags,
        out: &Outgoing,
    ) -> Result<usize> {
        self.check_outgoing(h, out)?;
        let seqpacket = self.sock(h)?.ty == Type::SeqPacket;
        if out.n > 0 && !seqpacket && bufs.iter().all(|b| b.is_empty()) {
            return Err(invalid());
        }
        self.landed = None;
        let n = if out.n > 0 {
            self.stream_write_general(h, bufs, flags)?
        } else {
            self.stream_write(h, bufs, flags)?
        };
        self.attach_landed(out);
        Ok(n)
    }

    fn attach_landed(&mut self, out: &Outgoing) {
        if let (Some(landed), true) = (self.landed.take(), out.n > 0) {
            self.attach_rights(landed, out.handles());
        }
    }

    /// Writes the ancillary data of a message just received at `h` into `ctl`, in Linux's
    /// order: credentials (Unix, with `PassCredentials`; `creds` says the receive took data
    /// or a record), packet info (UDP with `RecvPktInfo` / `PktInfo`), passed sockets.
    /// Passed sockets that do not fit are closed; a peek leaves them queued and hands out
    /// more handles to the same sockets, as Linux's does.
    pub(crate) fn put_control(&mut self, h: Handle, tag: Tag, ctl: &mut Ctl<'_>, peek: bool) {
        self.put_control_as(h, tag, ctl, peek, true);
    }

    /// As [`State::put_control`]; `creds` false for a stream read that took no byte.
    pub(crate) fn put_control_as(
        &mut self,
        h: Handle,
        tag: Tag,
        ctl: &mut Ctl<'_>,
        peek: bool,
        creds: bool,
    ) {
        let Ok(s) = self.sock(h) else { return };
        let (domain, host) = (s.domain, s.host);
        let (pass_cred, recv_pktinfo, pktinfo) = (s.pass_cred, s.opts.recv_pktinfo, s.opts.pktinfo);
        if creds && domain == Domain::Unix && pass_cred {
            let c = credentials_bytes(host_credentials(host));
            ctl.put(SOL_SOCKET, SCM_CREDENTIALS, &c);
        }
        match tag {
            Tag::None => {}
            Tag::To(ip) => put_pktinfo(ctl, domain, recv_pktinfo, pktinfo, ip),
            Tag::Rights(id) => self.put_rights(id, ctl, peek),
        }
    }

    fn put_rights(&mut self, id: u32, ctl: &mut Ctl<'_>, peek: bool) {
        let Some(entry) = self.rights.get(id) else {
            return;
        };
        let handles = entry.handles();
        // As many as fit, as Linux's `scm_detach_fds`; the rest are closed and the cut shown.
        let fit = ctl
            .room()
            .saturating_sub(cmsg::HEADER)
            .checked_div(HANDLE_LEN)
            .unwrap_or(0)
            .min(handles.len());
        if fit < handles.len() {
            ctl.truncated = true;
        }
        if fit > 0 {
            let mut payload = [0u8; MAX_RIGHTS * HANDLE_LEN];
            for (dst, &p) in payload.chunks_exact_mut(HANDLE_LEN).zip(&handles[..fit]) {
                let owned = ctl.own && self.sock(p).is_ok();
                if owned {
                    self.add_owner(p);
                }
                dst.copy_from_slice(&handle_bytes(owned.then_some(p)));
            }
            ctl.put(SOL_SOCKET, SCM_RIGHTS, &payload[..fit * HANDLE_LEN]);
        }
        if !peek {
            self.land_rights(id);
            // A socket only that message kept open, and not handed over, closes now.
            self.reap();
        }
    }
}

/// Packet info for a datagram to `ip`: IPv6 (`IPV6_PKTINFO`, IPv4 as mapped) first, then
/// IPv4 (`IP_PKTINFO`), as Linux's `udpv6_recvmsg` orders them.
fn put_pktinfo(ctl: &mut Ctl<'_>, domain: Domain, v6: bool, v4: bool, ip: IpAddr) {
    let ifindex = if crate::base::addr::canonical(ip).is_loopback() {
        LOOPBACK_IFINDEX
    } else {
        HOST_IFINDEX
    };
    if domain == Domain::Inet6 && v6 {
        let addr = match ip {
            IpAddr::V4(a) => a.to_ipv6_mapped(),
            IpAddr::V6(a) => a,
        };
        let mut p = [0u8; 20];
        p[..16].copy_from_slice(&addr.octets());
        p[16..].copy_from_slice(&ifindex.to_le_bytes());
        ctl.put(IPPROTO_IPV6, IPV6_PKTINFO, &p);
    }
    if let (IpAddr::V4(a), true) = (ip, v4 && domain != Domain::Unix) {
        let mut p = [0u8; 8];
        p[..4].copy_from_slice(&ifindex.to_le_bytes());
        p[4..].copy_from_slice(&a.octets());
        ctl.put(IPPROTO_IP, IP_PKTINFO, &p);
    }
}
