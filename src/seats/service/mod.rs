//! The seat auditor's use cases over a connection: each authorizes first, then reads or
//! writes in the caller's transaction. The unchecked cores (`read_audit`, `store_audit`,
//! `import_now`) serve the command line and the scheduler, whose operator holds the database.

pub mod audit_runs;
pub mod enforcement;
pub mod finding_pages;
pub mod findings;
pub mod imports;
pub mod seat_counts;
