//! The detectors: each reads the sessions of one login (and what else it needs: duty
//! actions, self-conflicts) and says what it proves about the people behind it. All are
//! pure: plain data in, signals out; `headcount` takes the largest number any of them proves.

pub mod concurrency;
pub mod conflicts;
pub mod duty;
pub mod handover;
pub mod headcount;
pub mod spread;
#[cfg(test)]
mod test_sessions;
pub mod travel;
