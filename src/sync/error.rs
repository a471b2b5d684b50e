//! What can go wrong in a sync, each with what to do about it, and the check of the server's
//! address before anything is sent there. Plain Rust.

use std::fmt;

/// Why a sync stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncError {
    /// The address is not a web address.
    BadAddress,
    /// Plain `http://` to another computer: the password would cross the network in clear.
    Insecure,
    /// No database name, or one CouchDB does not allow.
    BadDatabase,
    /// 401 or 403 on a request with the credentials.
    Refused,
    /// The browser blocked the answer: the server does not allow this page's origin.
    NoCors,
    /// The browser is offline.
    Offline,
    /// Nothing answered at the address.
    Unreachable,
    /// The database is missing and could not be made.
    NoDatabase { status: u16 },
    /// The server answered with an error.
    Server { status: u16, reason: String },
    /// The server did not answer within the time allowed.
    TimedOut,
    /// The server's answer was not what the protocol says.
    BadReply(String),
    /// The catalogue here could not be read or written.
    Store(String),
    /// "Stop syncing" was pressed.
    Stopped,
}

/// The result of a sync step.
pub type Result<T> = std::result::Result<T, SyncError>;

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::BadAddress => write!(
                f,
                "The server's address is not a web address: write it like https://couch.example.com"
            ),
            SyncError::Insecure => write!(
                f,
                "Use an https:// address: plain http:// would send the password unencrypted, so it is allowed only to this computer, as http://localhost or http://127.0.0.1."
            ),
            SyncError::BadDatabase => write!(
                f,
                "The database name must start with a lowercase letter and hold only lowercase letters, digits and _$()+-/"
            ),
            SyncError::Refused => write!(
                f,
                "The server refused the user name or password. Check them and try again."
            ),
            SyncError::NoCors => write!(
                f,
                "The server does not allow this page's origin: enable CORS for it (CouchDB: Configuration → CORS)."
            ),
            SyncError::Offline => write!(f, "Offline: changes will go when you are back."),
            SyncError::Unreachable => write!(
                f,
                "Nothing answered at the server's address: check it, and that the server is running."
            ),
            SyncError::NoDatabase { status } => write!(
                f,
                "The database does not exist and this user may not create it (the server said {status}): create it on the server, or sign in as its admin."
            ),
            SyncError::Server { status, reason } => {
                write!(f, "The server answered {status}")?;
                if !reason.is_empty() {
                    write!(f, ": {reason}")?;
                }
                write!(f, ". Try again later.")
            }
            SyncError::TimedOut => write!(
                f,
                "The server did not answer in time. Try again later, or check the server."
            ),
            SyncError::BadReply(what) => write!(
                f,
                "The server's answer was not CouchDB's ({what}): is the address a CouchDB server?"
            ),
            SyncError::Store(what) => write!(f, "{what}"),
            SyncError::Stopped => write!(f, "Stopped."),
        }
    }
}

impl std::error::Error for SyncError {}

/// A checked server address: scheme, host and optional port and path, without a trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAddress(String);

impl ServerAddress {
    /// Checks an address as typed: `https://` anywhere, `http://` only to this computer, no
    /// credentials in it (they go in a header, never in a URL), no query or fragment.
    pub fn parse(text: &str) -> Result<ServerAddress> {
        let text = text.trim().trim_end_matches('/');
        let lower = text.to_ascii_lowercase();
        let (secure, rest) = if let Some(rest) = lower.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = lower.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(SyncError::BadAddress);
        };
        let authority = rest.split('/').next().unwrap_or_default();
        let bad =
            authority.is_empty() || authority.contains('@') || rest.contains(['?', '#', ' ', '\\']);
        if bad {
            return Err(SyncError::BadAddress);
        }
        let host = if authority.starts_with('[') {
            authority.split_inclusive(']').next().unwrap_or(authority)
        } else {
            authority.split(':').next().unwrap_or(authority)
        };
        // The names the Content-Security-Policy's `connect-src` allows over plain http (Chromium
        // does not take an IPv6 literal such as [::1] there).
        let local = matches!(host, "localhost" | "127.0.0.1");
        if !secure && !local {
            return Err(SyncError::Insecure);
        }
        Ok(ServerAddress(text.to_owned()))
    }

    /// The address, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a database name as CouchDB allows them, and writes it for a URL path.
pub fn database_path(name: &str) -> Result<String> {
    let name = name.trim();
    let mut bytes = name.bytes();
    let first_ok = bytes.next().is_some_and(|byte| byte.is_ascii_lowercase());
    let rest_ok = bytes.all(|byte| {
        byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"_$()+-/".contains(&byte)
    });
    if !first_ok || !rest_ok || name.len() > 238 {
        return Err(SyncError::BadDatabase);
    }
    // `/` must be escaped in a database name; `$`, `(`, `)` and `+` are safer escaped too.
    Ok(name
        .replace('$', "%24")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('+', "%2B")
        .replace('/', "%2F"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_before_anything_is_sent() {
        for good in [
            "https://couch.example.com",
            "https://couch.example.com:6984/",
            "https://example.com/couch",
            "http://localhost:5984",
            "http://127.0.0.1:5984/",
            "HTTP://LOCALHOST:5984",
        ] {
            assert!(ServerAddress::parse(good).is_ok(), "{good}");
        }
        assert_eq!(
            ServerAddress::parse("https://x.org/").map(|a| a.as_str().to_owned()),
            Ok("https://x.org".to_owned())
        );
        for (bad, why) in [
            ("http://example.com", SyncError::Insecure),
            ("http://192.168.1.2:5984", SyncError::Insecure),
            ("http://localhost.evil.com", SyncError::Insecure),
            ("http://[::1]:5984", SyncError::Insecure),
            ("http://app.localhost:5984", SyncError::Insecure),
            ("ftp://example.com", SyncError::BadAddress),
            ("example.com", SyncError::BadAddress),
            ("https://user:pass@example.com", SyncError::BadAddress),
            ("https://example.com/?x=1", SyncError::BadAddress),
            ("https://", SyncError::BadAddress),
        ] {
            assert_eq!(ServerAddress::parse(bad), Err(why), "{bad}");
        }
    }

    #[test]
    fn database_names_follow_couchdb() {
        assert_eq!(database_path("books"), Ok("books".into()));
        assert_eq!(
            database_path(" family/books+2 "),
            Ok("family%2Fbooks%2B2".into())
        );
        for bad in ["", "Books", "1books", "_users", "books!", "bö"] {
            assert_eq!(database_path(bad), Err(SyncError::BadDatabase), "{bad}");
        }
    }

    #[test]
    fn the_messages_say_what_to_do() {
        assert!(SyncError::Refused
            .to_string()
            .starts_with("The server refused the user name or password"));
        assert!(SyncError::NoCors
            .to_string()
            .starts_with("The server does not allow this page's origin: enable CORS for it"));
        assert!(SyncError::Offline
            .to_string()
            .starts_with("Offline: changes will go when you are back"));
        assert!(SyncError::Insecure.to_string().contains("https://"));
    }
}
