//! The Internet checksum (RFC 1071): the one's complement of the one's complement sum of 16-bit
//! big-endian words. IPv4 headers, TCP and UDP all use it; TCP and UDP add a pseudo-header.

use core::net::{Ipv4Addr, Ipv6Addr};

/// A running Internet checksum, fed in pieces.
///
/// The pieces may have any length: an odd byte at the end of one piece pairs with the first
/// byte of the next, so the result is the checksum of the pieces laid end to end. That lets a
/// packet be summed where its parts live (a header on the stack, a payload borrowed from the
/// caller) without copying them together.
///
/// ```
/// use anysock_mock::pcap::checksum::Checksum;
///
/// // RFC 1071, section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
/// let mut sum = Checksum::new();
/// sum.add(&[0x00, 0x01, 0xf2]);
/// sum.add(&[0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
/// assert_eq!(sum.sum(), 0xddf2);
/// assert_eq!(sum.finish(), !0xddf2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checksum {
    /// The folded sum so far, always at most 0xffff.
    sum: u16,
    /// The first byte of a word whose second byte has not been added yet.
    pending: Option<u8>,
}

impl Checksum {
    /// An empty sum.
    pub const fn new() -> Self {
        Checksum {
            sum: 0,
            pending: None,
        }
    }

    /// Adds `bytes`, continuing where the previous call left off.
    pub fn add(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        if let Some(high) = self.pending {
            let Some((&low, tail)) = rest.split_first() else {
                return;
            };
            self.pending = None;
            self.add_word(u16::from_be_bytes([high, low]));
            rest = tail;
        }
        let mut words = rest.chunks_exact(2);
        for word in &mut words {
            if let [high, low] = *word {
                self.add_word(u16::from_be_bytes([high, low]));
            }
        }
        if let [last] = *words.remainder() {
            self.pending = Some(last);
        }
    }

    /// Adds the two bytes of `word`, big-endian (network order).
    pub fn add_u16(&mut self, word: u16) {
        self.add(&word.to_be_bytes());
    }

    /// Adds the four bytes of `value`, big-endian (network order).
    pub fn add_u32(&mut self, value: u32) {
        self.add(&value.to_be_bytes());
    }

    /// One's complement addition with the end-around carry, so the sum never overflows.
    fn add_word(&mut self, word: u16) {
        let (sum, carry) = self.sum.overflowing_add(word);
        self.sum = sum.wrapping_add(u16::from(carry));
    }

    /// The one's complement sum of everything added, a trailing odd byte padded with zero.
    pub fn sum(&self) -> u16 {
        let mut total = *self;
        if let Some(high) = total.pending.take() {
            total.add_word(u16::from_be_bytes([high, 0]));
        }
        total.sum
    }

    /// The checksum to store in a header: the complement of [`Checksum::sum`].
    pub fn finish(&self) -> u16 {
        !self.sum()
    }
}

/// The checksum of one buffer (RFC 1071).
///
/// ```
/// use anysock_mock::pcap::checksum::checksum;
///
/// // An IPv4 header with its checksum field zeroed; the correct value is b861.
/// let header = [
///     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
///     0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
/// ];
/// assert_eq!(checksum(&header), 0xb861);
/// ```
pub fn checksum(bytes: &[u8]) -> u16 {
    let mut sum = Checksum::new();
    sum.add(bytes);
    sum.finish()
}

/// The sum of the IPv4 pseudo-header TCP and UDP cover (RFC 793, RFC 768): source, destination,
/// a zero byte, the protocol, and the transport length (header and payload).
pub fn pseudo_header_v4(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, length: u16) -> Checksum {
    let mut sum = Checksum::new();
    sum.add(&src.octets());
    sum.add(&dst.octets());
    sum.add(&[0, protocol]);
    sum.add_u16(length);
    sum
}

/// The sum of the IPv6 pseudo-header (RFC 8200, section 8.1): source, destination, the 32-bit
/// upper-layer length, three zero bytes and the next-header value.
pub fn pseudo_header_v6(src: Ipv6Addr, dst: Ipv6Addr, next_header: u8, length: u32) -> Checksum {
    let mut sum = Checksum::new();
    sum.add(&src.octets());
    sum.add(&dst.octets());
    sum.add_u32(length);
    sum.add(&[0, 0, 0, next_header]);
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        let bytes = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        let mut sum = Checksum::new();
        sum.add(&bytes);
        assert_eq!(sum.sum(), 0xddf2);
        assert_eq!(checksum(&bytes), 0x220d);
    }

    #[test]
    fn pieces_of_any_length_sum_like_the_whole() {
        let bytes = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f];
        let whole = checksum(&bytes);
        for cut in 0..=bytes.len() {
            let (a, b) = bytes.split_at(cut);
            let mut sum = Checksum::new();
            sum.add(a);
            sum.add(&[]);
            sum.add(b);
            assert_eq!(sum.finish(), whole, "cut at {cut}");
        }
    }

    #[test]
    fn odd_length_pads_with_zero() {
        assert_eq!(checksum(&[0xab]), !0xab00);
        assert_eq!(checksum(&[]), 0xffff);
    }

    #[test]
    fn carries_wrap_around() {
        // ffff + 0001 = 1_0000 -> 0000 + 1 = 0001 in one's complement.
        assert_eq!(checksum(&[0xff, 0xff, 0x00, 0x01]), !0x0001);
        assert_eq!(checksum(&[0xff; 64]), 0x0000);
    }

    #[test]
    fn a_header_with_its_checksum_sums_to_zero() {
        let header = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(checksum(&header), 0);
    }

    #[test]
    fn udp_v4_vector() {
        // A UDP datagram 192.168.0.1:1024 -> 192.168.0.199:53, payload "abc", computed by hand:
        // pseudo c0a8+0001+c0a8+00c7+0011+000b, header 0400+0035+000b, payload 6162+6300.
        let mut sum = pseudo_header_v4(
            Ipv4Addr::new(192, 168, 0, 1),
            Ipv4Addr::new(192, 168, 0, 199),
            17,
            11,
        );
        sum.add(&[0x04, 0x00, 0x00, 0x35, 0x00, 0x0b, 0x00, 0x00]);
        sum.add(b"abc");
        let words: u32 = 0xc0a8 + 0x0001 + 0xc0a8 + 0x00c7 + 0x0011 + 0x000b + 0x0400 + 0x0035;
        let words = words + 0x000b + 0x6162 + 0x6300;
        let folded = (words & 0xffff) + (words >> 16);
        assert_eq!(u32::from(sum.sum()), folded);
    }
}
