//! The decoder against barcodes drawn here: a small EAN-13 renderer (digits to modules to
//! pixels, with quiet zones, scaled, blurred, noisy, turned) and the pictures it must refuse.

use super::*;

/// A tiny deterministic random source (xorshift), so that failures repeat.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random ISBN-13 (978 or 979), its check digit right.
fn random_isbn(random: &mut Random) -> [u8; 13] {
    let mut digits = [9, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    digits[2] = if random.below(4) == 0 { 9 } else { 8 };
    for digit in &mut digits[3..12] {
        *digit = random.below(10) as u8;
    }
    let sum: u32 = digits[..12]
        .iter()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    digits[12] = ((10 - sum % 10) % 10) as u8;
    digits
}

fn text(digits: &[u8; 13]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// The 95 modules of the symbol (true for dark), from its 13 digits as given.
fn modules(digits: &[u8; 13]) -> Vec<bool> {
    let mut out = vec![true, false, true];
    let push_runs = |out: &mut Vec<bool>, runs: [u8; 4], dark_first: bool| {
        for (i, &width) in runs.iter().enumerate() {
            let dark = (i % 2 == 0) == dark_first;
            out.extend(std::iter::repeat_n(dark, usize::from(width)));
        }
    };
    let parity = FIRST_DIGIT_PARITY[usize::from(digits[0])];
    for i in 0..6 {
        let mut runs = DIGIT_RUNS[usize::from(digits[i + 1])];
        if parity >> (5 - i) & 1 == 1 {
            runs.reverse();
        }
        push_runs(&mut out, runs, false);
    }
    out.extend([false, true, false, true, false]);
    for i in 0..6 {
        push_runs(&mut out, DIGIT_RUNS[usize::from(digits[i + 7])], true);
    }
    out.extend([true, false, true]);
    assert_eq!(out.len(), 95);
    out
}

/// How a test picture is drawn.
#[derive(Clone, Copy)]
struct Look {
    /// Pixels per module (fractions are drawn by area).
    scale: f32,
    /// Gaussian blur's sigma, in pixels (0 for none).
    blur: f32,
    /// Noise added to each pixel, up to this many gray levels either way.
    noise: u8,
    /// Turned by 180°.
    upside_down: bool,
}

const SHARP: Look = Look {
    scale: 3.0,
    blur: 0.0,
    noise: 0,
    upside_down: false,
};

/// The symbol drawn as a grayscale picture, with quiet zones: (pixels, width, height).
fn render(digits: &[u8; 13], look: Look, random: &mut Random) -> (Vec<u8>, usize, usize) {
    let modules = modules(digits);
    let margin = 14.0 * look.scale;
    let width = (95.0 * look.scale + 2.0 * margin).ceil() as usize;
    let height = 40;
    let coverage = |x: f32| {
        // The dark fraction of pixel [x, x + 1): sampled finely.
        let samples = 8;
        let dark = (0..samples)
            .filter(|s| {
                let at = (x + (*s as f32 + 0.5) / samples as f32 - margin) / look.scale;
                at >= 0.0 && (at as usize) < 95 && modules[at as usize]
            })
            .count();
        dark as f32 / samples as f32
    };
    let mut row: Vec<f32> = (0..width)
        .map(|x| 235.0 - 200.0 * coverage(x as f32))
        .collect();
    if look.blur > 0.0 {
        let reach = (3.0 * look.blur).ceil() as i64;
        let kernel: Vec<f32> = (-reach..=reach)
            .map(|d| (-(d * d) as f32 / (2.0 * look.blur * look.blur)).exp())
            .collect();
        let total: f32 = kernel.iter().sum();
        row = (0..width as i64)
            .map(|x| {
                let sum: f32 = kernel
                    .iter()
                    .enumerate()
                    .map(|(k, w)| {
                        w * row[(x + k as i64 - reach).clamp(0, width as i64 - 1) as usize]
                    })
                    .sum();
                sum / total
            })
            .collect();
    }
    let mut pixels = Vec::with_capacity(width * height);
    for _ in 0..height {
        for &value in &row {
            let noise = if look.noise == 0 {
                0.0
            } else {
                random.below(2 * u64::from(look.noise) + 1) as f32 - f32::from(look.noise)
            };
            pixels.push((value + noise).clamp(0.0, 255.0) as u8);
        }
    }
    if look.upside_down {
        pixels.reverse();
    }
    (pixels, width, height)
}

/// The picture turned 90° (rows become columns).
fn turned(pixels: &[u8], width: usize, height: usize) -> (Vec<u8>, usize, usize) {
    let mut out = Vec::with_capacity(pixels.len());
    for x in 0..width {
        for y in (0..height).rev() {
            out.push(pixels[y * width + x]);
        }
    }
    (out, height, width)
}

fn decodes(digits: &[u8; 13], look: Look, random: &mut Random) -> bool {
    let (pixels, width, height) = render(digits, look, random);
    decode_ean13(&pixels, width, height) == Some(text(digits))
}

#[test]
fn reads_sharp_barcodes_at_many_scales() {
    let mut random = Random(0x5eed_1234);
    for scale in [2.0, 2.5, 3.0, 4.3, 7.0, 11.0] {
        for _ in 0..25 {
            let isbn = random_isbn(&mut random);
            let look = Look { scale, ..SHARP };
            assert!(
                decodes(&isbn, look, &mut random),
                "{} at {scale} px a module",
                text(&isbn)
            );
        }
    }
}

#[test]
fn reads_blurred_noisy_barcodes() {
    let mut random = Random(0xb1u64 << 40 | 0x77);
    let mut failures = Vec::new();
    for scale in [3.0, 3.5, 4.0] {
        for _ in 0..40 {
            let isbn = random_isbn(&mut random);
            let look = Look {
                scale,
                blur: 1.5,
                noise: 16,
                upside_down: false,
            };
            if !decodes(&isbn, look, &mut random) {
                failures.push(format!("{} at {scale}", text(&isbn)));
            }
        }
    }
    assert!(failures.is_empty(), "not read: {failures:?}");
}

#[test]
fn reads_upside_down_and_turned_barcodes() {
    let mut random = Random(42);
    for _ in 0..20 {
        let isbn = random_isbn(&mut random);
        let look = Look {
            blur: 1.0,
            noise: 8,
            upside_down: true,
            ..SHARP
        };
        assert!(
            decodes(&isbn, look, &mut random),
            "{} upside down",
            text(&isbn)
        );
        let (pixels, width, height) = render(&isbn, SHARP, &mut random);
        let (pixels, width, height) = turned(&pixels, width, height);
        assert_eq!(
            decode_ean13(&pixels, width, height),
            Some(text(&isbn)),
            "turned 90°"
        );
    }
}

#[test]
fn reads_the_isbn_of_the_hobbit() {
    let digits = [9, 7, 8, 0, 2, 6, 1, 1, 0, 3, 3, 4, 4];
    let (pixels, width, height) = render(&digits, SHARP, &mut Random(1));
    assert_eq!(
        decode_ean13(&pixels, width, height).as_deref(),
        Some("9780261103344")
    );
}

#[test]
fn refuses_a_wrong_check_digit() {
    let mut random = Random(7);
    for _ in 0..20 {
        let mut isbn = random_isbn(&mut random);
        isbn[12] = (isbn[12] + 1 + random.below(9) as u8) % 10;
        let (pixels, width, height) = render(&isbn, SHARP, &mut random);
        assert_eq!(
            decode_ean13(&pixels, width, height),
            None,
            "{}",
            text(&isbn)
        );
    }
}

#[test]
fn finds_nothing_in_blank_or_noise_pictures() {
    assert_eq!(decode_ean13(&vec![255; 400 * 300], 400, 300), None);
    assert_eq!(decode_ean13(&vec![0; 400 * 300], 400, 300), None);
    let mut random = Random(99);
    for _ in 0..5 {
        let noise: Vec<u8> = (0..640 * 480).map(|_| random.next() as u8).collect();
        assert_eq!(decode_ean13(&noise, 640, 480), None);
    }
    // Vertical stripes of random widths: runs everywhere, no symbol.
    for _ in 0..20 {
        let mut row = Vec::new();
        let mut dark = false;
        while row.len() < 800 {
            let width = 1 + random.below(12) as usize;
            row.extend(std::iter::repeat_n(if dark { 20 } else { 230 }, width));
            dark = !dark;
        }
        row.truncate(800);
        let pixels: Vec<u8> = (0..50).flat_map(|_| row.iter().copied()).collect();
        assert_eq!(decode_ean13(&pixels, 800, 50), None);
    }
}

#[test]
fn refuses_pictures_smaller_than_their_size_says() {
    assert_eq!(decode_ean13(&[0; 10], 100, 100), None);
    assert_eq!(decode_ean13(&[], 0, 0), None);
    assert_eq!(decode_ean13(&[0; 4], usize::MAX, 2), None);
}

#[test]
fn keeps_only_isbns_from_barcode_texts() {
    assert_eq!(
        isbn_from_barcode("9780261103344").as_deref(),
        Some("9780261103344")
    );
    assert_eq!(
        isbn_from_barcode(" 9791032305690\n").as_deref(),
        Some("9791032305690")
    );
    assert_eq!(isbn_from_barcode("9780261103345"), None, "check digit");
    assert_eq!(isbn_from_barcode("4006381333931"), None, "not a book");
    assert_eq!(isbn_from_barcode("978026110334"), None, "12 digits");
    assert_eq!(isbn_from_barcode("978026110334X"), None);
    assert_eq!(isbn_from_barcode("٩٧٨٠٢٦١١٠٣٣٤٤"), None, "not ASCII digits");
}

#[test]
fn turns_rgba_into_gray_on_white_paper() {
    let rgba = [0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255, 0, 0, 0, 0];
    assert_eq!(grayscale_from_rgba(&rgba), vec![0, 255, 76, 255]);
}
