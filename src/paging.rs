//! Pages of a list: at most `limit` items after an opaque cursor, with the cursor of the next
//! page, null at the end, so that no list stops silently at a fixed count. Every list of the
//! service (users, sessions, findings, decisions, the books) pages through here.
//!
//! A cursor is the sort key of the last item shown, as base64url of a JSON array of strings,
//! sealed for the list that gave it: an HMAC-SHA256 tag over the list's scope (its path, so
//! its company, and its filters) and the keys, with a key the nodes share. Clients pass it
//! back untouched; a cursor of another list, company or filter, or made up, fails its tag
//! and the request is refused with `invalid_cursor`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use sha2::Sha256;

/// Items of a page when the client names no limit.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page of a list, unless the list allows more (the decision log's CSV export).
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    #[error("is not a cursor of this list: pass back the next_cursor of the previous page")]
    InvalidCursor,
    #[error("must be from 1 to {max}")]
    InvalidLimit { max: i64 },
}

/// Seals cursors to the list that gave them. Kept by the service: clients never see it.
#[derive(Clone)]
pub struct CursorKey([u8; 32]);

/// Bytes of the tag a sealed cursor carries: 128 bits, beyond guessing.
const TAG_BYTES: usize = 16;

impl CursorKey {
    pub fn from_bytes(key: [u8; 32]) -> Self {
        Self(key)
    }

    /// `raw` (a cursor of [`encode_cursor`]) sealed for the list `scope`.
    pub fn seal(&self, scope: &str, raw: &str) -> String {
        let tag = self.tag(scope, raw).finalize().into_bytes();
        format!("{raw}.{}", URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES]))
    }

    /// The raw cursor inside `sealed`, if this key sealed it for `scope`.
    pub fn open(&self, scope: &str, sealed: &str) -> Result<String, PagingError> {
        let (raw, tag) = sealed
            .trim()
            .rsplit_once('.')
            .ok_or(PagingError::InvalidCursor)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| PagingError::InvalidCursor)?;
        if tag.len() != TAG_BYTES {
            return Err(PagingError::InvalidCursor);
        }
        self.tag(scope, raw)
            .verify_truncated_left(&tag)
            .map_err(|_| PagingError::InvalidCursor)?;
        Ok(raw.to_owned())
    }

    fn tag(&self, scope: &str, raw: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key");
        // The scope's length first, so that no (scope, raw) pair reads as another.
        mac.update(&(scope.len() as u64).to_be_bytes());
        mac.update(scope.as_bytes());
        mac.update(raw.as_bytes());
        mac
    }
}

/// The cursor after an item whose sort keys are `keys`.
pub fn encode_cursor(keys: &[&str]) -> String {
    let json = serde_json::to_vec(keys).expect("strings serialize");
    URL_SAFE_NO_PAD.encode(json)
}

/// The `KEYS` sort keys a cursor carries (one for the lists sorted by id).
pub fn decode_cursor<const KEYS: usize>(cursor: &str) -> Result<[String; KEYS], PagingError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| PagingError::InvalidCursor)?;
    let keys: Vec<String> =
        serde_json::from_slice(&bytes).map_err(|_| PagingError::InvalidCursor)?;
    keys.try_into().map_err(|_| PagingError::InvalidCursor)
}

/// `limit` checked against the list's largest page; the default when absent.
pub fn checked_limit(limit: Option<i64>, max: i64) -> Result<i64, PagingError> {
    match limit {
        None => Ok(DEFAULT_LIMIT.min(max)),
        Some(limit) if (1..=max).contains(&limit) => Ok(limit),
        Some(_) => Err(PagingError::InvalidLimit { max }),
    }
}

/// Which page of a list sorted by `KEYS` keys: at most `limit` items after `after`, the keys
/// of the last item of the page before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortedPageRequest<const KEYS: usize> {
    pub limit: i64,
    pub after: Option<[String; KEYS]>,
}

impl<const KEYS: usize> SortedPageRequest<KEYS> {
    /// Parses the client's `limit` and `cursor`.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, PagingError> {
        let after = cursor
            .filter(|text| !text.is_empty())
            .map(decode_cursor::<KEYS>)
            .transpose()?;
        Ok(Self {
            limit: checked_limit(limit, MAX_LIMIT)?,
            after,
        })
    }

    /// What a query fetches: one more than the page, to know whether another page follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

/// Which page of a list sorted by one key (an id; ids grow with time): at most `limit` items
/// after `after`, the key of the last item of the page before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            after: None,
        }
    }
}

impl PageRequest {
    /// Parses the client's `limit` and `cursor` of a list sorted by one key.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, PagingError> {
        let SortedPageRequest { limit, after } = SortedPageRequest::<1>::parse(limit, cursor)?;
        Ok(Self {
            limit,
            after: after.map(|[key]| key),
        })
    }

    /// What a query fetches: one more than the page, to know whether another page follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    pub fn after(&self) -> &str {
        self.after.as_deref().unwrap_or("")
    }
}

/// A request that can start a list and follow its `next` cursor: `every_page` walks a whole
/// list with it.
pub trait FollowPages: Sized {
    /// The first page, as large as a page may be.
    fn first() -> Self;
    /// The page after `cursor`, a `next` this list gave.
    fn following(cursor: &str) -> Self;
}

impl<const KEYS: usize> FollowPages for SortedPageRequest<KEYS> {
    fn first() -> Self {
        Self {
            limit: MAX_LIMIT,
            after: None,
        }
    }

    fn following(cursor: &str) -> Self {
        Self {
            limit: MAX_LIMIT,
            after: Some(decode_cursor::<KEYS>(cursor).expect("a cursor its own list gave")),
        }
    }
}

impl FollowPages for PageRequest {
    fn first() -> Self {
        Self {
            limit: MAX_LIMIT,
            after: None,
        }
    }

    fn following(cursor: &str) -> Self {
        let [key] = decode_cursor::<1>(cursor).expect("a cursor its own list gave");
        Self {
            limit: MAX_LIMIT,
            after: Some(key),
        }
    }
}

/// Every item of a list, page after page, for callers that need all of it (a page's counts,
/// a table of names): the list's own limit never cuts it silently.
pub fn every_page<R: FollowPages, T, E>(
    mut fetch: impl FnMut(&R) -> Result<Page<T>, E>,
) -> Result<Vec<T>, E> {
    let mut items = Vec::new();
    let mut request = R::first();
    loop {
        let page = fetch(&request)?;
        items.extend(page.items);
        match page.next {
            Some(cursor) => request = R::following(&cursor),
            None => return Ok(items),
        }
    }
}

/// One page of a list. It answers `{"items": [...], "next": cursor, "next_cursor": cursor}`:
/// `next` is the name clients already use, `next_cursor` the one the contract documents.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Cuts rows fetched with one more than `limit` into a page; the cursor of the next page
    /// carries the sort keys of its last item.
    pub fn cut<R>(
        mut rows: Vec<R>,
        limit: i64,
        keys_of: impl Fn(&R) -> Vec<String>,
        view: impl FnMut(R) -> T,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let next = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|row| {
                let keys = keys_of(row);
                encode_cursor(&keys.iter().map(String::as_str).collect::<Vec<_>>())
            })
        } else {
            None
        };
        Self {
            items: rows.into_iter().map(view).collect(),
            next,
        }
    }
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut page = serializer.serialize_struct("Page", 3)?;
        page.serialize_field("items", &self.items)?;
        page.serialize_field("next", &self.next)?;
        page.serialize_field("next_cursor", &self.next)?;
        page.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_gives_back_the_keys_it_was_made_of() {
        let cursor = encode_cursor(&["open", "0192-id"]);
        assert_eq!(
            decode_cursor::<2>(&cursor),
            Ok(["open".to_owned(), "0192-id".to_owned()])
        );
    }

    #[test]
    fn a_cursor_of_another_list_or_made_up_is_refused() {
        let two_keys = encode_cursor(&["a", "b"]);
        assert_eq!(
            decode_cursor::<1>(&two_keys),
            Err(PagingError::InvalidCursor)
        );
        for made_up in ["42", "%%%", "", "bm90IGpzb24"] {
            assert_eq!(
                decode_cursor::<1>(made_up),
                Err(PagingError::InvalidCursor),
                "{made_up}"
            );
        }
    }

    #[test]
    fn a_sealed_cursor_opens_only_for_the_list_that_gave_it() {
        let key = CursorKey::from_bytes([7; 32]);
        let raw = encode_cursor(&["0192-id"]);
        let invoices = "/v1/companies/a/invoices?state=open";
        let sealed = key.seal(invoices, &raw);
        assert_eq!(key.open(invoices, &sealed), Ok(raw.clone()));
        for other in [
            "/v1/companies/a/customers?state=open",
            "/v1/companies/b/invoices?state=open",
            "/v1/companies/a/invoices?state=paid",
        ] {
            assert_eq!(key.open(other, &sealed), Err(PagingError::InvalidCursor));
        }
        let other_key = CursorKey::from_bytes([8; 32]);
        assert_eq!(
            other_key.open(invoices, &sealed),
            Err(PagingError::InvalidCursor)
        );
        let forged = format!(
            "{}.{}",
            encode_cursor(&["0193-id"]),
            &sealed[raw.len() + 1..]
        );
        for made_up in [raw.as_str(), forged.as_str(), "", ".", "x.", "WyJhIl0.AAAA"] {
            assert_eq!(
                key.open(invoices, made_up),
                Err(PagingError::InvalidCursor),
                "{made_up}"
            );
        }
    }

    #[test]
    fn a_limit_is_between_one_and_the_largest_page() {
        assert_eq!(checked_limit(None, MAX_LIMIT), Ok(DEFAULT_LIMIT));
        assert_eq!(checked_limit(Some(200), MAX_LIMIT), Ok(200));
        for wrong in [0, -1, 201] {
            assert_eq!(
                checked_limit(Some(wrong), MAX_LIMIT),
                Err(PagingError::InvalidLimit { max: MAX_LIMIT })
            );
        }
    }

    #[test]
    fn a_page_has_a_next_cursor_only_when_more_rows_follow() {
        let rows: Vec<String> = ["a", "b", "c"].map(str::to_owned).to_vec();
        let full = Page::cut(rows.clone(), 2, |row| vec![row.clone()], |row| row);
        assert_eq!(full.items, ["a", "b"]);
        let next = full.next.expect("a next page");
        assert_eq!(decode_cursor::<1>(&next), Ok(["b".to_owned()]));
        let last = Page::cut(rows, 3, |row| vec![row.clone()], |row| row);
        assert_eq!(last.next, None);
        let json = serde_json::to_value(&last).expect("serializes");
        assert!(json["next"].is_null() && json["next_cursor"].is_null());
    }
}
