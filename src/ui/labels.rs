//! What people read for the service's codes: actions by what they do, grouped by the area of
//! the business they belong to, and roles by what the person is. The codes stay in the API,
//! the CSV exports and the policies.

use crate::authz::Action;
use crate::roles::Role;

use super::lang::Lang;

/// The parts of the business actions belong to, in the order pages list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    Sales,
    Purchases,
    Accounting,
    Time,
    Reports,
    Administration,
}

impl Area {
    pub const ALL: [Area; 6] = [
        Area::Sales,
        Area::Purchases,
        Area::Accounting,
        Area::Time,
        Area::Reports,
        Area::Administration,
    ];

    pub fn of(action: Action) -> Self {
        entry(action).0
    }

    pub fn label(self, t: Lang) -> &'static str {
        match self {
            Area::Sales => t.t("Sales", "Ventes"),
            Area::Purchases => t.t("Purchases", "Achats"),
            Area::Accounting => t.t("Accounting", "Comptabilité"),
            Area::Time => t.t("Time tracking", "Suivi du temps"),
            Area::Reports => t.t("Reports", "Rapports"),
            Area::Administration => t.t("Administration", "Administration"),
        }
    }

    /// A code for CSS classes and query values, never shown.
    pub fn code(self) -> &'static str {
        match self {
            Area::Sales => "sales",
            Area::Purchases => "purchases",
            Area::Accounting => "accounting",
            Area::Time => "time",
            Area::Reports => "reports",
            Area::Administration => "administration",
        }
    }

    /// The area's actions, in the schema's order.
    pub fn actions(self) -> impl Iterator<Item = Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(move |&action| Area::of(action) == self)
    }
}

/// An area and its actions, as the pages' action lists group them: each action's code (the
/// value a form sends) and its label.
pub struct ActionGroup {
    pub label: &'static str,
    pub actions: Vec<(&'static str, &'static str)>,
}

/// Every action, grouped by area in the pages' order.
pub fn action_groups(t: Lang) -> Vec<ActionGroup> {
    Area::ALL
        .iter()
        .map(|area| ActionGroup {
            label: area.label(t),
            actions: area
                .actions()
                .map(|action| (action.name(), self::action(t, action)))
                .collect(),
        })
        .collect()
}

/// "Send an invoice" / "Envoyer une facture".
pub fn action(t: Lang, action: Action) -> &'static str {
    let (_, english, french) = entry(action);
    t.t(english, french)
}

/// The label of a stored action name; a name this version does not know is shown as stored.
pub fn action_named(t: Lang, name: &str) -> String {
    Action::parse(name).map_or_else(|| name.to_owned(), |a| action(t, a).to_owned())
}

pub fn role(t: Lang, role: Role) -> &'static str {
    match role {
        Role::PrimaryAdmin => t.t("Primary admin", "Administrateur principal"),
        Role::CompanyAdmin => t.t("Company admin", "Administrateur"),
        Role::StandardAll => t.t("Standard user", "Utilisateur standard"),
        Role::StandardSales => t.t(
            "Standard user, sales only",
            "Utilisateur standard, ventes seulement",
        ),
        Role::StandardPurchases => t.t(
            "Standard user, purchases only",
            "Utilisateur standard, achats seulement",
        ),
        Role::ReportsOnly => t.t("Reports only", "Rapports seulement"),
        Role::TimeTracking => t.t("Time tracking", "Suivi du temps"),
        Role::Accountant => t.t("Accountant", "Expert-comptable"),
    }
}

/// The label of a stored role name; an unknown one is shown as stored.
pub fn role_named(t: Lang, name: &str) -> String {
    Role::parse(name).map_or_else(|| name.to_owned(), |r| role(t, r).to_owned())
}

fn entry(action: Action) -> (Area, &'static str, &'static str) {
    use Action::*;
    use Area::*;
    match action {
        ViewCustomer => (Sales, "View customers", "Voir les clients"),
        CreateCustomer => (Sales, "Create a customer", "Créer un client"),
        UpdateCustomer => (Sales, "Edit a customer", "Modifier un client"),
        ViewEstimate => (Sales, "View quotes", "Voir les devis"),
        CreateEstimate => (Sales, "Create a quote", "Créer un devis"),
        UpdateEstimate => (Sales, "Edit a quote", "Modifier un devis"),
        ConvertEstimate => (
            Sales,
            "Turn a quote into an invoice",
            "Transformer un devis en facture",
        ),
        ViewInvoice => (Sales, "View invoices", "Voir les factures"),
        CreateInvoice => (Sales, "Create an invoice", "Créer une facture"),
        UpdateInvoice => (Sales, "Edit an invoice", "Modifier une facture"),
        SendInvoice => (Sales, "Send an invoice", "Envoyer une facture"),
        VoidInvoice => (Sales, "Void an invoice", "Annuler une facture"),
        ViewCreditNote => (Sales, "View credit notes", "Voir les avoirs"),
        CreateCreditNote => (Sales, "Issue a credit note", "Émettre un avoir"),
        ViewPayment => (Sales, "View payments received", "Voir les encaissements"),
        ReceivePayment => (
            Sales,
            "Record a payment received",
            "Enregistrer un encaissement",
        ),
        ViewVendor => (Purchases, "View suppliers", "Voir les fournisseurs"),
        CreateVendor => (Purchases, "Create a supplier", "Créer un fournisseur"),
        UpdateVendor => (Purchases, "Edit a supplier", "Modifier un fournisseur"),
        ViewBill => (Purchases, "View bills", "Voir les factures d'achat"),
        CreateBill => (Purchases, "Enter a bill", "Saisir une facture d'achat"),
        UpdateBill => (Purchases, "Edit a bill", "Modifier une facture d'achat"),
        ApproveBill => (Purchases, "Approve a bill", "Approuver une facture d'achat"),
        ViewBillPayment => (
            Purchases,
            "View bill payments",
            "Voir les règlements fournisseurs",
        ),
        PayBill => (Purchases, "Pay a bill", "Régler une facture d'achat"),
        ViewAccount => (
            Accounting,
            "View the chart of accounts",
            "Voir le plan comptable",
        ),
        ViewJournalEntry => (Accounting, "View journal entries", "Voir les écritures"),
        PostJournalEntry => (Accounting, "Post a journal entry", "Passer une écriture"),
        ReverseJournalEntry => (
            Accounting,
            "Reverse a journal entry",
            "Contre-passer une écriture",
        ),
        CreateAccount => (Accounting, "Create an account", "Créer un compte"),
        UpdateAccount => (Accounting, "Edit an account", "Modifier un compte"),
        SetClosingDate => (
            Accounting,
            "Set the closing date",
            "Fixer la date de clôture",
        ),
        ViewFinancialReport => (
            Reports,
            "View financial statements",
            "Voir les états financiers",
        ),
        ViewAgedReceivables => (
            Reports,
            "View aged receivables",
            "Voir la balance âgée clients",
        ),
        ViewAgedPayables => (
            Reports,
            "View aged payables",
            "Voir la balance âgée fournisseurs",
        ),
        ViewTimesheet => (Time, "View timesheets", "Voir les feuilles de temps"),
        CreateTimesheet => (Time, "Enter a timesheet", "Saisir une feuille de temps"),
        UpdateTimesheet => (Time, "Edit a timesheet", "Modifier une feuille de temps"),
        ViewUsers => (Administration, "View users", "Voir les utilisateurs"),
        ViewSessions => (Administration, "View sessions", "Voir les sessions"),
        ViewSeats => (Administration, "View seats", "Voir les sièges"),
        ViewDecisions => (
            Administration,
            "Read the decision log",
            "Consulter le journal des décisions",
        ),
        ViewFindings => (Administration, "Read findings", "Consulter les constats"),
        AddUser => (Administration, "Invite a user", "Inviter un utilisateur"),
        UpdateUser => (
            Administration,
            "Change a user's role",
            "Changer le rôle d'un utilisateur",
        ),
        DisableUser => (
            Administration,
            "Disable a user",
            "Désactiver un utilisateur",
        ),
        EnableUser => (Administration, "Enable a user", "Réactiver un utilisateur"),
        RevokeSession => (Administration, "End a session", "Fermer une session"),
        ViewPolicies => (
            Administration,
            "Read the policies",
            "Consulter les politiques",
        ),
        EditPolicies => (
            Administration,
            "Edit the policies",
            "Modifier les politiques",
        ),
        EditSettings => (
            Administration,
            "Change the company settings",
            "Modifier les paramètres de l'entreprise",
        ),
        RunAudit => (
            Administration,
            "Run the seat audit",
            "Lancer l'audit des sièges",
        ),
        ImportSessionEvents => (
            Administration,
            "Import sign-in records",
            "Importer des connexions",
        ),
        UseDecisionPoint => (
            Administration,
            "Ask the decision point",
            "Interroger le point de décision",
        ),
        UpdateFinding => (Administration, "Follow up a finding", "Suivre un constat"),
        ChangePlan => (Administration, "Change the plan", "Changer de forfait"),
        TransferPrimaryAdmin => (
            Administration,
            "Hand over the primary admin",
            "Transmettre l'administration principale",
        ),
        ViewOwnSessions => (Administration, "View own sessions", "Voir ses sessions"),
        RevokeOwnSession => (
            Administration,
            "End own session",
            "Fermer sa propre session",
        ),
        ViewAlertSettings => (
            Administration,
            "Read the alert settings",
            "Consulter les réglages d'alerte",
        ),
        EditAlertSettings => (
            Administration,
            "Change the alert settings",
            "Modifier les réglages d'alerte",
        ),
        ViewAlerts => (
            Administration,
            "Read the alerts sent",
            "Consulter les alertes envoyées",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_action_has_its_own_label_in_each_language() {
        for locale in [Locale::En, Locale::Fr] {
            let t = Lang::new(locale);
            let mut seen = std::collections::HashSet::new();
            for &a in Action::ALL {
                let label = action(t, a);
                assert!(!label.contains('_'), "{label}");
                assert!(seen.insert(label), "{label} twice");
            }
        }
    }

    #[test]
    fn areas_cover_every_action_once() {
        let total: usize = Area::ALL.iter().map(|area| area.actions().count()).sum();
        assert_eq!(total, Action::ALL.len());
        assert_eq!(Area::of(Action::PayBill), Area::Purchases);
    }
}
