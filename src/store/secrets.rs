//! Secrets shared by every node on one database: the first node to ask makes one at random;
//! a node that loses that race reads the winner's.

use diesel::prelude::*;
use rand::RngCore;

use super::schema::service_secrets;
use super::{is_unique_violation, DbConnection, StoreError};

pub(super) fn shared_secret(conn: &mut DbConnection, name: &str) -> Result<[u8; 32], StoreError> {
    let stored = match stored(conn, name)? {
        Some(stored) => stored,
        None => {
            let mut fresh = [0_u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut fresh);
            let made = diesel::insert_into(service_secrets::table)
                .values((
                    service_secrets::name.eq(name),
                    service_secrets::secret.eq(hex::encode(fresh)),
                ))
                .execute(conn);
            match made {
                Ok(_) => return Ok(fresh),
                // Another node made it first: its secret is the one.
                Err(error) if is_unique_violation(&error) => {
                    stored(conn, name)?.ok_or(StoreError::Query(error))?
                }
                Err(error) => return Err(error.into()),
            }
        }
    };
    let mut secret = [0_u8; 32];
    hex::decode_to_slice(stored.trim(), &mut secret)
        .map_err(|e| StoreError::Query(diesel::result::Error::DeserializationError(Box::new(e))))?;
    Ok(secret)
}

fn stored(conn: &mut DbConnection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(service_secrets::table
        .find(name)
        .select(service_secrets::secret)
        .get_result(conn)
        .optional()?)
}
