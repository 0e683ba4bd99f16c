//! Per-company request limits of the decision point, kept per node: they shed load, they do
//! not grant anything, so a node's own count is enough.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

#[derive(Clone)]
pub struct CompanyRateLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
}

impl CompanyRateLimiter {
    pub fn per_second(requests: NonZeroU32) -> Self {
        Self {
            limiter: Arc::new(RateLimiter::keyed(Quota::per_second(requests))),
        }
    }

    /// Takes `cost` requests from the company's budget; false when it is spent.
    pub fn allow(&self, company_id: &str, cost: usize) -> bool {
        let Some(cost) = u32::try_from(cost).ok().and_then(NonZeroU32::new) else {
            return true;
        };
        matches!(
            self.limiter.check_key_n(&company_id.to_owned(), cost),
            Ok(Ok(()))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_past_its_budget_is_refused_and_others_are_not() {
        let limiter = CompanyRateLimiter::per_second(NonZeroU32::new(3).unwrap());
        assert!(limiter.allow("a", 2));
        assert!(limiter.allow("a", 1));
        assert!(!limiter.allow("a", 1));
        assert!(limiter.allow("b", 3));
        assert!(
            !limiter.allow("c", 4),
            "a batch larger than the budget never passes"
        );
    }
}
