//! The hash routes of the app (`#/`, `#/books/<id>`, `#/check`, `#/stats`, `#/sync`): parsing and writing them. Plain Rust.
//!
//! Hash routes keep one build working from any sub-path of any static host: the path the host
//! serves never changes, so relative asset URLs always resolve.

use crate::book::BookId;

/// A place in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The catalogue table.
    Catalogue,
    /// One book's page.
    Book(BookId),
    /// "Do I own this?" on its own (a home-screen shortcut).
    Check,
    /// The statistics page.
    Stats,
    /// Sync with the person's CouchDB.
    Sync,
    /// A hash that names nothing; shown as "not found".
    Unknown,
}

impl Route {
    /// The route a location hash (with or without its `#`) names.
    pub fn parse(hash: &str) -> Route {
        let path = hash.strip_prefix('#').unwrap_or(hash);
        let path = path.trim_end_matches('/');
        match path.strip_prefix("/books/") {
            None if path.is_empty() => Route::Catalogue,
            None if path == "/check" => Route::Check,
            None if path == "/stats" => Route::Stats,
            None if path == "/sync" => Route::Sync,
            None => Route::Unknown,
            Some(id) if id.bytes().all(|b| b.is_ascii_digit()) => {
                id.parse().map_or(Route::Unknown, Route::Book)
            }
            Some(_) => Route::Unknown,
        }
    }

    /// The hash that leads here, for links.
    pub fn href(self) -> String {
        match self {
            Route::Catalogue | Route::Unknown => "#/".to_owned(),
            Route::Book(id) => format!("#/books/{id}"),
            Route::Check => "#/check".to_owned(),
            Route::Stats => "#/stats".to_owned(),
            Route::Sync => "#/sync".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_parse_from_hashes() {
        assert_eq!(Route::parse(""), Route::Catalogue);
        assert_eq!(Route::parse("#"), Route::Catalogue);
        assert_eq!(Route::parse("#/"), Route::Catalogue);
        assert_eq!(Route::parse("#/books/1"), Route::Book(1));
        assert_eq!(Route::parse("#/books/42/"), Route::Book(42));
        assert_eq!(Route::parse("#/books/"), Route::Unknown);
        assert_eq!(Route::parse("#/books/abc"), Route::Unknown);
        assert_eq!(Route::parse("#/books/-1"), Route::Unknown);
        assert_eq!(Route::parse("#/books/+1"), Route::Unknown);
        assert_eq!(
            Route::parse("#/books/99999999999999999999999"),
            Route::Unknown
        );
        assert_eq!(Route::parse("#/elsewhere"), Route::Unknown);
        assert_eq!(Route::parse("#/check"), Route::Check);
        assert_eq!(Route::parse("#/stats/"), Route::Stats);
        assert_eq!(Route::parse("#/checks"), Route::Unknown);
        assert_eq!(Route::parse("#/sync"), Route::Sync);
    }

    #[test]
    fn hrefs_round_trip() {
        for route in [
            Route::Catalogue,
            Route::Book(7),
            Route::Check,
            Route::Stats,
            Route::Sync,
        ] {
            assert_eq!(Route::parse(&route.href()), route);
        }
    }
}
