//! How a number of bytes is written for people: one way everywhere (footer, errors, limits).

/// Bytes in the "MB" that Bookshelf writes (the binary megabyte that browsers and the import
/// limit count in).
const MB: f64 = 1_048_576.0;

/// "12.3 MB", "200 MB", or "1.5 GB" from 1,024 MB: one decimal, dropped when it is 0.
pub fn size_label(bytes: f64) -> String {
    let megabytes = bytes / MB;
    let (number, unit) = match megabytes >= 1_024.0 {
        true => (megabytes / 1_024.0, "GB"),
        false => (megabytes, "MB"),
    };
    // In tenths, as integers: formatting an `f64` would bring its code and tables into the wasm.
    let tenths = (number * 10.0).round() as u64;
    match tenths % 10 {
        0 => format!("{} {unit}", tenths / 10),
        tenth => format!("{}.{tenth} {unit}", tenths / 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_in_megabytes_or_gigabytes() {
        assert_eq!(size_label(0.0), "0 MB");
        assert_eq!(size_label(200.0 * MB), "200 MB");
        assert_eq!(size_label(12.34 * MB), "12.3 MB");
        assert_eq!(size_label(1_536.0 * MB), "1.5 GB");
        assert_eq!(size_label(0.96 * MB), "1 MB");
        assert_eq!(size_label(2_047.9 * MB), "2 GB");
    }
}
