//! The seat auditor: seats against the plan, shared credentials, the people behind each
//! login, and the cheapest honest plan.

pub mod advice;
pub mod audit;
pub mod concurrency;
pub mod conflicts;
pub mod duty;
pub mod explain;
pub mod findings;
pub mod headcount;
pub mod index;
pub mod plans;
pub mod spread;
pub mod timeline;
pub mod travel;
