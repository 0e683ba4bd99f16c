//! Browser tests of the pages (issue 23).
