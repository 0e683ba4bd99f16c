//! Policy administration's use cases as both faces call them, over the gate.

mod changes;
mod views;

pub use changes::{
    change_from_editor, change_policies, dry_run, link_template, preview, rollback, test_policies,
    unlink_template, Preview,
};
pub use views::{
    access_review, active_version, diff_versions, editor, explain, explain_on_record, get_version,
    list_versions, own_access, rollback_preview, Editor, RecordQuestion, RollbackPreview,
};
