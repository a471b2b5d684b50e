//! Generates the tables `query::fold` uses to drop accents: for every character whose canonical
//! decomposition is one base character followed only by combining marks, that base; and the
//! ranges of combining marks. Derived here, at build time, from `unicode-normalization`, so the
//! wasm carries a few kilobytes of table instead of the crate's full decomposition data (~120 KB).

use std::fmt::Write as _;
use std::{env, fs, path::Path};

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

fn main() {
    // The app's wasm keeps the linker's relocations: scripts/split-wasm.mjs needs them to split it
    // into the first page's part and the parts fetched when first used (src/ui/lazy.rs). Only the
    // app's binary (the barcode worker and the tests are not split), and not the benchmark's build.
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32")
        && env::var_os("CARGO_FEATURE_BENCH").is_none()
    {
        println!("cargo::rustc-link-arg-bin=bookshelf=--emit-relocs");
    }
    let mut bases = String::new();
    let mut marks: Vec<(u32, u32)> = Vec::new();
    for code in 0..=0x10FFFFu32 {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        if is_combining_mark(c) {
            match marks.last_mut() {
                Some((_, end)) if *end + 1 == code => *end = code,
                _ => marks.push((code, code)),
            }
            continue;
        }
        let mut decomposed = c.nfd();
        if let Some(base) = decomposed.next() {
            if base != c && decomposed.all(is_combining_mark) {
                let _ = write!(bases, "({code:#x}, {:#x}), ", base as u32);
            }
        }
    }
    let mark_ranges: String = marks
        .iter()
        .map(|(a, b)| format!("({a:#x}, {b:#x}), "))
        .collect();
    let code = format!(
        "/// (character, its base letter without accents), sorted by character.\n\
         const BASES: &[(u32, u32)] = &[{bases}];\n\
         /// Inclusive ranges of combining marks, sorted.\n\
         const MARKS: &[(u32, u32)] = &[{mark_ranges}];\n"
    );
    let out = Path::new(&env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("fold_tables.rs");
    if let Err(error) = fs::write(&out, code) {
        panic!("cannot write {}: {error}", out.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
