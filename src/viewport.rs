//! The arithmetic of the virtual table: which rows a scroll position shows, how tall the scroll
//! area is, and which blocks of rows to fetch. Browsers cap an element's height (Chrome ~33.5M px,
//! Firefox ~17.9M px), so past [`MAX_SCROLL_PX`] positions are scaled. Plain Rust.

/// The tallest scroll area used; beyond it one pixel stands for more than one row.
pub const MAX_SCROLL_PX: f64 = 8_000_000.0;
/// Rows are fetched in blocks of this many.
pub const BLOCK_ROWS: u64 = 50;
/// Rows read ahead beyond each edge of the screen, so that a short scroll finds them at hand.
pub const READ_AHEAD_ROWS: u64 = 20;
/// The share of the window's height the table may take.
const WINDOW_SHARE: f64 = 0.7;
/// The fewest rows the table shows when the window is small.
const MIN_ROWS_SHOWN: f64 = 5.0;

/// The scroll geometry for `rows` rows of `row_px` pixels in a viewport `viewport_px` tall.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// How many rows there are.
    pub rows: u64,
    /// One row's height in pixels.
    pub row_px: f64,
    /// The visible height of the scroll area in pixels.
    pub viewport_px: f64,
}

impl Viewport {
    /// The table's geometry in a window `window_px` tall: whole rows only, in a share of the
    /// window below a header row of `row_px`, never taller than its rows (so the sticky table
    /// never slides).
    pub fn for_window(rows: u64, row_px: f64, window_px: f64) -> Self {
        let fit = ((window_px * WINDOW_SHARE - row_px) / row_px)
            .floor()
            .max(MIN_ROWS_SHOWN) as u64;
        Viewport {
            rows,
            row_px,
            viewport_px: fit.min(rows.max(1)) as f64 * row_px,
        }
    }

    /// The height of the scroll area's content.
    pub fn scroll_height(&self) -> f64 {
        (self.rows as f64 * self.row_px).min(MAX_SCROLL_PX)
    }

    /// How many rows fit on screen.
    pub fn visible_rows(&self) -> u64 {
        (self.viewport_px / self.row_px.max(1.0)).ceil().max(1.0) as u64
    }

    /// The first row on screen at `scroll_top` (0 at the top; the last screenful at the bottom).
    pub fn first_row(&self, scroll_top: f64) -> u64 {
        let last_first = self.rows.saturating_sub(self.visible_rows());
        let max_scroll = (self.scroll_height() - self.viewport_px).max(0.0);
        if max_scroll <= 0.0 || last_first == 0 {
            return 0;
        }
        let fraction = (scroll_top / max_scroll).clamp(0.0, 1.0);
        ((fraction * last_first as f64).round() as u64).min(last_first)
    }

    /// The scroll position that puts `row` first on screen.
    pub fn scroll_top_for(&self, row: u64) -> f64 {
        let last_first = self.rows.saturating_sub(self.visible_rows());
        let max_scroll = (self.scroll_height() - self.viewport_px).max(0.0);
        if last_first == 0 {
            return 0.0;
        }
        row.min(last_first) as f64 / last_first as f64 * max_scroll
    }

    /// The first row on screen when `row` is brought into view: `row` in the middle of the screen
    /// where the rows allow it.
    pub fn first_row_centering(&self, row: u64) -> u64 {
        let visible = self.visible_rows();
        row.saturating_sub(visible / 2)
            .min(self.rows.saturating_sub(visible))
    }

    /// The rows on screen when the first wanted is `first` (kept within the rows: after the
    /// books shrink, the last screenful).
    pub fn shown(&self, first: u64) -> std::ops::Range<u64> {
        let first = first.min(self.rows.saturating_sub(self.visible_rows()));
        first..(first + self.visible_rows()).min(self.rows)
    }

    /// The rows to have at hand for `first`: those on screen and [`READ_AHEAD_ROWS`] each side.
    pub fn wanted(&self, first: u64) -> std::ops::Range<u64> {
        let shown = self.shown(first);
        shown.start.saturating_sub(READ_AHEAD_ROWS)..(shown.end + READ_AHEAD_ROWS).min(self.rows)
    }
}

/// The blocks that hold `rows`.
pub fn blocks(rows: &std::ops::Range<u64>) -> std::ops::Range<u64> {
    if rows.is_empty() {
        return 0..0;
    }
    rows.start / BLOCK_ROWS..(rows.end - 1) / BLOCK_ROWS + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewport(rows: u64) -> Viewport {
        Viewport {
            rows,
            row_px: 40.0,
            viewport_px: 400.0,
        }
    }

    #[test]
    fn small_catalogues_scroll_row_by_row() {
        let view = viewport(1_000);
        assert_eq!(view.scroll_height(), 40_000.0);
        assert_eq!(view.visible_rows(), 10);
        assert_eq!(view.first_row(0.0), 0);
        assert_eq!(view.first_row(400.0), 10);
        assert_eq!(view.first_row(39_600.0), 990);
        assert_eq!(view.first_row(1e9), 990);
        assert!((view.scroll_top_for(10) - 400.0).abs() < 1e-6);
    }

    #[test]
    fn a_million_rows_fit_under_the_cap_and_reach_the_end() {
        let view = viewport(1_000_000);
        assert_eq!(view.scroll_height(), MAX_SCROLL_PX);
        let bottom = view.scroll_height() - view.viewport_px;
        assert_eq!(view.first_row(bottom), 1_000_000 - 10);
        assert_eq!(view.shown(view.first_row(bottom)).end, 1_000_000);
        let middle = view.first_row(bottom / 2.0);
        assert!((499_990..=500_000).contains(&middle), "{middle}");
        assert_eq!(view.first_row(view.scroll_top_for(123_456)), 123_456);
    }

    #[test]
    fn the_rows_shown_stay_in_range_and_those_read_ahead_add_a_margin() {
        let view = viewport(100);
        assert_eq!(view.shown(0), 0..10);
        assert_eq!(view.shown(50), 50..60);
        assert_eq!(view.shown(95), 90..100);
        assert_eq!(viewport(3).shown(0), 0..3);
        assert_eq!(viewport(0).shown(0), 0..0);
        assert_eq!(view.wanted(0), 0..30);
        assert_eq!(view.wanted(50), 30..80);
        assert_eq!(view.wanted(95), 70..100);
    }

    #[test]
    fn the_table_takes_whole_rows_of_its_share_of_the_window() {
        // 70% of 800 px less the header: 11 rows of 44 px.
        assert_eq!(
            Viewport::for_window(1_000, 44.0, 800.0).viewport_px,
            11.0 * 44.0
        );
        // Never fewer than 5 rows, never more rows than there are (at least one).
        assert_eq!(
            Viewport::for_window(1_000, 44.0, 100.0).viewport_px,
            5.0 * 44.0
        );
        assert_eq!(Viewport::for_window(3, 44.0, 800.0).viewport_px, 3.0 * 44.0);
        assert_eq!(Viewport::for_window(0, 44.0, 800.0).viewport_px, 44.0);
    }

    #[test]
    fn blocks_cover_the_rows_shown() {
        assert_eq!(blocks(&(0..15)), 0..1);
        assert_eq!(blocks(&(45..65)), 0..2);
        assert_eq!(blocks(&(50..100)), 1..2);
        assert_eq!(blocks(&(0..0)), 0..0);
    }

    #[test]
    fn a_row_brought_into_view_sits_mid_screen_within_the_rows() {
        let view = Viewport {
            rows: 1_000,
            row_px: 44.0,
            viewport_px: 440.0,
        };
        assert_eq!(view.visible_rows(), 10);
        assert_eq!(view.first_row_centering(500), 495);
        assert_eq!(view.first_row_centering(3), 0);
        assert_eq!(view.first_row_centering(999), 990);
        let few = Viewport { rows: 4, ..view };
        assert_eq!(few.first_row_centering(3), 0);
    }
}
