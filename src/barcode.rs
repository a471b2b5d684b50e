//! EAN-13 barcodes read from a grayscale picture (the photo fallback of "Scan barcode"): plain
//! Rust, small enough to ship in its own Web Worker, tested natively.
//!
//! The classic approach: many scanlines across the picture (rows, then columns; each also read
//! backwards, so a barcode turned 90° or upside down is read too), each lightly smoothed and cut
//! into dark and light runs at its peaks and valleys (edges at half the local contrast, placed
//! between pixels, which keeps blurred narrow runs about as wide as drawn); a start guard
//! (1:1:1) and the 59 runs of a symbol whose widths match the EAN-13 patterns within a tolerance
//! (or, failing that, whose bar-plus-space widths do, which blur leaves alone); a right check
//! digit; and a vote across scanlines.

/// Run widths (light, dark, light, dark) of the left-hand odd-parity (L) digit codes, in modules.
/// The even-parity (G) codes are these reversed; the right-hand (R) codes have the same widths,
/// starting with a dark run.
const DIGIT_RUNS: [[u8; 4]; 10] = [
    [3, 2, 1, 1],
    [2, 2, 2, 1],
    [2, 1, 2, 2],
    [1, 4, 1, 1],
    [1, 1, 3, 2],
    [1, 2, 3, 1],
    [1, 1, 1, 4],
    [1, 3, 1, 2],
    [1, 2, 1, 3],
    [3, 1, 1, 2],
];

/// Which of the six left digits use the G code (bit 5 is the first), for each first digit.
const FIRST_DIGIT_PARITY: [u8; 10] = [
    0b000000, 0b001011, 0b001101, 0b001110, 0b010011, 0b011001, 0b011100, 0b010101, 0b010110,
    0b011010,
];

/// The runs of one symbol: guard 3, six digits of 4, middle 5, six digits of 4, guard 3.
const SYMBOL_RUNS: usize = 59;
/// Largest average deviation from a pattern, as a fraction of its width (ZXing's value).
const MAX_AVERAGE_VARIANCE: f32 = 0.48;
/// Largest deviation of one run, in modules (ZXing's value).
const MAX_RUN_VARIANCE: f32 = 0.7;
/// Smallest swings (fractions of a scanline's range) that count as a run between extremes.
const SWINGS: [f32; 2] = [0.06, 0.15];
/// How many extremes on each side set the black and white levels an edge is cut at.
const ENVELOPE: usize = 4;
/// How many scanlines are read in each direction (at most).
const SCANLINES: usize = 48;

/// The 13 digits of the EAN-13 barcode in a grayscale picture (one byte a pixel, row by row),
/// if one is read on at least two scanlines (one if the picture has very few) with a right check
/// digit. Any barcode is returned: the caller keeps the ISBNs (978 and 979).
pub fn decode_ean13(pixels: &[u8], width: usize, height: usize) -> Option<String> {
    if width < 2 || height == 0 || pixels.len() < width.checked_mul(height)? {
        return None;
    }
    let mut votes = Votes::default();
    let mut line = Vec::with_capacity(width.max(height));
    for step in spread(height) {
        line.clear();
        line.extend_from_slice(&pixels[step * width..(step + 1) * width]);
        votes.read_line(&line);
    }
    let needed = if height < 4 { 1 } else { 2 };
    if let Some(found) = votes.winner(needed) {
        return Some(found);
    }
    for column in spread(width) {
        line.clear();
        line.extend((0..height).map(|row| pixels[row * width + column]));
        votes.read_line(&line);
    }
    let needed = if height < 4 || width < 4 { 1 } else { 2 };
    votes.winner(needed)
}

/// The ISBN a barcode's text holds: 13 digits starting 978 or 979 with a right check digit.
pub fn isbn_from_barcode(text: &str) -> Option<String> {
    let bytes = text.trim().as_bytes();
    let digits: [u8; 13] = bytes.try_into().ok()?;
    if !digits.iter().all(u8::is_ascii_digit)
        || !(bytes.starts_with(b"978") || bytes.starts_with(b"979"))
    {
        return None;
    }
    check_digit_is_right(&digits.map(|d| d - b'0')).then(|| text.trim().to_owned())
}

/// A grayscale picture (one byte a pixel) from RGBA pixels (four bytes a pixel, as a canvas's
/// `ImageData` holds them), by luma; a transparent pixel counts as white paper.
pub fn grayscale_from_rgba(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| {
            let luma =
                (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000;
            let alpha = u32::from(p[3]);
            ((luma * alpha + 255 * (255 - alpha)) / 255) as u8
        })
        .collect()
}

/// Up to [`SCANLINES`] indices spread evenly over `0..count`.
fn spread(count: usize) -> impl Iterator<Item = usize> {
    let lines = count.min(SCANLINES);
    (0..lines).map(move |i| (2 * i + 1) * count / (2 * lines))
}

/// The codes read so far and how often each was read.
#[derive(Default)]
struct Votes(Vec<([u8; 13], usize)>);

impl Votes {
    /// Reads one scanline, forwards and backwards, at every swing.
    fn read_line(&mut self, line: &[u8]) {
        let smooth = smoothed(line);
        let mut found: Vec<[u8; 13]> = Vec::new();
        for runs in SWINGS
            .iter()
            .map(|&swing| runs_between_extremes(&smooth, swing))
        {
            // Backwards, the runs must still start with a light one.
            let mut backwards: Runs = if runs.len() % 2 == 0 {
                vec![0.0]
            } else {
                Vec::new()
            };
            backwards.extend(runs.iter().rev());
            for code in [find_symbol(&runs), find_symbol(&backwards)]
                .into_iter()
                .flatten()
            {
                if !found.contains(&code) {
                    found.push(code);
                }
            }
        }
        // A line counts once per code, however many of its readings found it.
        for code in found {
            match self.0.iter_mut().find(|(seen, _)| *seen == code) {
                Some((_, count)) => *count += 1,
                None => self.0.push((code, 1)),
            }
        }
    }

    /// The code read most often, if it was read at least `needed` times.
    fn winner(&self, needed: usize) -> Option<String> {
        let (code, count) = self.0.iter().max_by_key(|(_, count)| *count)?;
        (*count >= needed).then(|| code.iter().map(|d| char::from(b'0' + d)).collect())
    }
}

/// The line blurred by [1, 2, 1] / 4, so that one noisy pixel does not make a run.
fn smoothed(line: &[u8]) -> Vec<f32> {
    let at = |i: usize| f32::from(line[i]);
    let last = line.len() - 1;
    (0..line.len())
        .map(|i| (at(i.saturating_sub(1)) + 2.0 * at(i) + at((i + 1).min(last))) / 4.0)
        .collect()
}

/// Dark and light run widths (pixels, edges placed between pixels), starting with a light run
/// (of width 0 if the line starts dark), found from the line's peaks and valleys: every swing
/// of at least `swing` (a fraction of the line's range) is one run, so noise on a flat stretch
/// makes none, and a blurred narrow bar or space, too shallow to cross a fixed threshold,
/// still makes its own.
fn runs_between_extremes(line: &[f32], swing: f32) -> Runs {
    let (low, high) = line
        .iter()
        .fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let swing = (high - low) * swing;
    // Alternating extremes: (index, is a peak).
    let mut extremes: Vec<(usize, bool)> = Vec::new();
    let mut candidate = 0;
    let mut rising: Option<bool> = None;
    for i in 1..line.len() {
        match rising {
            None => {
                if (line[i] - line[0]).abs() >= swing {
                    let up = line[i] > line[0];
                    // The start is the opposite extreme of the first swing.
                    extremes.push((index_of_extreme(line, 0, i, !up), !up));
                    rising = Some(up);
                    candidate = i;
                }
            }
            Some(up) => {
                let further = if up {
                    line[i] > line[candidate]
                } else {
                    line[i] < line[candidate]
                };
                if further {
                    candidate = i;
                } else if (line[candidate] - line[i]).abs() >= swing {
                    extremes.push((candidate, up));
                    rising = Some(!up);
                    candidate = i;
                }
            }
        }
    }
    if let Some(up) = rising {
        extremes.push((candidate, up));
    }
    let mut widths = Vec::with_capacity(extremes.len() + 1);
    if extremes.first().is_some_and(|&(_, peak)| !peak) {
        widths.push(0.0);
    }
    // The black and white levels around each extreme: its neighbours' deepest valley and highest
    // peak. Blur leaves a narrow run shallow, but still cut at half of the full contrast, much
    // as it was drawn; halfway between its own shallow extreme and the next would widen it.
    let level = |k: usize| {
        let near = &extremes[k.saturating_sub(ENVELOPE)..(k + ENVELOPE + 1).min(extremes.len())];
        let (black, white) = near
            .iter()
            .fold((f32::MAX, f32::MIN), |(b, w), &(i, peak)| {
                if peak {
                    (b, w.max(line[i]))
                } else {
                    (b.min(line[i]), w)
                }
            });
        (black + white) / 2.0
    };
    let mut start = 0.0f32;
    for (k, pair) in extremes.windows(2).enumerate() {
        let ((from, _), (to, _)) = (pair[0], pair[1]);
        let (lower, upper) = (line[from].min(line[to]), line[from].max(line[to]));
        let half = (level(k) + level(k + 1)) / 2.0;
        let middle = if lower < half && half < upper {
            half
        } else {
            (lower + upper) / 2.0
        };
        let above = line[from] > middle;
        let mut j = from + 1;
        while j < to && (line[j] > middle) == above {
            j += 1;
        }
        let (before, after) = (line[j - 1] - middle, line[j] - middle);
        let fraction = if before == after {
            0.5
        } else {
            (before / (before - after)).clamp(0.0, 1.0)
        };
        let edge = ((j - 1) as f32 + fraction).max(start);
        widths.push(edge - start);
        start = edge;
    }
    widths.push(line.len() as f32 - start);
    widths
}

/// Where `line[from..to]` is highest (`peak`) or lowest.
fn index_of_extreme(line: &[f32], from: usize, to: usize, peak: bool) -> usize {
    let mut best = from;
    for i in from..to {
        if (peak && line[i] > line[best]) || (!peak && line[i] < line[best]) {
            best = i;
        }
    }
    best
}

/// Run widths, alternating light and dark, starting with light.
type Runs = Vec<f32>;

/// How far `runs` are from `pattern` (in modules): their average deviation as a fraction of the
/// total width, or infinity if one run is off by more than [`MAX_RUN_VARIANCE`] modules.
fn variance(runs: &[f32], pattern: &[u8]) -> f32 {
    let total: f32 = runs.iter().sum();
    let modules: u32 = pattern.iter().map(|&m| u32::from(m)).sum();
    let unit = total / modules as f32;
    let mut sum = 0.0;
    for (&run, &expected) in runs.iter().zip(pattern) {
        let off = (run - f32::from(expected) * unit).abs();
        if off > MAX_RUN_VARIANCE * unit {
            return f32::INFINITY;
        }
        sum += off;
    }
    sum / total
}

/// The best-matching digit for four runs, and whether it is a G code, if close enough.
///
/// Two readings: the run widths against the patterns (ZXing's), or, when blur has thinned the
/// narrow runs, the distances between similar edges (dark-to-light to dark-to-light: bar plus
/// space), which blur leaves alone, with the dark total telling 1 from 7 and 2 from 8.
fn match_digit(runs: &[f32], allow_g: bool, by_edges: bool) -> Option<(u8, bool)> {
    let unit = runs.iter().sum::<f32>() / 7.0;
    let mut best = (if by_edges { 1.5 } else { MAX_AVERAGE_VARIANCE }, None);
    for (digit, pattern) in DIGIT_RUNS.iter().enumerate() {
        let reversed = [pattern[3], pattern[2], pattern[1], pattern[0]];
        let candidates = [(pattern, false), (&reversed, true)];
        for (candidate, is_g) in candidates.into_iter().take(if allow_g { 2 } else { 1 }) {
            let distance = if by_edges {
                let m = |i: usize| f32::from(candidate[i]);
                let dark = if allow_g { m(1) + m(3) } else { m(0) + m(2) };
                let seen_dark = if allow_g {
                    runs[1] + runs[3]
                } else {
                    runs[0] + runs[2]
                };
                ((runs[0] + runs[1]) / unit - m(0) - m(1)).abs()
                    + ((runs[1] + runs[2]) / unit - m(1) - m(2)).abs()
                    + 0.25 * (seen_dark / unit - dark).abs()
            } else {
                variance(runs, candidate)
            };
            if distance < best.0 {
                best = (distance, Some((digit as u8, is_g)));
            }
        }
    }
    best.1
}

/// The first symbol in `runs` that decodes with a right check digit.
fn find_symbol(runs: &[f32]) -> Option<[u8; 13]> {
    // Dark runs sit at odd indices; a symbol needs a light quiet zone before its start guard.
    (1..runs.len().saturating_sub(SYMBOL_RUNS - 1))
        .step_by(2)
        .find_map(|start| decode_at(runs, start, false).or_else(|| decode_at(runs, start, true)))
}

/// The symbol whose start guard begins at run `start`, if it is one.
fn decode_at(runs: &[f32], start: usize, by_edges: bool) -> Option<[u8; 13]> {
    let symbol = runs.get(start..start + SYMBOL_RUNS)?;
    let guard = &symbol[0..3];
    if variance(guard, &[1, 1, 1]) > MAX_AVERAGE_VARIANCE {
        return None;
    }
    // The quiet zone before the symbol: ZXing asks for as wide as the guard.
    let guard_width: f32 = guard.iter().sum();
    if runs[start - 1] < guard_width {
        return None;
    }
    let mut digits = [0u8; 13];
    let mut parity = 0u8;
    for i in 0..6 {
        let (digit, is_g) = match_digit(&symbol[3 + 4 * i..7 + 4 * i], true, by_edges)?;
        digits[i + 1] = digit;
        parity = parity << 1 | u8::from(is_g);
    }
    digits[0] = FIRST_DIGIT_PARITY.iter().position(|&p| p == parity)? as u8;
    if variance(&symbol[27..32], &[1, 1, 1, 1, 1]) > MAX_AVERAGE_VARIANCE {
        return None;
    }
    for i in 0..6 {
        digits[i + 7] = match_digit(&symbol[32 + 4 * i..36 + 4 * i], false, by_edges)?.0;
    }
    if variance(&symbol[56..59], &[1, 1, 1]) > MAX_AVERAGE_VARIANCE {
        return None;
    }
    // The whole symbol is 95 modules: its parts must agree on the module's width.
    let unit = symbol.iter().sum::<f32>() / 95.0;
    if (guard_width / 3.0 - unit).abs() > 0.5 * unit {
        return None;
    }
    check_digit_is_right(&digits).then_some(digits)
}

/// Does the last digit match the twelve before it (weights 1 and 3)?
fn check_digit_is_right(digits: &[u8; 13]) -> bool {
    let sum: u32 = digits[..12]
        .iter()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    (10 - sum % 10) % 10 == u32::from(digits[12])
}

#[cfg(test)]
mod tests;
