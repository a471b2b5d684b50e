//! A book's lasting identity (`uid`): given once, kept through edits, export and import, and
//! never given to another book. The numeric id is this browser's key for the book; the uid is
//! the book's name everywhere else (a file, another device, a replica).

use super::{Field, ValidationError, ValidationErrorKind};

/// The longest uid accepted, in characters.
pub const MAX_UID_CHARS: usize = 64;

/// A uid from a file, checked: empty (none yet), or 1 to [`MAX_UID_CHARS`] ASCII letters, digits,
/// `-` and `_`, not starting with `_` (CouchDB keeps those for itself).
pub fn check_uid(text: &str) -> Result<String, ValidationError> {
    let uid = text.trim();
    let well_formed = uid.len() <= MAX_UID_CHARS
        && !uid.starts_with('_')
        && uid
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    if well_formed {
        Ok(uid.to_owned())
    } else {
        Err(ValidationError {
            field: Field::Uid,
            kind: ValidationErrorKind::MalformedUid,
        })
    }
}

/// A random (version 4) UUID from 16 random bytes, lowercase and hyphenated.
pub fn uuid_from_random(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut uid = String::with_capacity(36);
    for (position, byte) in bytes.iter().enumerate() {
        if matches!(position, 4 | 6 | 8 | 10) {
            uid.push('-');
        }
        uid.push(char::from(HEX[usize::from(byte >> 4)]));
        uid.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    uid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_four_and_well_formed() {
        let uid = uuid_from_random([0xff; 16]);
        assert_eq!(uid, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(check_uid(&uid), Ok(uid.clone()));
        assert_eq!(
            uuid_from_random([0; 16]),
            "00000000-0000-4000-8000-000000000000"
        );
    }

    #[test]
    fn uids_from_files_are_checked() {
        assert_eq!(check_uid("  abc-DEF_1 "), Ok("abc-DEF_1".into()));
        assert_eq!(check_uid(""), Ok(String::new()));
        for bad in ["_design", "a b", "é", "x/y", &"a".repeat(65)] {
            let error = check_uid(bad).unwrap_err();
            assert_eq!(error.field, Field::Uid, "{bad}");
            assert!(error.to_string().contains("Identity"), "{error}");
        }
    }
}
