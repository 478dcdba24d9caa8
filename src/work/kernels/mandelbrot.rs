//! `mandelbrot`: bands of rows of a Mandelbrot image over [-2, 1] × [-1.5, 1.5].

use crate::graph::kernel::mandelbrot_escape;

/// The number of pixels in rows `row_from..row_to` of a `size` × `size` image that stay
/// bounded for all `max_iter` iterations, i.e. that are drawn as inside the set. Bands of
/// rows add up to the whole image's count; rows past the image count nothing.
pub fn mandelbrot_rows(size: u32, max_iter: u32, row_from: u32, row_to: u32) -> u64 {
    let mut inside = 0;
    for py in row_from..row_to.min(size) {
        for px in 0..size {
            // One escape loop for the body and its cost model (graph::kernel).
            if mandelbrot_escape(size, px, py, max_iter) == max_iter {
                inside += 1;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_add_up_to_the_whole_image() {
        let whole = mandelbrot_rows(240, 200, 0, 240);
        let bands: u64 = (0..6)
            .map(|i| mandelbrot_rows(240, 200, i * 40, (i + 1) * 40))
            .sum();
        assert_eq!(bands, whole);
        assert!(whole > 0);
    }

    #[test]
    fn the_area_is_close_to_the_known_value() {
        // The Mandelbrot set's area is about 1.5066; the view is 3 × 3 = 9 square units.
        let area = mandelbrot_rows(600, 500, 0, 600) as f64 / (600.0 * 600.0) * 9.0;
        assert!((area - 1.5066).abs() < 0.03, "area {area}");
    }

    #[test]
    fn rows_outside_the_image_are_empty() {
        assert_eq!(mandelbrot_rows(10, 10, 10, 20), 0);
        assert_eq!(mandelbrot_rows(10, 10, 5, 5), 0);
    }
}
