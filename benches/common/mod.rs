//! What the benches share: their settings from the environment, the interleaved order of their
//! rounds, the median and min of the rounds' results, and pinning to one CPU.
//!
//! Each bench binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

/// The environment variable `name`, when it is set and not empty.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `ANYSOCK_BENCH_QUICK` set to anything but `0`: smaller sizes, for a smoke test.
pub fn quick() -> bool {
    var("ANYSOCK_BENCH_QUICK").is_some_and(|v| v != "0")
}

/// `ANYSOCK_BENCH_PIN` is not `0`: keep the two ends of a ping-pong on one CPU.
pub fn pin() -> bool {
    var("ANYSOCK_BENCH_PIN").as_deref() != Some("0")
}

/// The positive integer in the environment variable `name`: `None` when it is not set (or
/// empty), and what is wrong when it is not a positive integer.
pub fn positive(name: &str) -> Result<Option<u64>, String> {
    var(name)
        .map(|v| match v.parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{name}={v}: expected a positive integer")),
        })
        .transpose()
}

/// The rounds `ANYSOCK_BENCH_ROUNDS` asks for, `default` when it is not set.
pub fn rounds(default: usize) -> Result<usize, String> {
    Ok(positive("ANYSOCK_BENCH_ROUNDS")?.map_or(default, |r| r as usize))
}

/// The order in which `n` contenders run over `rounds` rounds: each round runs all of them,
/// starting one further each time, so none always runs on a cold (or hot) machine.
pub fn interleaved(rounds: usize, n: usize) -> impl Iterator<Item = usize> {
    (0..rounds).flat_map(move |round| (0..n).map(move |k| (round + k) % n))
}

/// The median: the middle value, or the mean of the two middle ones; NaN for none.
pub fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[mid],
        _ => (v[mid - 1] + v[mid]) / 2.0,
    }
}

/// The smallest value; infinity for none.
pub fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

/// While it lives, this thread, and the threads and processes it starts, run on the CPU it is
/// on.
///
/// Ping-pong between two CPUs of a virtual machine mostly measures how fast an idle virtual CPU
/// wakes up (tens of microseconds, varying from run to run); on one CPU a round trip is two
/// context switches and four syscalls, and the calls' own cost stays visible.
#[cfg(target_os = "linux")]
pub struct Pinned(libc::cpu_set_t);

#[cfg(target_os = "linux")]
impl Pinned {
    pub fn to_this_cpu() -> Option<Pinned> {
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: `cpu_set_t` is plain old data; all-zero bytes are the empty set.
        let (mut before, mut one): (libc::cpu_set_t, libc::cpu_set_t) =
            unsafe { (std::mem::zeroed(), std::mem::zeroed()) };
        // SAFETY: both sets are valid for `size` bytes; `sched_getcpu` takes no arguments.
        unsafe {
            let cpu = usize::try_from(libc::sched_getcpu()).ok()?;
            if libc::sched_getaffinity(0, size, &mut before) != 0 {
                return None;
            }
            libc::CPU_SET(cpu, &mut one);
            (libc::sched_setaffinity(0, size, &one) == 0).then_some(Pinned(before))
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for Pinned {
    fn drop(&mut self) {
        // SAFETY: the set is valid for its size.
        unsafe { libc::sched_setaffinity(0, std::mem::size_of_val(&self.0), &self.0) };
    }
}

/// Elsewhere the scheduler places the threads and processes.
#[cfg(not(target_os = "linux"))]
pub struct Pinned;

#[cfg(not(target_os = "linux"))]
impl Pinned {
    pub fn to_this_cpu() -> Option<Pinned> {
        None
    }
}
