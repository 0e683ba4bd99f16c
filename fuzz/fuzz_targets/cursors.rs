//! List cursors as clients send them back (`?cursor=`): any text is a cursor or
//! `invalid_cursor`, never a panic; a cursor made of some keys gives back exactly those keys,
//! and only to a list sorted by as many keys. Sealed cursors open only for the list (scope)
//! that sealed them, and no text opens unless it is exactly what sealing made.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use seatwarden::paging::{
    decode_cursor, encode_cursor, CursorKey, PageRequest, PagingError, SortedPageRequest,
};

fn key() -> &'static CursorKey {
    static KEY: OnceLock<CursorKey> = OnceLock::new();
    KEY.get_or_init(|| CursorKey::from_bytes(*b"fuzz/cursors: a key of 32 bytes!"))
}

fn tag(sealed: &str) -> &str {
    sealed.rsplit_once('.').map_or("", |(_, tag)| tag)
}

/// The input's first line is the list's scope, the rest a cursor sent back for it.
fn sealed(text: &str) {
    let key = key();
    let (scope, candidate) = text
        .split_once('\n')
        .unwrap_or(("/v1/companies/c/invoices", text));
    // Arbitrary text opens only when sealing made exactly it (around blanks a client kept).
    if let Ok(raw) = key.open(scope, candidate) {
        assert_eq!(
            key.seal(scope, &raw),
            candidate.trim(),
            "a forged cursor opened"
        );
    }
    // A cursor the list made opens to what it was made of, and only for that list.
    let raws = [encode_cursor(&[candidate]), candidate.trim().to_owned()];
    for raw in raws {
        let made = key.seal(scope, &raw);
        assert_eq!(key.open(scope, &made), Ok(raw.clone()));
        for other in [candidate, "", "/v1/companies/c/customers"] {
            if other != scope {
                assert_eq!(key.open(other, &made), Err(PagingError::InvalidCursor));
            }
        }
        // The tail of a scope moved to the head of the cursor (`…/invoicesX` + `R` read as
        // `…/invoices` + `XR`) gets another tag: else "XR.tag" would open on the shorter list.
        if let Some(last) = scope.chars().last() {
            let shorter = &scope[..scope.len() - last.len_utf8()];
            let moved = key.seal(shorter, &format!("{last}{raw}"));
            assert_ne!(
                tag(&moved),
                tag(&made),
                "a tag that does not bind its scope"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    sealed(text);
    // Arbitrary text as a cursor, on lists of one and two sort keys.
    let one = decode_cursor::<1>(text);
    let two = decode_cursor::<2>(text);
    assert!(
        one.is_err() || two.is_err(),
        "one cursor for two kinds of list"
    );
    for limit in [None, Some(1), Some(0), Some(i64::MIN), Some(i64::MAX)] {
        let page = PageRequest::parse(limit, Some(text));
        let sorted = SortedPageRequest::<2>::parse(limit, Some(text));
        if let Ok(page) = page {
            assert!((1..=seatwarden::paging::MAX_LIMIT).contains(&page.limit));
            assert!(page.fetch() > page.limit);
        }
        if let Ok(sorted) = sorted {
            assert!((1..=seatwarden::paging::MAX_LIMIT).contains(&sorted.limit));
        }
    }
    // Arbitrary keys (split on a unit separator) survive a round trip.
    let keys: Vec<&str> = text.split('\u{1f}').collect();
    let cursor = encode_cursor(&keys);
    match keys.as_slice() {
        [key] => {
            assert_eq!(decode_cursor::<1>(&cursor), Ok([(*key).to_owned()]));
            assert_eq!(decode_cursor::<2>(&cursor), Err(PagingError::InvalidCursor));
            let page = PageRequest::parse(None, Some(&cursor)).expect("its own cursor");
            assert_eq!(page.after.as_deref(), Some(*key));
        }
        [a, b] => {
            let expected = [(*a).to_owned(), (*b).to_owned()];
            assert_eq!(decode_cursor::<2>(&cursor), Ok(expected));
            assert_eq!(decode_cursor::<1>(&cursor), Err(PagingError::InvalidCursor));
        }
        _ => {
            assert_eq!(decode_cursor::<1>(&cursor), Err(PagingError::InvalidCursor));
            assert_eq!(decode_cursor::<2>(&cursor), Err(PagingError::InvalidCursor));
        }
    }
});
