//! ROLES.md, cell by cell, through the real HTTP stack: one user per role asks the decision
//! point about every action, and each answer must match the rule book.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_status, spawn_app};

/// The action groups of ROLES.md's table.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Group {
    Sales,
    Purchases,
    Journal,
    Accounting,
    AnyBooks,
    FinancialReports,
    AgedReceivables,
    AgedPayables,
    OwnTimesheets,
    Oversight,
    UserAdmin,
    SettingsAdmin,
    Billing,
    OwnSessions,
}

use Group::*;

/// Every action of the schema, the group ROLES.md puts it in, and the resource type it is about.
const ACTIONS: &[(&str, Group, &str)] = &[
    ("view_customer", Sales, "Customer"),
    ("create_customer", Sales, "Customer"),
    ("update_customer", Sales, "Customer"),
    ("view_estimate", Sales, "Estimate"),
    ("create_estimate", Sales, "Estimate"),
    ("update_estimate", Sales, "Estimate"),
    ("convert_estimate", Sales, "Estimate"),
    ("view_invoice", Sales, "Invoice"),
    ("create_invoice", Sales, "Invoice"),
    ("update_invoice", Sales, "Invoice"),
    ("send_invoice", Sales, "Invoice"),
    ("void_invoice", Sales, "Invoice"),
    ("view_payment", Sales, "Payment"),
    ("receive_payment", Sales, "Payment"),
    ("view_vendor", Purchases, "Vendor"),
    ("create_vendor", Purchases, "Vendor"),
    ("update_vendor", Purchases, "Vendor"),
    ("view_bill", Purchases, "Bill"),
    ("create_bill", Purchases, "Bill"),
    ("update_bill", Purchases, "Bill"),
    ("approve_bill", Purchases, "Bill"),
    ("view_bill_payment", Purchases, "BillPayment"),
    ("pay_bill", Purchases, "BillPayment"),
    ("view_account", AnyBooks, "Account"),
    ("view_journal_entry", Journal, "JournalEntry"),
    ("post_journal_entry", Journal, "JournalEntry"),
    ("reverse_journal_entry", Journal, "JournalEntry"),
    ("create_account", Accounting, "Account"),
    ("update_account", Accounting, "Account"),
    ("set_closing_date", Accounting, "Settings"),
    ("view_financial_report", FinancialReports, "Report"),
    ("view_aged_receivables", AgedReceivables, "Report"),
    ("view_aged_payables", AgedPayables, "Report"),
    ("view_timesheet", OwnTimesheets, "Timesheet"),
    ("create_timesheet", OwnTimesheets, "Timesheet"),
    ("update_timesheet", OwnTimesheets, "Timesheet"),
    ("view_users", Oversight, "User"),
    ("view_sessions", Oversight, "Session"),
    ("view_seats", Oversight, "AuditData"),
    ("view_decisions", Oversight, "AuditData"),
    ("view_findings", Oversight, "Finding"),
    ("add_user", UserAdmin, "User"),
    ("update_user", UserAdmin, "User"),
    ("disable_user", UserAdmin, "User"),
    ("enable_user", UserAdmin, "User"),
    ("revoke_session", UserAdmin, "Session"),
    ("view_policies", SettingsAdmin, "PolicySet"),
    ("edit_policies", SettingsAdmin, "PolicySet"),
    ("edit_settings", SettingsAdmin, "Settings"),
    ("run_audit", SettingsAdmin, "Settings"),
    ("import_session_events", SettingsAdmin, "Settings"),
    ("use_decision_point", SettingsAdmin, "Settings"),
    ("update_finding", SettingsAdmin, "Finding"),
    ("view_alert_settings", SettingsAdmin, "Settings"),
    ("edit_alert_settings", SettingsAdmin, "Settings"),
    ("view_alerts", SettingsAdmin, "Settings"),
    ("change_plan", Billing, "Settings"),
    ("transfer_primary_admin", Billing, "User"),
    ("view_own_sessions", OwnSessions, "Session"),
    ("revoke_own_session", OwnSessions, "Session"),
];

/// The "yes" cells of ROLES.md's table, per role.
fn allowed_groups(role: &str) -> BTreeSet<Group> {
    let groups: &[Group] = match role {
        "primary_admin" => &[
            Sales,
            Purchases,
            Journal,
            Accounting,
            FinancialReports,
            AgedReceivables,
            AgedPayables,
            OwnTimesheets,
            Oversight,
            UserAdmin,
            SettingsAdmin,
            Billing,
        ],
        "company_admin" => &[
            Sales,
            Purchases,
            Journal,
            Accounting,
            FinancialReports,
            AgedReceivables,
            AgedPayables,
            OwnTimesheets,
            Oversight,
            UserAdmin,
            SettingsAdmin,
        ],
        "standard_all" => &[
            Sales,
            Purchases,
            Journal,
            FinancialReports,
            AgedReceivables,
            AgedPayables,
            OwnTimesheets,
        ],
        "standard_sales" => &[Sales, AgedReceivables, OwnTimesheets],
        "standard_purchases" => &[Purchases, AgedPayables, OwnTimesheets],
        "reports_only" => &[FinancialReports, AgedReceivables, AgedPayables],
        "time_tracking" => &[OwnTimesheets],
        "accountant" => &[
            Sales,
            Purchases,
            Journal,
            Accounting,
            FinancialReports,
            AgedReceivables,
            AgedPayables,
            Oversight,
        ],
        other => panic!("unknown role {other}"),
    };
    let mut set: BTreeSet<Group> = groups.iter().copied().collect();
    set.insert(OwnSessions);
    if [Sales, Purchases, Journal, Accounting]
        .iter()
        .any(|g| set.contains(g))
    {
        set.insert(AnyBooks);
    }
    set
}

/// A resource of the company that no rule other than the role table forbids: created and
/// posted by someone else, owned by the asker where ownership matters, undated.
fn resource(kind: &str, principal: &str, other_user: &str) -> Value {
    let mut resource = json!({"type": kind, "id": format!("{kind}-1")});
    match kind {
        "Bill" | "JournalEntry" => {
            resource["created_by"] = json!(other_user);
            resource["posted_by"] = json!(other_user);
        }
        "BillPayment" => resource["bill_created_by"] = json!(other_user),
        "Timesheet" => resource["owner"] = json!(principal),
        "Session" => resource["owner"] = json!(principal),
        "User" => {
            resource["id"] = json!(other_user);
            resource["role"] = json!("standard_all");
            resource["active"] = json!(true);
        }
        "Report" => resource["kind_label"] = json!("profit_and_loss"),
        _ => {}
    }
    resource
}

#[tokio::test]
async fn every_cell_of_the_roles_table_decides_as_the_rule_book_says() {
    let app = spawn_app().await;
    let company = app.signup("advanced").await;
    let key = {
        let path = format!("/v1/companies/{}/api-keys", company.id);
        let body = expect_status(
            app.post(&path, Some(&company.admin_token), &json!({"name": "sweep"}))
                .await,
            StatusCode::CREATED,
        )
        .await;
        body["key"].as_str().unwrap().to_owned()
    };
    let (other_user, _) = app.add_user(&company, "standard_all").await;
    let roles = [
        "primary_admin",
        "company_admin",
        "standard_all",
        "standard_sales",
        "standard_purchases",
        "reports_only",
        "time_tracking",
        "accountant",
    ];
    let mut mismatches = Vec::new();
    let mut cells = 0;
    for role in roles {
        let principal = if role == "primary_admin" {
            company.admin_id.clone()
        } else {
            app.add_user(&company, role).await.0
        };
        let requests: Vec<Value> = ACTIONS
            .iter()
            .map(|(action, _, kind)| json!({"principal": {"user_id": principal}, "action": action, "resource": resource(kind, &principal, &other_user)}))
            .collect();
        let mut answers = Vec::new();
        for chunk in requests.chunks(100) {
            let body = expect_status(
                app.post(
                    "/v1/authorize/batch",
                    Some(&key),
                    &json!({"requests": chunk}),
                )
                .await,
                StatusCode::OK,
            )
            .await;
            answers.extend(body["items"].as_array().unwrap().clone());
        }
        let allowed = allowed_groups(role);
        for ((action, group, _), answer) in ACTIONS.iter().zip(answers) {
            cells += 1;
            let expected = if allowed.contains(group) {
                "allow"
            } else {
                "deny"
            };
            if answer["decision"] != expected {
                mismatches.push(format!(
                    "{role} {action}: expected {expected}, got {answer}"
                ));
            }
        }
    }
    assert_eq!(cells, 8 * ACTIONS.len());
    assert!(
        mismatches.is_empty(),
        "{} cells differ from ROLES.md:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
