//! Typed actions: call sites name `Action::ApproveBill`, never a string.

macro_rules! actions {
    ($($variant:ident => $name:literal,)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($variant,)+
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)+];

            /// The action's id in `policies/schema.cedarschema`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)+
                }
            }
        }
    };
}

actions! {
    ViewCustomer => "view_customer",
    CreateCustomer => "create_customer",
    UpdateCustomer => "update_customer",
    ViewEstimate => "view_estimate",
    CreateEstimate => "create_estimate",
    UpdateEstimate => "update_estimate",
    ConvertEstimate => "convert_estimate",
    ViewInvoice => "view_invoice",
    CreateInvoice => "create_invoice",
    UpdateInvoice => "update_invoice",
    SendInvoice => "send_invoice",
    VoidInvoice => "void_invoice",
    ViewCreditNote => "view_credit_note",
    CreateCreditNote => "create_credit_note",
    ViewPayment => "view_payment",
    ReceivePayment => "receive_payment",
    ViewVendor => "view_vendor",
    CreateVendor => "create_vendor",
    UpdateVendor => "update_vendor",
    ViewBill => "view_bill",
    CreateBill => "create_bill",
    UpdateBill => "update_bill",
    ApproveBill => "approve_bill",
    ViewBillPayment => "view_bill_payment",
    PayBill => "pay_bill",
    ViewAccount => "view_account",
    ViewJournalEntry => "view_journal_entry",
    PostJournalEntry => "post_journal_entry",
    ReverseJournalEntry => "reverse_journal_entry",
    CreateAccount => "create_account",
    UpdateAccount => "update_account",
    SetClosingDate => "set_closing_date",
    ViewFinancialReport => "view_financial_report",
    ViewAgedReceivables => "view_aged_receivables",
    ViewAgedPayables => "view_aged_payables",
    ViewTimesheet => "view_timesheet",
    CreateTimesheet => "create_timesheet",
    UpdateTimesheet => "update_timesheet",
    ViewUsers => "view_users",
    ViewSessions => "view_sessions",
    ViewSeats => "view_seats",
    ViewDecisions => "view_decisions",
    ViewFindings => "view_findings",
    AddUser => "add_user",
    UpdateUser => "update_user",
    DisableUser => "disable_user",
    EnableUser => "enable_user",
    RevokeSession => "revoke_session",
    ViewPolicies => "view_policies",
    EditPolicies => "edit_policies",
    EditSettings => "edit_settings",
    RunAudit => "run_audit",
    ImportSessionEvents => "import_session_events",
    UseDecisionPoint => "use_decision_point",
    UpdateFinding => "update_finding",
    ChangePlan => "change_plan",
    TransferPrimaryAdmin => "transfer_primary_admin",
    ViewOwnSessions => "view_own_sessions",
    RevokeOwnSession => "revoke_own_session",
}

impl Action {
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|action| action.name() == name)
    }
}
