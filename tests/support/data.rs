//! What tests make up: patterned bytes in which a lost, doubled or reordered chunk shows, and a
//! small deterministic generator for arbitrary input and random choices.
//!
//! Each test binary compiles it on its own (anysock-resp's tests too) and uses only part of it.
#![allow(dead_code)]

/// `len` bytes in which a lost, doubled or reordered chunk shows up (the period, 251, is prime
/// and no power of two); `seed` makes messages differ. The Python peer (`peer.py`) makes the
/// same bytes.
pub fn pattern(seed: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| ((seed + i) % 251) as u8).collect()
}

/// splitmix64, the differential tester's generator (the mock network draws its chances the
/// same way): small, fast, and the same sequence from the same seed on every run.
pub use anysock_difftest::Rng;

/// Fills `out` with bytes drawn from `rng`.
pub fn fill(rng: &mut Rng, out: &mut [u8]) {
    for b in out {
        *b = rng.next_u64() as u8;
    }
}
