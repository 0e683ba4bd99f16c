//! A books request parsed into the domain's types: the idempotency key, the closing-date
//! override and version a write names, dates, document lines and payments. A refusal names the
//! field it is about.

use actix_web::HttpRequest;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::books::dates;
use crate::books::documents::{price_document, DocumentError, LineInput, PricedDocument};
use crate::books::lines::DocumentInput;
use crate::books::money::Cents;
use crate::books::payments::PaymentInput;
use crate::books::IdempotencyKey;
use crate::web::error::ApiError;

const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
const OVERRIDE_HEADER: &str = "X-Override-Closing-Date";
const MAX_IDEMPOTENCY_KEY_BYTES: usize = 255;

/// The `Idempotency-Key` of a create, bound to the request it came with: the method, the path
/// and the parsed body, serialized in field order.
pub fn idempotency_key<B: Serialize>(
    req: &HttpRequest,
    body: &B,
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_BYTES {
        return Err(ApiError::invalid_field(
            IDEMPOTENCY_HEADER,
            "must be 1 to 255 visible ASCII characters",
        ));
    }
    let body = serde_json::to_string(body).map_err(|e| ApiError::internal(&e))?;
    let digest = Sha256::new()
        .chain_update(req.method().as_str())
        .chain_update(b"\n")
        .chain_update(req.path())
        .chain_update(b"\n")
        .chain_update(body);
    Ok(Some(IdempotencyKey {
        key: key.to_owned(),
        request_hash: hex::encode(digest.finalize()),
    }))
}

/// Whether the caller asks for the closing-date override, by header or body field.
pub fn override_requested(req: &HttpRequest, from_body: Option<bool>) -> Result<bool, ApiError> {
    let from_header = match req.headers().get(OVERRIDE_HEADER) {
        None => false,
        Some(value) => match value.to_str().unwrap_or_default().trim() {
            "true" => true,
            "false" => false,
            _ => {
                return Err(ApiError::invalid_field(
                    OVERRIDE_HEADER,
                    "must be true or false",
                ))
            }
        },
    };
    Ok(from_header || from_body.unwrap_or(false))
}

/// The version an action starts from, when the caller names one (`If-Match` or `version`).
pub fn optional_version(
    req: &HttpRequest,
    body_version: Option<i64>,
) -> Result<Option<i64>, ApiError> {
    let named = req
        .headers()
        .contains_key(actix_web::http::header::IF_MATCH)
        || body_version.is_some();
    named
        .then(|| crate::http::versions::expected_version(req, body_version))
        .transpose()
}

pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    dates::parse(text).ok_or_else(|| {
        ApiError::invalid_field(field, "must be a date YYYY-MM-DD of the years 1900 to 9999")
    })
}

/// The due date given, or the default terms after `date`; never before `date`.
pub fn resolve_due_date(date: NaiveDate, given: Option<&str>) -> Result<NaiveDate, ApiError> {
    let due = match parse_optional_date("due_date", given)? {
        Some(due) => due,
        None => dates::default_due_date(date).ok_or_else(|| {
            ApiError::invalid_field("due_date", "would fall after 9999-12-31: give one")
        })?,
    };
    if due < date {
        return Err(ApiError::invalid_field(
            "due_date",
            "must not be before date",
        ));
    }
    Ok(due)
}

pub fn parse_optional_date(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    text.map(|t| parse_date(field, t)).transpose()
}

pub fn required_id(field: &str, id: &str) -> Result<String, ApiError> {
    let id = id.trim();
    if id.is_empty() || id.len() > 64 {
        return Err(ApiError::invalid_field(field, "must name a record"));
    }
    Ok(id.to_owned())
}

/// A line of an estimate, invoice or bill as the client sends it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    description: String,
    /// Exact to the thousandth (1.5 hours).
    quantity: f64,
    unit_price_cents: i64,
    /// 2000 is 20 %.
    vat_rate_bp: i64,
    /// The income (invoice) or expense (bill) account; 706 or 606 when absent.
    account_number: Option<String>,
}

/// Parses a document: its party, dates (the due date defaults to 30 days later) and lines.
pub fn parse_document(
    (party_field, party_id): (&str, &str),
    date: &str,
    due_date: Option<&str>,
    lines: &[LineRequest],
) -> Result<DocumentInput, ApiError> {
    let party_id = required_id(party_field, party_id)?;
    let date = parse_date("date", date)?;
    let due_date = resolve_due_date(date, due_date)?;
    Ok(DocumentInput {
        party_id,
        date,
        due_date,
        priced: parse_lines(lines)?,
    })
}

/// Prices a document's lines; a refusal names the line and field.
pub fn parse_lines(lines: &[LineRequest]) -> Result<PricedDocument, ApiError> {
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|line| LineInput {
            description: line.description.clone(),
            quantity: line.quantity,
            unit_price_cents: line.unit_price_cents,
            vat_rate_bp: line.vat_rate_bp,
            account_number: line.account_number.clone(),
        })
        .collect();
    price_document(&inputs).map_err(|error| match &error {
        DocumentError::Line(line) => ApiError::invalid_field(
            &format!("lines[{}].{}", line.index, line.field),
            &line.problem.to_string(),
        ),
        _ => ApiError::invalid_field("lines", &error.to_string()),
    })
}

/// A customer payment or bill payment: the document paid, its date, amount and bank account.
pub fn parse_payment(
    (document_field, document_id): (&str, &str),
    date: &str,
    amount_cents: i64,
    account_number: Option<&str>,
) -> Result<PaymentInput, ApiError> {
    if !(1..=Cents::MAX_AMOUNT.get()).contains(&amount_cents) {
        return Err(ApiError::invalid_field(
            "amount_cents",
            "must be greater than zero and at most 10000000000000",
        ));
    }
    Ok(PaymentInput {
        document_id: required_id(document_field, document_id)?,
        date: parse_date("date", date)?,
        amount_cents: Cents::new(amount_cents),
        account_number: account_number
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
    })
}
