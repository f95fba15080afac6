//! What a campaign found, printed for a reader: each group of divergences with its shortest
//! sequence, call by call with both stacks' results, then one summary line.

use core::fmt;
use std::time::Duration;

use anysock_core::conformance::Quirk;

use crate::call::Call;
use crate::exec::Step;
use crate::target::Caps;

/// A sequence that diverged, with both runs.
#[derive(Clone, Debug)]
pub struct Example {
    /// The seed it was generated from.
    pub seed: u64,
    /// Its calls.
    pub calls: Vec<Call>,
    /// The reference stack's results.
    pub reference: Vec<Step>,
    /// The results of the stack under test.
    pub subject: Vec<Step>,
    /// The first step that differs.
    pub step: usize,
}

/// The divergences of one group (same call, socket kind and outcome shapes, and the same quirk
/// explaining them, or none).
#[derive(Clone, Debug)]
pub struct Group {
    /// The group's name (see [`crate::compare::category`]).
    pub key: String,
    /// How many sequences diverged this way.
    pub count: usize,
    /// The quirk that documents it, if any.
    pub quirk: Option<Quirk>,
    /// The shortest sequence found that diverges this way.
    pub shortest: Example,
    /// The seed of the first sequence that did.
    pub seed: u64,
}

/// The outcome of a campaign.
#[derive(Clone, Debug)]
pub struct Report {
    /// The reference stack's name.
    pub reference: String,
    /// The name of the stack under test.
    pub subject: String,
    /// What the sequences could use.
    pub caps: Caps,
    /// Sequences run.
    pub sequences: usize,
    /// Calls in them.
    pub calls: usize,
    /// Sequences on which the stacks disagreed.
    pub diverged: usize,
    /// Of those, the ones no declared quirk explains.
    pub undocumented: usize,
    /// Seeds whose reference run gave different results when repeated (not counted above).
    pub flaky: Vec<u64>,
    /// The divergences, by group, in the order first seen.
    pub groups: Vec<Group>,
    /// How long it took.
    pub elapsed: Duration,
}

impl Report {
    pub(crate) fn new(reference: &str, subject: &str, caps: Caps) -> Self {
        Report {
            reference: reference.into(),
            subject: subject.into(),
            caps,
            sequences: 0,
            calls: 0,
            diverged: 0,
            undocumented: 0,
            flaky: Vec::new(),
            groups: Vec::new(),
            elapsed: Duration::ZERO,
        }
    }

    /// The last line: `differential: N sequences, D diverged, U undocumented`.
    pub fn summary(&self) -> String {
        format!(
            "differential: {} sequences, {} diverged, {} undocumented",
            self.sequences, self.diverged, self.undocumented
        )
    }
}

impl fmt::Display for Example {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .calls
            .iter()
            .map(|c| c.to_string().len())
            .max()
            .unwrap_or(0);
        for (i, call) in self.calls.iter().enumerate() {
            let mark = if i == self.step { '!' } else { ' ' };
            let a = self.reference.get(i).map(|s| s.outcome.to_string());
            let b = self.subject.get(i).map(|s| s.outcome.to_string());
            let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
            let call = call.to_string();
            if a == b {
                writeln!(f, "  {mark} {i:>2}  {call:width$}  {a}")?;
            } else {
                writeln!(f, "  {mark} {i:>2}  {call:width$}  {a}  |  {b}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut groups: Vec<&Group> = self.groups.iter().collect();
        groups.sort_by_key(|g| (g.quirk.is_some(), core::cmp::Reverse(g.count)));
        for g in groups {
            let status = match g.quirk {
                Some(q) => format!("documented: Quirk::{q:?}"),
                None => "UNDOCUMENTED".into(),
            };
            writeln!(f, "{} sequences: {}  [{status}]", g.count, g.key)?;
            writeln!(
                f,
                "  shortest ({} calls, from seed {}; results: {} | {} where they differ):",
                g.shortest.calls.len(),
                g.seed,
                self.reference,
                self.subject
            )?;
            write!(f, "{}", g.shortest)?;
        }
        if !self.caps.ipv6 {
            writeln!(f, "skipped: IPv6 (no ::1 on one of the stacks)")?;
        }
        if !self.caps.abstract_names {
            writeln!(f, "skipped: abstract Unix names")?;
        }
        if !self.flaky.is_empty() {
            writeln!(
                f,
                "flaky: {} sequences gave the {} stack different results when repeated (seeds {:?})",
                self.flaky.len(),
                self.reference,
                &self.flaky[..self.flaky.len().min(10)]
            )?;
        }
        let mut by_quirk: Vec<(String, usize)> = Vec::new();
        for g in &self.groups {
            let name = g
                .quirk
                .map_or_else(|| "undocumented".to_string(), |q| format!("Quirk::{q:?}"));
            match by_quirk.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += g.count,
                None => by_quirk.push((name, g.count)),
            }
        }
        by_quirk.sort_by_key(|(_, count)| core::cmp::Reverse(*count));
        if !by_quirk.is_empty() {
            let parts: Vec<String> = by_quirk.iter().map(|(n, c)| format!("{n} {c}")).collect();
            writeln!(f, "diverged by category: {}", parts.join(", "))?;
        }
        let per = |n: usize| {
            if n == 0 {
                0.0
            } else {
                self.elapsed.as_secs_f64() * 1e3 / n as f64
            }
        };
        writeln!(
            f,
            "{} calls in {:.1} s ({:.2} ms per sequence); {} groups of divergences",
            self.calls,
            self.elapsed.as_secs_f64(),
            per(self.sequences),
            self.groups.len()
        )?;
        write!(f, "{}", self.summary())
    }
}
