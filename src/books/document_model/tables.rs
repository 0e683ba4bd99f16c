//! Each kind's storage: the `DocumentTable` (and `EditableTable`, `SettledTable`) a kind's
//! module writes with `document_table!` from its table and columns.

/// The zero a kind without such a column reads (a BIGINT: PostgreSQL reads a bare 0 as INT).
pub fn zero() -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(0 AS BIGINT)")
}

/// Writes the `DocumentTable` (and `EditableTable`, `SettledTable`) of a kind from its table,
/// party column, the expressions its number, paid and credited amounts and link read from, and
/// how its own columns are written.
macro_rules! document_table {
    ($kind:ty => $table:ident {
        party: $party:ident,
        read: ($number:expr, $paid:expr, $credited:expr, $link:expr),
        insert: $insert:expr,
        $(rewrite: $rewrite:expr,)?
        $(settle: $settle:expr,)?
    }) => {
        const _: () = {
            use diesel::prelude::*;
            use $crate::authz::Actor;
            use $crate::books::document_model::{DocumentRow, DocumentTable};
            use $crate::books::PageRequest;
            use $crate::store::schema::$table;
            use $crate::store::DbConnection;

            macro_rules! columns {
                () => {
                    (
                        $table::id,
                        $number,
                        $table::$party,
                        $table::date,
                        $table::due_date,
                        $table::status,
                        $table::total_cents,
                        $paid,
                        $credited,
                        $link,
                        $table::created_by,
                        $table::created_at,
                        $table::version,
                        $table::updated_by,
                        $table::updated_by_session,
                        $table::updated_at,
                    )
                };
            }

            /// The next version, written by `actor` now.
            fn stamped(
                actor: &Actor,
                row: &DocumentRow,
            ) -> (
                diesel::dsl::Eq<$table::version, i64>,
                diesel::dsl::Eq<$table::updated_by, String>,
                diesel::dsl::Eq<$table::updated_by_session, Option<String>>,
                diesel::dsl::Eq<$table::updated_at, chrono::NaiveDateTime>,
            ) {
                (
                    $table::version.eq(row.version + 1),
                    $table::updated_by.eq(actor.user_id.clone()),
                    $table::updated_by_session.eq(actor.session_id.clone()),
                    $table::updated_at.eq($crate::clock::now()),
                )
            }

            impl DocumentTable for $kind {
                fn find_row(
                    conn: &mut DbConnection,
                    company_id: &str,
                    id: &str,
                ) -> QueryResult<Option<DocumentRow>> {
                    $table::table
                        .filter($table::id.eq(id))
                        .filter($table::company_id.eq(company_id))
                        .select(columns!())
                        .get_result(conn)
                        .optional()
                }

                fn page_rows(
                    conn: &mut DbConnection,
                    company_id: &str,
                    request: &PageRequest,
                ) -> QueryResult<Vec<DocumentRow>> {
                    $table::table
                        .filter($table::company_id.eq(company_id))
                        .filter($table::id.gt(request.after()))
                        .order($table::id.asc())
                        .limit(request.fetch())
                        .select(columns!())
                        .load(conn)
                }

                fn insert_row(
                    conn: &mut DbConnection,
                    company_id: &str,
                    row: &DocumentRow,
                ) -> QueryResult<()> {
                    diesel::insert_into($table::table)
                        .values((
                            (
                                $table::id.eq(&row.id),
                                $table::company_id.eq(company_id),
                                $table::$party.eq(&row.party_id),
                                $table::date.eq(row.date),
                                $table::due_date.eq(row.due_date),
                                $table::status.eq(&row.status),
                                $table::total_cents.eq(row.total_cents),
                            ),
                            (
                                $table::created_by.eq(&row.created_by),
                                $table::created_at.eq(row.created_at),
                                $table::version.eq(row.version),
                                $table::updated_by.eq(&row.updated_by),
                                $table::updated_by_session.eq(&row.updated_by_session),
                                $table::updated_at.eq(row.updated_at),
                            ),
                            ($insert)(row),
                        ))
                        .execute(conn)?;
                    Ok(())
                }

                fn advance_row(
                    conn: &mut DbConnection,
                    actor: &Actor,
                    row: &DocumentRow,
                    status: &str,
                ) -> QueryResult<bool> {
                    let changed = diesel::update($table::table.find(&row.id))
                        .filter($table::version.eq(row.version))
                        .set(($table::status.eq(status), stamped(actor, row)))
                        .execute(conn)?;
                    Ok(changed == 1)
                }
            }

            $(
                impl $crate::books::document_model::EditableTable for $kind {
                    fn rewrite_row(
                        conn: &mut DbConnection,
                        actor: &Actor,
                        row: &DocumentRow,
                        draft: &$crate::books::document_model::Draft,
                    ) -> QueryResult<bool> {
                        let document = &draft.document;
                        let changed = diesel::update($table::table.find(&row.id))
                            .filter($table::version.eq(row.version))
                            .set((
                                $table::$party.eq(&document.party_id),
                                $table::date.eq(document.date),
                                $table::due_date.eq(document.due_date),
                                $table::total_cents.eq(document.priced.total_cents().get()),
                                stamped(actor, row),
                                ($rewrite)(row, draft),
                            ))
                            .execute(conn)?;
                        Ok(changed == 1)
                    }
                }
            )?

            $(
                impl $crate::books::document_model::SettledTable for $kind {
                    fn settle_row(
                        conn: &mut DbConnection,
                        actor: &Actor,
                        row: &DocumentRow,
                        status: &str,
                        amounts: (i64, i64),
                    ) -> QueryResult<bool> {
                        let changed = diesel::update($table::table.find(&row.id))
                            .filter($table::version.eq(row.version))
                            .set(($table::status.eq(status), stamped(actor, row), ($settle)(amounts)))
                            .execute(conn)?;
                        Ok(changed == 1)
                    }
                }
            )?
        };
    };
}

pub(crate) use document_table;
