//! Text in the PNG plots, laid out glyph by glyph as the font says.
//!
//! plotters 0.3.7 draws text in bitmaps through ab_glyph, but it places every glyph's ink box at
//! the pen position, dropping the glyph's left side bearing. Letters whose ink starts left or
//! right of the pen by more than the others (j, g, e in DejaVu Sans) then sit too far right or
//! left: "Shan je", "Gisen yi", "Mu bambiro". The SVGs are fine, since the browser lays text out.
//! [`GlyphFix`] wraps a bitmap backend and draws the strife font's text itself, with each glyph
//! at its pen position plus its bearing, kerning included; everything else goes to the backend
//! it wraps. The layout box (used for anchors and fitting) is plotters' own, which already
//! advances by the glyphs' advance widths with kerning, so text keeps its measured width.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::DrawingBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontFamily,
    FontStyle,
};

use super::theme::FONT;

/// The embedded DejaVu Sans, regular and bold, as ab_glyph fonts (`None` if rejected, when
/// plotters' own drawing is used).
fn fonts() -> Option<&'static (FontRef<'static>, FontRef<'static>)> {
    static FONTS: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let regular = FontRef::try_from_slice(dejavu::sans::regular()).ok()?;
            let bold = FontRef::try_from_slice(dejavu::sans::bold()).ok()?;
            Some((regular, bold))
        })
        .as_ref()
}

/// A drawing backend that draws the strife font's text with correct glyph positions and passes
/// everything else to the backend it wraps.
pub struct GlyphFix<B>(pub B);

impl<B: DrawingBackend> DrawingBackend for GlyphFix<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.0.estimate_text_size(text, style)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let ours = matches!(style.family(), FontFamily::Name(name) if name == FONT);
        let (Some((regular, bold)), true) = (fonts(), ours) else {
            return self.0.draw_text(text, style, pos);
        };
        let font = if matches!(style.style(), FontStyle::Bold) {
            bold
        } else {
            regular
        };
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        // Anchor and rotation exactly as plotters' default `draw_text` does, from its layout box.
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let (w, h) = self.get_size();
        let size = style.size() as f32;
        let scaled = font.as_scaled(PxScale::from(size));
        // The baseline sits where plotters puts it: half the size below the top of the box.
        let baseline = size / 2.0;
        let mut pen = 0.0_f32;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                pen += scaled.kern(p, id);
            }
            previous = Some(id);
            let glyph = id.with_scale_and_position(size, point(pen, baseline));
            pen += scaled.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((x as i32, y as i32, coverage)));
            for (x, y, coverage) in pixels {
                let (x, y) = transform.transform(left + x + dx - min_x, top + y + dy - min_y);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                    let alpha = color.alpha * f64::from(coverage);
                    self.0.draw_pixel(
                        (x, y),
                        BackendColor {
                            alpha,
                            rgb: color.rgb,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use ab_glyph::{Font, PxScale, ScaleFont};
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    use super::{GlyphFix, fonts};
    use crate::output::plot::theme::{ensure_fonts, font};

    /// Size of the test text, pixels: large, so that a bearing is several pixels.
    const SIZE: f64 = 48.0;
    /// Left edge of the text, pixels.
    const LEFT: i32 = 20;

    /// Render `text` in black on white; return its dark pixels `(x, y)`.
    fn ink(text: &str, fixed: bool) -> std::collections::BTreeSet<(usize, usize)> {
        ensure_fonts().expect("fonts");
        let (w, h) = (800u32, 100u32);
        let mut rgb = vec![255u8; (w * h * 3) as usize];
        {
            let backend = BitMapBackend::with_buffer(&mut rgb, (w, h));
            let style = font(SIZE)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Top));
            let element = Text::new(text.to_owned(), (LEFT, 10), style);
            if fixed {
                let root = GlyphFix(backend).into_drawing_area();
                root.draw(&element).expect("draws");
            } else {
                let root = backend.into_drawing_area();
                root.draw(&element).expect("draws");
            }
        }
        (0..h as usize)
            .flat_map(|y| (0..w as usize).map(move |x| (x, y)))
            .filter(|(x, y)| rgb[(y * w as usize + x) * 3] < 128)
            .collect()
    }

    /// For each letter of `word`, how far (pixels) its ink's left edge is from where the font
    /// puts it: the pen position (the advance widths and kerning of the letters before it, as
    /// plotters measures them) plus the letter's left side bearing.
    fn misplacement(word: &str, fixed: bool) -> Vec<(char, i32)> {
        let (regular, _) = fonts().expect("fonts");
        let scaled = regular.as_scaled(PxScale::from(SIZE as f32));
        let chars: Vec<char> = word.chars().collect();
        (1..=chars.len())
            .map(|i| {
                let prefix: String = chars[..i - 1].iter().collect();
                let whole: String = chars[..i].iter().collect();
                let before = ink(&prefix, fixed);
                let new_left = ink(&whole, fixed)
                    .difference(&before)
                    .map(|&(x, _)| x as i32)
                    .min()
                    .expect("the letter has ink");
                // The pen: the advance widths of the letters before, with their kerning.
                let ids: Vec<_> = chars[..i].iter().map(|&c| scaled.glyph_id(c)).collect();
                let pen: f32 = ids[..i - 1]
                    .iter()
                    .map(|&id| scaled.h_advance(id))
                    .sum::<f32>()
                    + ids.windows(2).map(|w| scaled.kern(w[0], w[1])).sum::<f32>();
                // plotters measures the same text to the pixel.
                if !prefix.is_empty() {
                    let measured = font(SIZE).box_size(&prefix).expect("measures").0 as f32;
                    assert!(
                        (measured - pen).abs() <= 1.0,
                        "{prefix}: {measured} vs {pen}"
                    );
                }
                let bearing = scaled.h_side_bearing(ids[i - 1]);
                let expected = LEFT as f32 + pen + bearing;
                (chars[i - 1], new_left - expected.floor() as i32)
            })
            .collect()
    }

    /// Issue 16: every letter sits where the font puts it, to a pixel. plotters' own bitmap
    /// text drops each letter's side bearing ("Shan je", "Cyan gugu", "Mu bambiro").
    #[test]
    fn letters_sit_at_their_pen_position_plus_bearing() {
        for word in ["Shanje", "Cyangugu", "Mubambiro", "Gisenyi", "1.9"] {
            let off: Vec<(char, i32)> = misplacement(word, true)
                .into_iter()
                .filter(|(_, d)| d.abs() > 1)
                .collect();
            assert!(
                off.is_empty(),
                "{word}: letters off by more than 1 px: {off:?}"
            );
        }
        // plotters' own drawing is off by several pixels: if a new plotters is not, GlyphFix
        // can go.
        let worst = misplacement("Mubambiro", false)
            .iter()
            .map(|(_, d)| d.abs())
            .max()
            .unwrap_or(0);
        assert!(
            worst >= 3,
            "plotters' bitmap text is now right (worst {worst} px)"
        );
    }

    /// Issue 16: a full stop sits on the baseline, where the letters end.
    #[test]
    fn stops_sit_on_the_baseline() {
        let letters = ink("1", true);
        let with_stop = ink("1.", true);
        let bottom = |pixels: &std::collections::BTreeSet<(usize, usize)>| {
            pixels.iter().map(|&(_, y)| y).max().expect("ink")
        };
        let stop: std::collections::BTreeSet<(usize, usize)> =
            with_stop.difference(&letters).copied().collect();
        let (one, dot) = (bottom(&letters), bottom(&stop));
        assert!(
            one.abs_diff(dot) <= 1,
            "the 1 ends on row {one}, the stop on {dot}"
        );
    }
}
