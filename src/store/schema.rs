//! The diesel schema, written once with types both backends share.

diesel::table! {
    companies (id) {
        id -> Text,
        name -> Text,
        plan -> Text,
        custom_seat_limit -> Nullable<BigInt>,
        locale -> Text,
        enforcement_mode -> Text,
        sod_enabled -> Bool,
        closing_date -> Nullable<Date>,
        version -> BigInt,
        lock_seq -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        count_probable_sharing -> Bool,
        policy_version -> BigInt,
        policy_hash -> Nullable<Text>,
        time_zone -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        company_id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        status -> Text,
        invitation_hash -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        company_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        device_id -> Nullable<Text>,
        flagged -> Bool,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        email -> Text,
        ip -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    decision_heads (company_id) {
        company_id -> Text,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    decisions (company_id, seq) {
        id -> Text,
        company_id -> Text,
        seq -> BigInt,
        decided_at -> Timestamp,
        user_id -> Nullable<Text>,
        session_id -> Nullable<Text>,
        action -> Text,
        resource_type -> Text,
        resource_id -> Text,
        decision -> Text,
        policy_ids -> Text,
        errors -> Text,
        client_ip -> Nullable<Text>,
        policy_version -> Text,
        prev_hash -> Text,
        hash -> Text,
        inputs -> Nullable<Text>,
    }
}

diesel::table! {
    policy_versions (company_id, version) {
        company_id -> Text,
        version -> BigInt,
        policies -> Text,
        links -> Text,
        tests -> Nullable<Text>,
        hash -> Text,
        author_id -> Nullable<Text>,
        comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        company_id -> Text,
        name -> Text,
        key_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    self_conflicts (id) {
        id -> Text,
        company_id -> Text,
        user_id -> Text,
        record_type -> Text,
        record_id -> Text,
        losing_session_id -> Text,
        winning_session_id -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    session_events (id) {
        id -> Text,
        company_id -> Text,
        login -> Text,
        event -> Text,
        occurred_at -> Timestamp,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        device_id -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        country -> Nullable<Text>,
        dedup_key -> Text,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    findings (id) {
        id -> Text,
        company_id -> Text,
        kind -> Text,
        severity -> Text,
        state -> Text,
        login -> Nullable<Text>,
        headcount -> BigInt,
        evidence -> Text,
        first_seen -> Timestamp,
        last_seen -> Timestamp,
        fingerprint -> Text,
        resolved_by -> Nullable<Text>,
        resolution_note -> Nullable<Text>,
        state_changed_by -> Nullable<Text>,
        state_changed_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    audit_runs (id) {
        id -> Text,
        company_id -> Text,
        ran_at -> Timestamp,
        triggered_by -> Text,
        sessions_audited -> BigInt,
        logins_audited -> BigInt,
        findings_open -> BigInt,
        summary -> Text,
    }
}

diesel::table! {
    book_counters (company_id, name) {
        company_id -> Text,
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        company_id -> Text,
        name -> Text,
        email -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        version -> BigInt,
        updated_by -> Text,
        updated_by_session -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    vendors (id) {
        id -> Text,
        company_id -> Text,
        name -> Text,
        email -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        version -> BigInt,
        updated_by -> Text,
        updated_by_session -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        company_id -> Text,
        number -> Text,
        name_fr -> Text,
        name_en -> Text,
        class -> Text,
        created_at -> Timestamp,
        version -> BigInt,
        updated_by -> Nullable<Text>,
        updated_by_session -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    estimates (id) {
        id -> Text,
        company_id -> Text,
        number -> Text,
        customer_id -> Text,
        date -> Date,
        due_date -> Date,
        status -> Text,
        total_cents -> BigInt,
        invoice_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        version -> BigInt,
        updated_by -> Text,
        updated_by_session -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invoices (id) {
        id -> Text,
        company_id -> Text,
        number -> Nullable<Text>,
        customer_id -> Text,
        date -> Date,
        due_date -> Date,
        status -> Text,
        total_cents -> BigInt,
        paid_cents -> BigInt,
        estimate_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        version -> BigInt,
        updated_by -> Text,
        updated_by_session -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    bills (id) {
        id -> Text,
        company_id -> Text,
        number -> Text,
        vendor_id -> Text,
        reference -> Nullable<Text>,
        date -> Date,
        due_date -> Date,
        status -> Text,
        total_cents -> BigInt,
        paid_cents -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        version -> BigInt,
        updated_by -> Text,
        updated_by_session -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    document_lines (id) {
        id -> BigInt,
        company_id -> Text,
        document_id -> Text,
        position -> BigInt,
        description -> Text,
        quantity_milli -> BigInt,
        unit_price_cents -> BigInt,
        vat_rate_bp -> BigInt,
        account_number -> Nullable<Text>,
        subtotal_cents -> BigInt,
    }
}

diesel::table! {
    journal_entries (id) {
        id -> Text,
        company_id -> Text,
        number -> BigInt,
        date -> Date,
        memo -> Text,
        source_kind -> Text,
        source_id -> Text,
        total_cents -> BigInt,
        posted_by -> Text,
        posted_by_session -> Nullable<Text>,
        posted_at -> Timestamp,
    }
}

diesel::table! {
    journal_lines (id) {
        id -> BigInt,
        company_id -> Text,
        entry_id -> Text,
        entry_number -> BigInt,
        date -> Date,
        position -> BigInt,
        account_number -> Text,
        debit_cents -> BigInt,
        credit_cents -> BigInt,
        party_id -> Nullable<Text>,
    }
}

diesel::table! {
    payments (id) {
        id -> Text,
        company_id -> Text,
        invoice_id -> Text,
        customer_id -> Text,
        date -> Date,
        amount_cents -> BigInt,
        account_number -> Text,
        journal_entry_id -> Text,
        created_by -> Text,
        created_by_session -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bill_payments (id) {
        id -> Text,
        company_id -> Text,
        bill_id -> Text,
        vendor_id -> Text,
        date -> Date,
        amount_cents -> BigInt,
        account_number -> Text,
        journal_entry_id -> Text,
        created_by -> Text,
        created_by_session -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    timesheets (id) {
        id -> Text,
        company_id -> Text,
        user_id -> Text,
        date -> Date,
        minutes -> BigInt,
        description -> Text,
        created_at -> Timestamp,
        version -> BigInt,
        updated_by -> Text,
        updated_by_session -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    closing_dates (company_id) {
        company_id -> Text,
        version -> BigInt,
        updated_by -> Nullable<Text>,
        updated_by_session -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    closing_date_exceptions (id) {
        id -> Text,
        company_id -> Text,
        user_id -> Text,
        session_id -> Nullable<Text>,
        action -> Text,
        record_type -> Text,
        record_id -> Text,
        record_date -> Date,
        closing_date -> Date,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (company_id, user_id, idempotency_key) {
        company_id -> Text,
        user_id -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> BigInt,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    credit_notes (id) {
        id -> Text,
        company_id -> Text,
        number -> Text,
        invoice_id -> Text,
        customer_id -> Text,
        date -> Date,
        due_date -> Date,
        status -> Text,
        total_cents -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        version -> BigInt,
        updated_by -> Text,
        updated_by_session -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    alert_settings (company_id) {
        company_id -> Text,
        recipients -> Text,
        min_severity -> Text,
        digest_enabled -> Bool,
        version -> BigInt,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    alerts (id) {
        id -> Text,
        company_id -> Text,
        kind -> Text,
        finding_id -> Nullable<Text>,
        recipient -> Text,
        locale -> Text,
        payload -> Text,
        dedup_key -> Text,
        state -> Text,
        attempts -> BigInt,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_leases (job) {
        job -> Text,
        holder -> Text,
        started_at -> Timestamp,
    }
}

diesel::table! {
    service_secrets (name) {
        name -> Text,
        secret -> Text,
    }
}

diesel::joinable!(users -> companies (company_id));
diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(
    companies,
    users,
    sessions,
    login_failures,
    decision_heads,
    decisions,
    api_keys,
    self_conflicts,
    session_events,
    findings,
    audit_runs,
    book_counters,
    customers,
    vendors,
    accounts,
    estimates,
    invoices,
    bills,
    document_lines,
    journal_entries,
    journal_lines,
    payments,
    bill_payments,
    timesheets,
    closing_dates,
    closing_date_exceptions,
    idempotency_keys,
    credit_notes,
    alert_settings,
    alerts,
    job_leases,
    policy_versions,
);
