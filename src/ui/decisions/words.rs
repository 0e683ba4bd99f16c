//! The log's codes in people's words: resource types, records by number or name, reports,
//! enforcement modes.

use crate::authz::decision_names::Names;
use crate::authz::ResourceKind;
use crate::ui::lang::Lang;

/// "Invoice" / "Facture".
pub(super) fn kind_label(t: Lang, kind: ResourceKind) -> &'static str {
    use ResourceKind::*;
    match kind {
        Customer => t.t("Customer", "Client"),
        Vendor => t.t("Supplier", "Fournisseur"),
        Account => t.t("Account", "Compte"),
        Estimate => t.t("Quote", "Devis"),
        Invoice => t.t("Invoice", "Facture"),
        Payment => t.t("Payment received", "Encaissement"),
        Bill => t.t("Bill", "Facture d'achat"),
        BillPayment => t.t("Bill payment", "Règlement fournisseur"),
        JournalEntry => t.t("Journal entry", "Écriture"),
        Report => t.t("Report", "Rapport"),
        Timesheet => t.t("Timesheet", "Feuille de temps"),
        Session => t.t("Session", "Session"),
        PolicySet => t.t("Policies", "Politiques"),
        Finding => t.t("Finding", "Constat"),
        Settings => t.t("Company settings", "Paramètres de l'entreprise"),
        AuditData => t.t("Audit data", "Données d'audit"),
        User => t.t("User", "Utilisateur"),
        CreditNote => t.t("Credit note", "Avoir"),
    }
}

fn report_label(t: Lang, report: &str) -> Option<&'static str> {
    Some(match report {
        "profit_and_loss" => t.t("profit and loss", "compte de résultat"),
        "balance_sheet" => t.t("balance sheet", "bilan"),
        "trial_balance" => t.t("trial balance", "balance générale"),
        "aged_receivables" => t.t("aged receivables", "balance âgée clients"),
        "aged_payables" => t.t("aged payables", "balance âgée fournisseurs"),
        _ => return None,
    })
}

/// A resource as people name it: "Invoice F-2026-014", "User Sophie Leroy", "Policies";
/// the type alone when the record has no name to show.
pub(super) fn resource(t: Lang, resource_type: &str, resource_id: &str, names: &Names) -> String {
    let Some(kind) = ResourceKind::parse(resource_type) else {
        return t.t("Other resource", "Autre ressource").to_owned();
    };
    let label = kind_label(t, kind);
    if kind == ResourceKind::Report {
        if let Some(report) = report_label(t, resource_id) {
            return format!("{label} · {report}");
        }
    }
    let named = names.record(resource_type, resource_id).map(str::to_owned);
    let named = named.or_else(|| match resource_id {
        "all" => Some(t.t("all", "tous").to_owned()),
        "own" => Some(t.t("their own", "les siens").to_owned()),
        _ => None,
    });
    match named {
        Some(name) => format!("{label} · {name}"),
        None => label.to_owned(),
    }
}

/// The deciding policies' ids of a stored list.
pub(super) fn policy_ids(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(super) fn enforcement_mode(t: Lang, mode: &str) -> Option<&'static str> {
    Some(match mode {
        "monitor" => t.t("monitor only", "surveillance seule"),
        "deny_new" => t.t("refuse new sessions", "refus des nouvelles sessions"),
        "terminate_oldest" => t.t("end the oldest session", "fin de la plus ancienne session"),
        "enforce" => t.t("enforce", "application stricte"),
        _ => return None,
    })
}
