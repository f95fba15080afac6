//! Property tests of the control-message encoding: arbitrary bytes fed to the decoder as if the
//! kernel had written them (never a panic, never a read past the end), and every typed message
//! round-tripped through encode and decode, whole, cut short, or with a corrupted length.
//!
//! A small deterministic generator drives them (no dependency, same cases on every run);
//! `ANYSOCK_CMSG_CASES=N` sets the cases per property (default 100,000), `ANYSOCK_CMSG_SEED`
//! the seed. Each property counts the cases that reached every length check, and fails if one
//! was never reached.

#![cfg(target_os = "linux")]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use anysock::cmsg::{Cmsg, Credentials, PktInfo, Timestamp};
use anysock::posix::cmsg::{self, ControlReader, ControlWriter, RawFds};
use anysock::ErrorKind;

use crate::data::{fill, Rng};

/// The generator, started at `ANYSOCK_CMSG_SEED` (or a fixed seed).
fn rng() -> Rng {
    let seed = std::env::var("ANYSOCK_CMSG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15u64);
    Rng::new(seed)
}

fn cases() -> u64 {
    std::env::var("ANYSOCK_CMSG_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

/// A typed message with its descriptors as a list, comparable whatever held them.
type Plain<'a> = Cmsg<'a, Vec<i32>>;

fn decoded<'a>(item: Cmsg<'a, RawFds<'a>>) -> Plain<'a> {
    item.map_rights(|fds| fds.collect())
}

/// The storage a random message borrows from.
struct Pool {
    fds: Vec<[i32; 6]>,
    data: Vec<[u8; 40]>,
}

/// A random typed message, and its descriptors (if any) from `fds`, its raw payload from `data`.
fn random_msg<'a>(rng: &mut Rng, fds: &'a [i32; 6], data: &'a [u8; 40]) -> Cmsg<'a, &'a [i32]> {
    let byte = rng.next_u64() as u8;
    match rng.below(13) {
        0 => Cmsg::Rights(&fds[..rng.below(7)]),
        1 => Cmsg::Credentials(Credentials {
            pid: rng.next_u64() as i32,
            uid: rng.next_u64() as u32,
            gid: rng.next_u64() as u32,
        }),
        2 => Cmsg::PktInfo(PktInfo {
            addr: IpAddr::V4(Ipv4Addr::from(rng.next_u64() as u32)),
            ifindex: rng.below(i32::MAX as usize + 1) as u32,
        }),
        3 => Cmsg::PktInfo(PktInfo {
            addr: IpAddr::V6(Ipv6Addr::from(
                (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64()),
            )),
            ifindex: rng.next_u64() as u32,
        }),
        4 => Cmsg::Timestamp(Timestamp {
            secs: rng.next_u64() as i64,
            nanos: rng.below(1_000_000) as u32 * 1000,
        }),
        5 => Cmsg::TimestampNs(Timestamp {
            secs: rng.next_u64() as i64,
            nanos: rng.below(1_000_000_000) as u32,
        }),
        6 => Cmsg::Tos(byte),
        7 => Cmsg::TrafficClass(byte),
        8 => Cmsg::Ttl(byte),
        9 => Cmsg::HopLimit(byte),
        10 => Cmsg::UdpSegment(rng.next_u64() as u16),
        11 => Cmsg::UdpGro(rng.next_u64() as u16),
        // Levels no typed message uses.
        _ => Cmsg::Raw {
            level: 1000 + rng.below(100) as i32,
            ty: rng.next_u64() as i32,
            data: &data[..rng.below(41)],
        },
    }
}

/// A random sequence of 1 to 5 messages, encoded into an exactly sized buffer.
fn random_encoded<'p>(rng: &mut Rng, pool: &'p mut Pool) -> (Vec<Cmsg<'p, &'p [i32]>>, Vec<u8>) {
    for fds in &mut pool.fds {
        for fd in fds.iter_mut() {
            *fd = rng.below(i32::MAX as usize) as i32;
        }
    }
    for data in &mut pool.data {
        fill(rng, data);
    }
    let pool: &'p Pool = pool;
    let n = 1 + rng.below(5);
    let msgs: Vec<_> = (0..n)
        .map(|i| random_msg(rng, &pool.fds[i], &pool.data[i]))
        .collect();
    let size: usize = msgs.iter().map(cmsg::space_of).sum();
    let mut buf = vec![0u8; size];
    let mut w = ControlWriter::new(&mut buf);
    for m in &msgs {
        w.push(m)
            .expect("an exactly sized buffer holds every message");
    }
    assert_eq!(w.len(), size);
    (msgs, buf)
}

fn pool() -> Pool {
    Pool {
        fds: vec![[0; 6]; 5],
        data: vec![[0; 40]; 5],
    }
}

/// Where each record starts in an encoding of `msgs`.
fn offsets(msgs: &[Cmsg<'_, &[i32]>]) -> Vec<usize> {
    let mut at = 0;
    msgs.iter()
        .map(|m| {
            let here = at;
            at += cmsg::space_of(m);
            here
        })
        .collect()
}

/// Writes `len` into the `cmsg_len` field of the record at `at`.
fn set_cmsg_len(buf: &mut [u8], at: usize, len: usize) {
    let offset = std::mem::offset_of!(libc::cmsghdr, cmsg_len);
    let width = field_size(|h: &libc::cmsghdr| &h.cmsg_len);
    let bytes = if width == 8 {
        (len as u64).to_ne_bytes().to_vec()
    } else {
        (len as u32).to_ne_bytes().to_vec()
    };
    buf[at + offset..at + offset + width].copy_from_slice(&bytes);
}

fn field_size<T>(_field: impl Fn(&libc::cmsghdr) -> &T) -> usize {
    std::mem::size_of::<T>()
}

/// Decodes all of `buf`, checking the iterator's contract: it ends, and after a structural
/// error nothing follows.
fn decode_all(buf: &[u8]) -> Vec<anysock::Result<Plain<'_>>> {
    let mut out = Vec::new();
    let mut reader = ControlReader::new(buf);
    for item in reader.by_ref() {
        out.push(item.map(decoded));
        assert!(
            out.len() <= buf.len() / cmsg::record_len(0) + 1,
            "more items than records fit"
        );
    }
    assert!(reader.next().is_none(), "the reader stays ended");
    out
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = rng();
    let header = cmsg::record_len(0);
    let (mut errors, mut typed, mut raw) = (0u64, 0u64, 0u64);
    for _ in 0..cases() {
        let mut buf = vec![0u8; rng.below(200)];
        fill(&mut rng, &mut buf);
        // Plausible lengths and levels now and then, so that decoding goes past the header.
        if buf.len() >= header && rng.below(2) == 0 {
            let len = header + rng.below(buf.len() - header + 8);
            set_cmsg_len(&mut buf, 0, len);
        }
        for item in decode_all(&buf) {
            match item {
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::InvalidInput);
                    errors += 1;
                }
                Ok(Cmsg::Raw { data, .. }) => {
                    assert!(data.len() <= buf.len());
                    raw += 1;
                }
                Ok(_) => typed += 1,
            }
        }
    }
    assert!(
        errors > 0 && raw > 0,
        "{errors} errors, {raw} raw, {typed} typed"
    );
}

#[test]
fn every_typed_message_round_trips() {
    let mut rng = rng();
    let mut seen = [false; 13];
    for _ in 0..cases() {
        let mut pool = pool();
        let (msgs, buf) = random_encoded(&mut rng, &mut pool);
        let back: Vec<_> = decode_all(&buf)
            .into_iter()
            .map(|r| r.expect("an encoding decodes"))
            .collect();
        let want: Vec<_> = msgs.iter().map(|m| m.map_rights(<[i32]>::to_vec)).collect();
        assert_eq!(back, want);
        for m in &msgs {
            seen[kind(m)] = true;
        }
    }
    assert!(seen.iter().all(|&s| s), "every kind generated: {seen:?}");
}

fn kind<F>(m: &Cmsg<'_, F>) -> usize {
    match m {
        Cmsg::Rights(_) => 0,
        Cmsg::Credentials(_) => 1,
        Cmsg::PktInfo(PktInfo {
            addr: IpAddr::V4(_),
            ..
        }) => 2,
        Cmsg::PktInfo(_) => 3,
        Cmsg::Timestamp(_) => 4,
        Cmsg::TimestampNs(_) => 5,
        Cmsg::Tos(_) => 6,
        Cmsg::TrafficClass(_) => 7,
        Cmsg::Ttl(_) => 8,
        Cmsg::HopLimit(_) => 9,
        Cmsg::UdpSegment(_) => 10,
        Cmsg::UdpGro(_) => 11,
        _ => 12,
    }
}

/// The length checks, each reached by cases built to reach it: a buffer cut anywhere, a
/// `cmsg_len` shorter than the header, one longer than the buffer, and trailing bytes too few
/// for a header. Every item before the damage decodes as it was sent.
#[test]
fn damaged_buffers_decode_their_sound_prefix_then_stop() {
    let mut rng = rng();
    let header = cmsg::record_len(0);
    let mut reached = [0u64; 4];
    for _ in 0..cases() {
        let mut pool = pool();
        let (msgs, mut buf) = random_encoded(&mut rng, &mut pool);
        let want: Vec<_> = msgs.iter().map(|m| m.map_rights(<[i32]>::to_vec)).collect();
        let starts = offsets(&msgs);
        let victim = rng.below(msgs.len());
        let check = rng.below(4);
        match check {
            // Cut short anywhere inside the victim record.
            0 => buf.truncate(starts[victim] + 1 + rng.below(cmsg::space_of(&msgs[victim]) - 1)),
            // A length shorter than the header.
            1 => set_cmsg_len(&mut buf, starts[victim], rng.below(header)),
            // A length past the end of the buffer.
            2 => {
                let past = buf.len() - starts[victim] + 1 + rng.below(1 << 20);
                set_cmsg_len(&mut buf, starts[victim], past);
            }
            // Trailing bytes too few for a header.
            _ => buf.extend((0..1 + rng.below(header - 1)).map(|_| rng.next_u64() as u8)),
        }
        let got = decode_all(&buf);
        let sound = if check == 3 { msgs.len() } else { victim };
        // A cut that leaves the victim's payload whole (only padding lost) still decodes it.
        let whole = got.len() > sound && got[sound].is_ok();
        for (i, item) in got.iter().enumerate().take(sound) {
            assert_eq!(
                item.as_ref().ok(),
                Some(&want[i]),
                "item {i} before the damage"
            );
        }
        if !whole {
            assert_eq!(got.len(), sound + 1, "one error item, then the end");
            assert!(got[sound].is_err());
            reached[check] += 1;
        }
    }
    assert!(reached.iter().all(|&n| n > 0), "reached: {reached:?}");
}

/// Typed messages whose payload has the wrong size or an impossible value: an error item for
/// that record, and the records after it still decode.
#[test]
fn malformed_typed_payloads_are_error_items_and_decoding_goes_on() {
    let ip = libc::IPPROTO_IP;
    let ip6 = libc::IPPROTO_IPV6;
    let sol = libc::SOL_SOCKET;
    // (level, type, sizes that are wrong)
    let table: &[(i32, i32, &[usize])] = &[
        (sol, libc::SCM_RIGHTS, &[1, 2, 3, 5, 7]),
        (sol, libc::SCM_CREDENTIALS, &[0, 4, 8, 11, 13, 16]),
        (sol, libc::SO_TIMESTAMP, &[0, 8, 15, 17]),
        (sol, libc::SO_TIMESTAMPNS, &[0, 8, 15, 17]),
        (ip, libc::IP_PKTINFO, &[0, 4, 11, 13]),
        (ip6, libc::IPV6_PKTINFO, &[0, 16, 19, 21]),
        (ip, libc::IP_TOS, &[0, 2, 3, 5]),
        (ip6, libc::IPV6_TCLASS, &[0, 1, 2, 8]),
        (ip, libc::IP_TTL, &[0, 1, 2, 8]),
        (ip6, libc::IPV6_HOPLIMIT, &[0, 1, 3, 8]),
        (libc::SOL_UDP, libc::UDP_SEGMENT, &[0, 1, 4]),
        (libc::SOL_UDP, libc::UDP_GRO, &[0, 2, 8]),
    ];
    let mut rng = rng();
    let mut checked = 0u64;
    let rounds = (cases() / 50).max(1);
    for _ in 0..rounds {
        for &(level, ty, sizes) in table {
            for &size in sizes {
                let mut data = [0u8; 24];
                fill(&mut rng, &mut data);
                let mut buf = [0u8; 128];
                let mut w = ControlWriter::new(&mut buf);
                w.push(&Cmsg::Raw {
                    level,
                    ty,
                    data: &data[..size],
                })
                .unwrap();
                w.push(&Cmsg::Ttl(9)).unwrap();
                let got = decode_all(w.as_bytes());
                assert_eq!(got.len(), 2, "({level}, {ty}) with {size} bytes");
                assert!(
                    got[0].is_err(),
                    "({level}, {ty}) with {size} bytes: {:?}",
                    got[0]
                );
                assert_eq!(got[1], Ok(Cmsg::Ttl(9)));
                checked += 1;
            }
        }
    }
    // Right sizes, impossible values.
    let int = |v: i32| v.to_ne_bytes();
    let bad_values: &[(i32, i32, &[u8])] = &[
        (ip, libc::IP_TOS, &int(256)),
        (ip6, libc::IPV6_TCLASS, &int(-1)),
        (ip, libc::IP_TTL, &int(1000)),
        (ip6, libc::IPV6_HOPLIMIT, &int(-5)),
        (libc::SOL_UDP, libc::UDP_GRO, &int(70_000)),
    ];
    for &(level, ty, data) in bad_values {
        let mut buf = [0u8; 64];
        let mut w = ControlWriter::new(&mut buf);
        w.push(&Cmsg::Raw { level, ty, data }).unwrap();
        assert!(
            decode_all(w.as_bytes())[0].is_err(),
            "({level}, {ty}) = {data:?}"
        );
    }
    // A `timeval` whose `tv_usec` is 1,000,000: not below a second.
    let mut tv = [0u8; std::mem::size_of::<libc::timeval>()];
    let at = std::mem::offset_of!(libc::timeval, tv_usec);
    let usec = (1_000_000 as libc::suseconds_t).to_ne_bytes();
    tv[at..at + usec.len()].copy_from_slice(&usec);
    let mut buf = [0u8; 64];
    let mut w = ControlWriter::new(&mut buf);
    w.push(&Cmsg::Raw {
        level: sol,
        ty: libc::SO_TIMESTAMP,
        data: &tv,
    })
    .unwrap();
    assert!(decode_all(w.as_bytes())[0].is_err());
    assert!(checked > 0);
}

/// A buffer one byte short of what a sequence needs refuses the message that does not fit, and
/// keeps what was written before it.
#[test]
fn encoding_into_a_buffer_too_small_is_invalid_input_and_writes_nothing() {
    let mut rng = rng();
    let mut refused = 0u64;
    for _ in 0..cases() / 4 {
        let mut pool = pool();
        let (msgs, full) = random_encoded(&mut rng, &mut pool);
        let short = rng.below(full.len());
        let mut buf = vec![0u8; short];
        let mut w = ControlWriter::new(&mut buf);
        let mut written = 0;
        for m in &msgs {
            let before = w.len();
            match w.push(m) {
                Ok(()) => written += 1,
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::InvalidInput);
                    assert_eq!(w.len(), before, "a refused message writes nothing");
                    refused += 1;
                    break;
                }
            }
        }
        assert!(
            written < msgs.len(),
            "{short} bytes cannot hold {}",
            full.len()
        );
        assert_eq!(w.as_bytes(), &full[..w.len()]);
    }
    assert!(refused > 0);
}
