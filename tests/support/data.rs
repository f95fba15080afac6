//! What tests make up: patterned bytes in which a lost, doubled or reordered chunk shows, and a
//! small deterministic generator for arbitrary input and random choices.
//!
//! The standard library only; each test binary compiles it on its own (anysock-resp's tests
//! too) and uses only part of it.
#![allow(dead_code)]

/// `len` bytes in which a lost, doubled or reordered chunk shows up (the period, 251, is prime
/// and no power of two); `seed` makes messages differ. The Python peer (`peer.py`) makes the
/// same bytes.
pub fn pattern(seed: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| ((seed + i) % 251) as u8).collect()
}

/// splitmix64 (Steele, Lea and Flood), as the mock network and the differential tester draw
/// their chances: small, fast, and the same sequence from the same seed on every run.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator started at `seed` (any value, 0 included).
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fills `out` with random bytes.
    pub fn fill(&mut self, out: &mut [u8]) {
        for b in out {
            *b = self.next_u64() as u8;
        }
    }
}
