//! The advice: the cheapest honest plan and role mix, and the reasons it gives.

use super::*;

fn work(login: &str, role: Role, people: u32, duties: &[DutyGroup]) -> LoginWork {
    LoginWork {
        login: login.into(),
        role,
        people,
        duties: duties.iter().copied().collect(),
    }
}

fn listed(plan: Plan) -> SeatPlan {
    SeatPlan::new(plan, None)
}

fn codes(advice: &SeatAdvice) -> Vec<ReasonCode> {
    advice.reasons.iter().map(|reason| reason.code).collect()
}

/// DESIGN.md's company: the owner and 8 collaborators (4 on quotes and invoices, 2 on
/// supplier bills, 2 on accounting) behind 5 logins on `plus`.
#[test]
fn problem_company_needs_nine_seats_and_advanced() {
    use DutyGroup::{Accounting, Purchases, Sales};
    let logins = [
        work(
            "owner@build.test",
            Role::PrimaryAdmin,
            1,
            &[Sales, Accounting],
        ),
        work("quotes1@build.test", Role::StandardAll, 2, &[Sales]),
        work("quotes2@build.test", Role::StandardAll, 2, &[Sales]),
        work("bills@build.test", Role::StandardAll, 2, &[Purchases]),
        work(
            "books@build.test",
            Role::StandardAll,
            2,
            &[Accounting, Purchases],
        ),
    ];
    let advice = advise(&logins, listed(Plan::Plus), &PlanCatalog::default());
    assert_eq!(advice.people_observed, 9);
    assert_eq!(advice.current_billable_needed, 9);
    assert_eq!(advice.billable_needed, 9);
    assert_eq!(advice.current_limit, 5);
    assert_eq!(advice.recommended_plan, Plan::Advanced);
    assert_eq!(advice.current_monthly_cents, Some(4700));
    assert_eq!(advice.advised_monthly_cents, Some(10000));
    let mix: Vec<(Role, u32)> = advice.role_mix.iter().map(|(r, n)| (*r, *n)).collect();
    assert_eq!(
        mix,
        vec![
            (Role::PrimaryAdmin, 1),
            (Role::StandardAll, 2),
            (Role::StandardSales, 4),
            (Role::StandardPurchases, 2)
        ]
    );
    assert_eq!(advice.splits.len(), 4);
    let codes = codes(&advice);
    assert!(codes.contains(&ReasonCode::CurrentPlanTooSmall));
    assert!(codes.contains(&ReasonCode::LargerPlanNeeded));
    assert!(advice
        .reasons
        .iter()
        .any(|r| r.message == "9 people need 9 billable seats; plus allows 5"));
}

#[test]
fn honest_small_company_gets_a_cheaper_plan() {
    let logins = [
        work("owner@x", Role::PrimaryAdmin, 1, &[]),
        work("viewer@x", Role::StandardAll, 1, &[DutyGroup::Reports]),
        work("clock@x", Role::StandardAll, 1, &[DutyGroup::Time]),
    ];
    let advice = advise(&logins, listed(Plan::Plus), &PlanCatalog::default());
    // Essentials refuses reports_only, so plus (1 seat, free viewer) and essentials
    // (2 seats) both fit; essentials is cheaper.
    assert_eq!(advice.recommended_plan, Plan::Essentials);
    assert_eq!(advice.billable_needed, 2);
    let codes = codes(&advice);
    assert!(codes.contains(&ReasonCode::CheaperPlanFits));
    assert!(codes.contains(&ReasonCode::FreeRoleNotAllowed));
    assert!(codes.contains(&ReasonCode::RoleFromObservedWork));
}

#[test]
fn shared_accountant_login_counts_beyond_the_free_allowance() {
    let logins = [
        work("owner@x", Role::PrimaryAdmin, 1, &[]),
        work("firm@x", Role::Accountant, 3, &[DutyGroup::Accounting]),
    ];
    let advice = advise(&logins, listed(Plan::SimpleStart), &PlanCatalog::default());
    // Two free accountants on every plan but advanced: the third needs a seat.
    assert_eq!(advice.current_billable_needed, 2);
    assert_eq!(advice.recommended_plan, Plan::Essentials);
    assert!(codes(&advice).contains(&ReasonCode::AccountantBeyondFree));
}

#[test]
fn beyond_advanced_needs_a_custom_plan_and_custom_that_fits_stays() {
    let logins = [work("team@x", Role::StandardSales, 30, &[DutyGroup::Sales])];
    let advice = advise(&logins, listed(Plan::Advanced), &PlanCatalog::default());
    assert_eq!(advice.recommended_plan, Plan::Custom);
    assert_eq!(advice.recommended_limit, 30);
    assert_eq!(advice.advised_monthly_cents, None);
    assert!(codes(&advice).contains(&ReasonCode::NeedsCustomPlan));
    let stay = advise(
        &logins,
        SeatPlan::new(Plan::Custom, Some(40)),
        &PlanCatalog::default(),
    );
    assert_eq!(
        (stay.recommended_plan, stay.recommended_limit),
        (Plan::Custom, 40)
    );
    assert!(codes(&stay).contains(&ReasonCode::CurrentPlanFits));
}

#[test]
fn roles_follow_observed_work() {
    use DutyGroup::*;
    let role = |groups: &[DutyGroup]| role_for_duties(groups.iter().copied().collect());
    assert_eq!(role(&[]), None);
    assert_eq!(role(&[Sales]), Some(Role::StandardSales));
    assert_eq!(role(&[Sales, Time]), Some(Role::StandardSales));
    assert_eq!(role(&[Purchases]), Some(Role::StandardPurchases));
    assert_eq!(role(&[Sales, Purchases]), Some(Role::StandardAll));
    assert_eq!(role(&[Accounting]), Some(Role::StandardAll));
    assert_eq!(role(&[Reports]), Some(Role::ReportsOnly));
    assert_eq!(role(&[Time]), Some(Role::TimeTracking));
    assert_eq!(role(&[Reports, Time]), Some(Role::StandardAll));
}

#[test]
fn shared_admin_login_keeps_one_primary_admin() {
    let logins = [work("owner@x", Role::PrimaryAdmin, 2, &[DutyGroup::Sales])];
    let advice = advise(&logins, listed(Plan::Plus), &PlanCatalog::default());
    assert_eq!(
        advice.splits[0].roles,
        vec![Role::PrimaryAdmin, Role::CompanyAdmin]
    );
}
