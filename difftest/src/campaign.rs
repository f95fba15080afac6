//! A campaign: many generated sequences, each run on a reference stack and on the stack under
//! test; divergences grouped, the first of each group shrunk, documented ones told apart.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anysock_core::conformance::Quirk;

use crate::call::Call;
use crate::compare::{category, first_divergence, Divergence};
use crate::exec::Step;
use crate::gen::generate;
use crate::quirks::{explains, KNOWN};
use crate::report::{Example, Group, Report};
use crate::target::Side;

/// How long one run may take before the campaign calls it a hang and aborts, naming it.
const HANG: Duration = Duration::from_secs(60);

/// Two stacks compared on generated sequences.
pub struct Campaign<'a> {
    reference: &'a mut dyn Side,
    subject: &'a mut dyn Side,
    /// Whether to shrink the first sequence of every group.
    shrink: bool,
}

impl core::fmt::Debug for Campaign<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Campaign")
            .field("reference", &self.reference.name())
            .field("subject", &self.subject.name())
            .finish()
    }
}

impl<'a> Campaign<'a> {
    /// `subject` compared with `reference` (the kernel), which is taken to be right.
    pub fn new(reference: &'a mut dyn Side, subject: &'a mut dyn Side) -> Self {
        Campaign {
            reference,
            subject,
            shrink: true,
        }
    }

    /// Whether to shrink the first diverging sequence of each group (on by default).
    pub fn shrinking(mut self, on: bool) -> Self {
        self.shrink = on;
        self
    }

    /// The quirk the subject declares that explains `d`, if any.
    fn documented(&self, calls: &[Call], reference: &[Step], d: &Divergence) -> Option<Quirk> {
        KNOWN
            .iter()
            .copied()
            .find(|&q| self.subject.quirk(q) && explains(q, calls, reference, d))
    }

    /// Runs `calls` on both stacks.
    fn both(&mut self, calls: &[Call]) -> (Vec<Step>, Vec<Step>) {
        (self.reference.run(calls), self.subject.run(calls))
    }

    /// Runs the sequences of `seeds`, calling `progress` with the report so far every
    /// `every` sequences.
    pub fn run(
        &mut self,
        seeds: core::ops::Range<u64>,
        every: u64,
        mut progress: impl FnMut(&Report),
    ) -> Report {
        let started = Instant::now();
        let caps = self.reference.caps().and(self.subject.caps());
        let mut report = Report::new(self.reference.name(), self.subject.name(), caps);
        let watch = Watchdog::start();
        for seed in seeds {
            watch.beat(seed);
            let calls = generate(seed, caps);
            let (reference, subject) = self.both(&calls);
            report.sequences += 1;
            report.calls += calls.len();
            if let Some(d) = first_divergence(&reference, &subject) {
                // The kernel is not a simulation: a second run tells a real divergence from
                // one the scheduler made.
                if self.reference.run(&calls) != reference {
                    report.flaky.push(seed);
                } else {
                    self.record(&mut report, seed, calls, reference, subject, d);
                }
            }
            if every > 0 && report.sequences % every as usize == 0 {
                report.elapsed = started.elapsed();
                progress(&report);
            }
        }
        watch.stop();
        report.elapsed = started.elapsed();
        report
    }

    fn record(
        &mut self,
        report: &mut Report,
        seed: u64,
        calls: Vec<Call>,
        reference: Vec<Step>,
        subject: Vec<Step>,
        d: Divergence,
    ) {
        let key = category(&calls, &d);
        let quirk = self.documented(&calls, &reference, &d);
        report.diverged += 1;
        if quirk.is_none() {
            report.undocumented += 1;
        }
        // A group is a way of diverging and whether a quirk explains it: one sequence a quirk
        // does not explain never hides in a group of ones it does.
        if let Some(group) = report
            .groups
            .iter_mut()
            .find(|g| g.key == key && g.quirk == quirk)
        {
            group.count += 1;
            return;
        }
        let found = Example {
            seed,
            calls,
            reference,
            subject,
            step: d.step,
        };
        let shortest = if self.shrink {
            self.shrunk(&found, &key, quirk)
        } else {
            found.clone()
        };
        report.groups.push(Group {
            key,
            count: 1,
            quirk,
            shortest,
            seed,
        });
    }

    /// The shortest sequence found that diverges as `found` does (same group, same quirk).
    fn shrunk(&mut self, found: &Example, key: &str, quirk: Option<Quirk>) -> Example {
        let cut = found.calls[..=found.step].to_vec();
        let calls = crate::shrink::shrink(cut, |candidate| {
            let (a, b) = self.both(candidate);
            match first_divergence(&a, &b) {
                Some(d) => {
                    category(candidate, &d) == key && self.documented(candidate, &a, &d) == quirk
                }
                None => false,
            }
        });
        let (reference, subject) = self.both(&calls);
        let step = first_divergence(&reference, &subject).map_or(calls.len() - 1, |d| d.step);
        Example {
            seed: found.seed,
            calls,
            reference,
            subject,
            step,
        }
    }
}

/// Aborts the process, naming the sequence, if one run takes longer than [`HANG`]: bad input
/// must never hang a stack, and a hung campaign would say nothing.
struct Watchdog {
    seed: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
}

impl Watchdog {
    fn start() -> Self {
        let seed = Arc::new(AtomicU64::new(u64::MAX));
        let done = Arc::new(AtomicBool::new(false));
        let (s, d) = (seed.clone(), done.clone());
        thread::spawn(move || {
            let mut last = (s.load(Ordering::Relaxed), Instant::now());
            while !d.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(200));
                let now = s.load(Ordering::Relaxed);
                if now != last.0 {
                    last = (now, Instant::now());
                } else if last.1.elapsed() > HANG {
                    eprintln!("differential: the sequence of seed {now} hangs; aborting");
                    std::process::abort();
                }
            }
        });
        Watchdog { seed, done }
    }

    fn beat(&self, seed: u64) {
        self.seed.store(seed, Ordering::Relaxed);
    }

    fn stop(&self) {
        self.done.store(true, Ordering::Relaxed);
    }
}
