//! The arithmetic of the virtual table: which rows a scroll position shows, how tall the scroll
//! area is, and which blocks of rows to fetch. Browsers cap an element's height (Chrome ~33.5M px,
//! Firefox ~17.9M px), so past [`MAX_SCROLL_PX`] positions are scaled. Plain Rust.

/// The tallest scroll area used; beyond it one pixel stands for more than one row.
pub const MAX_SCROLL_PX: f64 = 8_000_000.0;
/// Rows are fetched in blocks of this many.
pub const BLOCK_ROWS: u64 = 50;
/// Rows rendered beyond each edge of the screen.
pub const MARGIN_ROWS: u64 = 5;

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

    /// The rows to render for `first`: the screen plus a margin each side, within the rows.
    pub fn rendered(&self, first: u64) -> std::ops::Range<u64> {
        let start = first.saturating_sub(MARGIN_ROWS);
        let end = (first + self.visible_rows() + MARGIN_ROWS).min(self.rows);
        start.min(end)..end
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
        assert_eq!(view.rendered(view.first_row(bottom)).end, 1_000_000);
        let middle = view.first_row(bottom / 2.0);
        assert!((499_990..=500_000).contains(&middle), "{middle}");
        assert_eq!(view.first_row(view.scroll_top_for(123_456)), 123_456);
    }

    #[test]
    fn rendering_adds_a_margin_and_stays_in_range() {
        let view = viewport(100);
        assert_eq!(view.rendered(0), 0..15);
        assert_eq!(view.rendered(50), 45..65);
        assert_eq!(view.rendered(90), 85..100);
        assert_eq!(viewport(3).rendered(0), 0..3);
        assert_eq!(viewport(0).rendered(0), 0..0);
    }

    #[test]
    fn blocks_cover_the_rendered_rows() {
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
