//! Enums stored as text: diesel writes them through `as_str` and reads them through
//! `parse`, so a row carries the type and an unknown stored value is an error, not a guess.
//! The enum derives `diesel::expression::AsExpression` and `diesel::deserialize::FromSqlRow`
//! `#[diesel(sql_type = diesel::sql_types::Text)]`; `text_column!` adds the conversions.

macro_rules! text_column {
    ($type:ty, $what:literal) => {
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $type
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $type
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                                            diesel::sql_types::Text,
                                            DB,
                                        >>::from_sql(bytes)?;
                Self::parse(&text).ok_or_else(|| format!("unknown {} `{text}`", $what).into())
            }
        }
    };
}

pub(crate) use text_column;
