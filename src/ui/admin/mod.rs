//! The admin's pages: users and invitations, alerts and the outbox, company settings,
//! template links and the explain bench.

use actix_web::web;

pub fn configure(_cfg: &mut web::ServiceConfig) {}
