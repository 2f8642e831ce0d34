//! Date and time functions (`timestamp`, `plantimestamp`, `formatdate`, `timeadd`, `timecmp`).
//!
//! The scan has no clock of its own to trust: `timestamp()` and `plantimestamp()` are known
//! only when Terraform runs, so they stay unknown without a note. `formatdate`, `timeadd` and
//! `timecmp` are not evaluated yet: the evaluator notes them where they are called.

/// Functions whose result exists only when Terraform runs (the clock, random values, the
/// machine's own paths): they give `Unknown` without a note, since no static reading of the
/// configuration could know them.
pub(crate) const KNOWN_ONLY_WHEN_RUN: &[&str] = &[
    "timestamp",
    "plantimestamp",
    "uuid",
    "bcrypt",
    "abspath",
    "pathexpand",
];
