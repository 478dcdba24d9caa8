//! `mandelbrot`: one tile of a Mandelbrot image over [-2, 1] × [-1.5, 1.5].

/// The image a tile belongs to: `size` × `size` pixels cut into `tiles` × `tiles` tiles,
/// each pixel iterated at most `max_iter` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MandelbrotImage {
    pub size: u32,
    pub tiles: u32,
    pub max_iter: u32,
}

/// The number of pixels of tile `index` (row-major, 0-based) that stay bounded for all
/// `max_iter` iterations, i.e. that are drawn as inside the set. The tiles' counts add up
/// to the whole image's count.
pub fn mandelbrot_tile(image: MandelbrotImage, index: u32) -> u64 {
    let MandelbrotImage { size, tiles, max_iter } = image;
    if tiles == 0 || size == 0 || index >= tiles * tiles {
        return 0;
    }
    let (tx, ty) = (index % tiles, index / tiles);
    let x_range = (tx * size / tiles)..((tx + 1) * size / tiles);
    let y_range = (ty * size / tiles)..((ty + 1) * size / tiles);
    let scale = 3.0 / size as f64;
    let mut inside = 0;
    for py in y_range {
        let ci = -1.5 + (py as f64 + 0.5) * scale;
        for px in x_range.clone() {
            let cr = -2.0 + (px as f64 + 0.5) * scale;
            let (mut zr, mut zi) = (0.0f64, 0.0f64);
            let mut i = 0;
            while i < max_iter && zr * zr + zi * zi <= 4.0 {
                let t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                i += 1;
            }
            if i == max_iter {
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
    fn tiles_add_up_to_the_whole_image() {
        let whole = mandelbrot_tile(MandelbrotImage { size: 240, tiles: 1, max_iter: 200 }, 0);
        let tiled: u64 = (0..16).map(|i| mandelbrot_tile(MandelbrotImage { size: 240, tiles: 4, max_iter: 200 }, i)).sum();
        assert_eq!(tiled, whole);
    }

    #[test]
    fn the_area_is_close_to_the_known_value() {
        // The Mandelbrot set's area is about 1.5066; the view is 3 × 3 = 9 square units.
        let img = MandelbrotImage { size: 600, tiles: 1, max_iter: 500 };
        let area = mandelbrot_tile(img, 0) as f64 / (600.0 * 600.0) * 9.0;
        assert!((area - 1.5066).abs() < 0.03, "area {area}");
    }

    #[test]
    fn out_of_range_tiles_are_empty() {
        assert_eq!(mandelbrot_tile(MandelbrotImage { size: 10, tiles: 2, max_iter: 10 }, 4), 0);
        assert_eq!(mandelbrot_tile(MandelbrotImage { size: 10, tiles: 0, max_iter: 10 }, 0), 0);
    }
}
