//! Byte offsets to the line and column a person sees in an editor. Parsers (toml, csv) report
//! byte offsets; every message that names a place in a file goes through here, so that the TOML
//! readers (policy overlays, OSM profiles, area manifests) and the CSV reader count lines the
//! same way. Pure: text in, numbers out.

/// The line breaks in `bytes`: LF, CRLF (one break) or a lone CR (old Mac files, which
/// spreadsheets still write), so that a line number matches what an editor shows.
pub fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// The 1-based line and column (in characters, not bytes, so that `é` counts once) of byte
/// `offset` in `text`. An offset past the end means the end; one inside a character means
/// that character.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = line_breaks(before.as_bytes()) + 1;
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The 1-based line of byte `offset` in `text` (see [`line_col`]).
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    line_col(text, offset).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_characters() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 3), (2, 1));
        assert_eq!(line_col("é", 1), (1, 1));
        assert_eq!(line_col("ab", 99), (1, 3));
    }

    #[test]
    fn crlf_is_one_break_and_a_lone_cr_is_one() {
        assert_eq!(line_breaks(b"a\r\nb\nc\rd"), 3);
        assert_eq!(line_col("a\r\nbc", 4), (2, 2));
        assert_eq!(line_col("a\rbc", 3), (2, 2));
    }
}
