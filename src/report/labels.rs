//! Placing the map's labels so that none covers another or a marker: each label is tried at a
//! few places near what it names, in turn, and takes the first whose box is free and inside the
//! frame. A label no place fits is left out (street names) or, for the few the map must carry
//! (home, entrance reached, route lengths), put at its first place. Each label's box is written
//! on it (`data-box`), so the drawing can be checked mechanically.
//!
//! Written by hand: no crate places SVG labels; the boxes are estimated from the text's length
//! (DejaVu Sans is about 0.6 em a character, bold about 0.66), which errs wide.

/// A box: left, top, right, bottom (SVG units, y down).
pub type Rect = [f64; 4];

/// Where a label's text is anchored: at its start, middle or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    /// The SVG attribute, empty for the default (start).
    pub fn attr(self) -> &'static str {
        match self {
            Anchor::Start => "",
            Anchor::Middle => " text-anchor=\"middle\"",
            Anchor::End => " text-anchor=\"end\"",
        }
    }
}

/// A place to try: the text's anchor point and how it is anchored.
#[derive(Debug, Clone, Copy)]
pub struct Spot {
    pub x: f64,
    pub y: f64,
    pub anchor: Anchor,
}

/// The box of a text of `chars` characters at `size` px, its baseline at `y`.
pub fn text_box(s: Spot, chars: usize, size: f64, bold: bool) -> Rect {
    let w = chars as f64 * size * if bold { 0.66 } else { 0.6 };
    let left = match s.anchor {
        Anchor::Start => s.x,
        Anchor::Middle => s.x - w / 2.0,
        Anchor::End => s.x - w,
    };
    [left, s.y - size * 0.95, left + w, s.y + size * 0.3]
}

fn overlap(a: &Rect, b: &Rect) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The labels placed so far, the markers they must not cover, and the frame they must stay in.
#[derive(Debug, Clone)]
pub struct Placer {
    frame: Rect,
    taken: Vec<Rect>,
}

impl Placer {
    /// A placer for labels inside `frame` (the map's drawn area).
    pub fn new(frame: Rect) -> Placer {
        Placer {
            frame,
            taken: Vec::new(),
        }
    }

    /// Keeps labels off a marker.
    pub fn block(&mut self, b: Rect) {
        self.taken.push(b);
    }

    fn free(&self, b: &Rect) -> bool {
        b[0] >= self.frame[0]
            && b[1] >= self.frame[1]
            && b[2] <= self.frame[2]
            && b[3] <= self.frame[3]
            && !self.taken.iter().any(|t| overlap(t, b))
    }

    /// The first spot whose box is free, taken; `None` when none is.
    pub fn place(
        &mut self,
        spots: &[Spot],
        chars: usize,
        size: f64,
        bold: bool,
    ) -> Option<(Spot, Rect)> {
        let found = spots
            .iter()
            .map(|&s| (s, text_box(s, chars, size, bold)))
            .find(|(_, b)| self.free(b))?;
        self.taken.push(found.1);
        Some(found)
    }

    /// The spots round a point: right, left, above, below, then further out.
    pub fn around(x: f64, y: f64, gap: f64) -> Vec<Spot> {
        let mut v = Vec::new();
        for k in [1.0, 2.2, 3.6] {
            let g = gap * k;
            v.extend([
                Spot {
                    x: x + g,
                    y: y + 4.0,
                    anchor: Anchor::Start,
                },
                Spot {
                    x: x - g,
                    y: y + 4.0,
                    anchor: Anchor::End,
                },
                Spot {
                    x,
                    y: y - g,
                    anchor: Anchor::Middle,
                },
                Spot {
                    x,
                    y: y + g + 8.0,
                    anchor: Anchor::Middle,
                },
                Spot {
                    x: x + g,
                    y: y - g,
                    anchor: Anchor::Start,
                },
                Spot {
                    x: x - g,
                    y: y - g,
                    anchor: Anchor::End,
                },
                Spot {
                    x: x + g,
                    y: y + g + 8.0,
                    anchor: Anchor::Start,
                },
                Spot {
                    x: x - g,
                    y: y + g + 8.0,
                    anchor: Anchor::End,
                },
            ]);
        }
        v
    }
}

/// The `data-box` attribute recording a label's box.
pub fn box_attr(b: &Rect) -> String {
    format!(
        " data-box=\"{} {} {} {}\"",
        super::map::coord(b[0]),
        super::map::coord(b[1]),
        super::map::coord(b[2]),
        super::map::coord(b[3])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_takes_the_first_free_spot_and_none_overlap() {
        let mut p = Placer::new([0.0, 0.0, 400.0, 300.0]);
        p.block([95.0, 95.0, 105.0, 105.0]);
        let spots = Placer::around(100.0, 100.0, 10.0);
        let (a, ba) = p.place(&spots, 10, 12.0, false).unwrap();
        assert_eq!(a.anchor, Anchor::Start);
        let (_, bb) = p.place(&spots, 10, 12.0, false).unwrap();
        assert!(!overlap(&ba, &bb));
        // Near the frame's edge a label goes inwards, or nowhere.
        let mut q = Placer::new([0.0, 0.0, 50.0, 50.0]);
        assert!(q
            .place(&Placer::around(25.0, 25.0, 5.0), 40, 12.0, false)
            .is_none());
    }
}
