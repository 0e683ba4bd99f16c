//! The allows of the action that `act` runs on this thread, held back so that the action
//! queue appends a whole batch's decisions at once, just before its commit. Appending
//! advances the company's chain head, which PostgreSQL then keeps locked until the commit:
//! appended last, it is locked for one statement and the commit instead of the whole batch.
//!
//! Thread-local because an action runs synchronously on the queue's writer thread; the scope
//! is a guard, so an error or a panic never leaves decisions behind for the next action.

use std::cell::RefCell;

use super::decision_log::PendingDecision;

thread_local! {
    static HELD: RefCell<Option<Vec<PendingDecision>>> = const { RefCell::new(None) };
}

/// Holds `decision` for the open scope; gives it back when no scope is open, for the caller
/// to append at once.
pub fn hold(decision: PendingDecision) -> Option<PendingDecision> {
    HELD.with(|held| match held.borrow_mut().as_mut() {
        Some(decisions) => {
            decisions.push(decision);
            None
        }
        None => Some(decision),
    })
}

pub struct Scope(());

impl Scope {
    pub fn begin() -> Self {
        HELD.with(|held| *held.borrow_mut() = Some(Vec::new()));
        Self(())
    }

    /// The decisions held so far, in the order they were made.
    pub fn take(&self) -> Vec<PendingDecision> {
        HELD.with(|held| held.borrow_mut().as_mut().map(std::mem::take))
            .unwrap_or_default()
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        HELD.with(|held| *held.borrow_mut() = None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(id: &str) -> PendingDecision {
        PendingDecision {
            id: id.into(),
            company_id: "c".into(),
            decided_at: crate::clock::now(),
            user_id: None,
            session_id: None,
            action: "view_invoice".into(),
            resource_type: "Invoice".into(),
            resource_id: "i".into(),
            allowed: true,
            policy_ids: Vec::new(),
            errors: Vec::new(),
            client_ip: None,
            policy_version: "v".into(),
            inputs: None,
        }
    }

    #[test]
    fn decisions_are_held_only_inside_a_scope_and_never_outlive_it() {
        assert!(hold(decision("outside")).is_some());
        {
            let scope = Scope::begin();
            assert!(hold(decision("a")).is_none());
            assert!(hold(decision("b")).is_none());
            let held: Vec<String> = scope.take().into_iter().map(|d| d.id).collect();
            assert_eq!(held, ["a", "b"]);
            assert!(hold(decision("left over")).is_none());
        }
        assert!(hold(decision("after")).is_some());
        let scope = Scope::begin();
        assert!(scope.take().is_empty(), "a new scope starts empty");
    }
}
