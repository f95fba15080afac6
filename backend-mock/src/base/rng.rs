//! The network's source of chance: a splitmix64 generator, so a seed alone decides every fault.

/// A small, fast, well-mixed 64-bit generator (Steele, Lea and Flood's splitmix64). Its whole
/// state is one number, so two networks with the same seed make the same choices.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rng {
    state: u64,
}

/// One in a million: the unit of every probability in a fault plan.
pub(crate) const MILLION: u32 = 1_000_000;

impl Rng {
    pub(crate) const fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), by multiplying rather than dividing, so every
    /// value is equally likely to within 2^-64.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        let wide = u128::from(self.next_u64()) * u128::from(n);
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    /// True with probability `per_million` / 1 000 000. Draws nothing for 0 or a certainty,
    /// so a plan without a fault leaves the sequence of draws untouched.
    pub(crate) fn chance(&mut self, per_million: u32) -> bool {
        match per_million {
            0 => false,
            p if p >= MILLION => true,
            p => self.below(u64::from(MILLION)) < u64::from(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers() {
        let (mut a, mut b, mut c) = (Rng::new(7), Rng::new(7), Rng::new(8));
        let xs: [u64; 4] = core::array::from_fn(|_| a.next_u64());
        let ys: [u64; 4] = core::array::from_fn(|_| b.next_u64());
        let zs: [u64; 4] = core::array::from_fn(|_| c.next_u64());
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn bounds_and_chances() {
        let mut r = Rng::new(1);
        assert_eq!(r.below(0), 0);
        for _ in 0..1000 {
            assert!(r.below(10) < 10);
        }
        let hits = (0..10_000).filter(|_| r.chance(200_000)).count();
        assert!((1_500..2_500).contains(&hits), "about 20%: {hits}");
        assert!(!r.chance(0));
        assert!(r.chance(MILLION));
    }
}
