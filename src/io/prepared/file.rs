//! The prepared file's layout: a header, the payload, then sections, each checked only when it
//! is read, so that a one-home `check` reads (and checks) the payload and the network it
//! measures on, not the source edges or what a batch searches with.
//!
//! The file is mapped into memory rather than read: the network section's arrays are used
//! where they lie (see `network::store`), and the pages a command never touches are never read
//! from disk. `prepare` writes the file beside its destination and renames it into place, so a
//! mapped file is never changed under a reader by this tool.
//!
//! Layout, all little-endian (see `docs/formats.md`):
//! * header: the 16-byte magic, the format version (u32), the payload length (u64), the
//!   payload's SHA-256 (32 bytes) and the file's length (u64), so that a file cut short
//!   between two sections is told from one written without the last;
//! * the payload (postcard), then zeros to a multiple of 8 bytes;
//! * sections to the end of the file, each: kind (u32), zero (u32), body length (u64), the
//!   body's XXH3-128 (16 bytes), the body, then zeros to a multiple of 8 bytes.

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::PreparedError;
use crate::network::Bytes;

/// The first bytes of every prepared area file. The leading non-ASCII byte keeps it from being
/// taken for text (an `area.toml`), as in PNG.
pub const MAGIC: &[u8; 16] = b"\x89SCHOOLRUN-AREA\n";

/// The layout version; bumped whenever the payload or a section changes or the stored sources
/// are read differently. Files of another version are refused with a message to prepare them
/// again.
pub const FORMAT_VERSION: u32 = 6;

/// Magic, version, payload length, payload SHA-256 and file length.
pub(crate) const HEADER_LEN: usize = 16 + 4 + 8 + 32 + 8;

/// Kind, zero, body length and body checksum.
const SECTION_HEAD_LEN: usize = 4 + 4 + 8 + 16;

/// What a section holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The network's source edges as read (postcard): what the network is built from on
    /// another date or with a what-if.
    Edges = 1,
    /// The network as built for the date the file was prepared as of, in flat arrays read in
    /// place (see `network_section`).
    Network = 2,
    /// What a batch searches with: contraction hierarchies (postcard).
    Search = 3,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Edges, Kind::Network, Kind::Search];

    /// The section as messages name it.
    pub(crate) fn words(self) -> &'static str {
        match self {
            Kind::Edges => "source edges",
            Kind::Network => "network",
            Kind::Search => "search",
        }
    }
}

/// Where one section's body lies, with the checksum it must have.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Section {
    pub(crate) kind: Kind,
    pub(crate) body: Range<usize>,
    sum: u128,
}

/// Where the payload and each section lie in a file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub(crate) payload: Range<usize>,
    /// The payload's SHA-256 (checked).
    pub(crate) sha256: [u8; 32],
    sections: Vec<Section>,
}

impl Layout {
    /// The section of `kind`, if the file has one.
    pub(crate) fn section(&self, kind: Kind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }
}

fn align8(n: u64) -> u64 {
    n.div_ceil(8).saturating_mul(8)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// Checks a whole file's header, the payload's checksum and that sections (each of a known
/// kind, at most once) fill the rest of the file; finds where each lies. Sections' own
/// checksums are checked when they are read ([`checked`]). Pure; never panics on any input.
pub(crate) fn layout(bytes: &[u8]) -> Result<Layout, PreparedError> {
    let have = bytes.len() as u64;
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(PreparedError::NotPrepared);
    }
    if bytes.len() < HEADER_LEN {
        return Err(PreparedError::Truncated {
            have,
            need: HEADER_LEN as u64,
        });
    }
    let version = u32::from_le_bytes(bytes[16..20].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(PreparedError::Version {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let whole = u64_at(bytes, 60);
    if have != whole {
        return Err(if have < whole {
            PreparedError::Truncated { have, need: whole }
        } else {
            PreparedError::TrailingBytes {
                extra: have - whole,
            }
        });
    }
    let need = (HEADER_LEN as u64).saturating_add(u64_at(bytes, 20));
    if have < need {
        return Err(PreparedError::Truncated { have, need });
    }
    let payload = HEADER_LEN..need as usize;
    let digest: [u8; 32] = Sha256::digest(&bytes[payload.clone()]).into();
    if digest[..] != bytes[28..60] {
        return Err(PreparedError::Checksum);
    }
    let mut sections: Vec<Section> = Vec::new();
    let mut at = payload.end as u64;
    let mut padding = at..align8(at).min(have);
    loop {
        if bytes[padding.start as usize..padding.end as usize]
            .iter()
            .any(|&b| b != 0)
        {
            return Err(PreparedError::TrailingBytes {
                extra: have - padding.start,
            });
        }
        at = padding.end;
        if at == have {
            break;
        }
        let start = at as usize;
        let kind = bytes
            .get(start..start + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
            .and_then(|k| Kind::ALL.into_iter().find(|c| *c as u32 == k));
        let body_end = (at + SECTION_HEAD_LEN as u64).saturating_add(
            bytes.get(start + 8..start + 16).map_or(u64::MAX, |b| {
                u64::from_le_bytes(b.try_into().expect("8 bytes"))
            }),
        );
        let reserved = bytes.get(start + 4..start + 8).is_some_and(|b| b == [0; 4]);
        let (Some(kind), true) = (kind, body_end <= have && reserved) else {
            return Err(PreparedError::TrailingBytes { extra: have - at });
        };
        if sections.iter().any(|s| s.kind == kind) {
            return Err(PreparedError::TrailingBytes { extra: have - at });
        }
        let sum = u128::from_le_bytes(bytes[start + 16..start + 32].try_into().expect("16"));
        sections.push(Section {
            kind,
            body: start + SECTION_HEAD_LEN..body_end as usize,
            sum,
        });
        padding = body_end..align8(body_end).min(have);
    }
    Ok(Layout {
        payload,
        sha256: digest,
        sections,
    })
}

/// A section's body, once its checksum holds.
pub(crate) fn checked<'a>(bytes: &'a [u8], s: &Section) -> Result<&'a [u8], PreparedError> {
    let body = &bytes[s.body.clone()];
    if xxhash_rust::xxh3::xxh3_128(body) != s.sum {
        return Err(PreparedError::Section {
            section: s.kind.words(),
            why: "does not match its checksum".into(),
        });
    }
    Ok(body)
}

/// A section to write: its kind and its body in pieces (written one after another), so that
/// large arrays are written where they are rather than copied into one buffer.
pub(crate) struct SectionOut<'a> {
    pub(crate) kind: Kind,
    pub(crate) pieces: Vec<Cow<'a, [u8]>>,
}

/// Writes a whole file: header, payload and sections; returns its length.
pub(crate) fn write_file(
    mut w: impl Write,
    payload: &[u8],
    sections: &[SectionOut],
) -> io::Result<u64> {
    let body_len = |s: &SectionOut| s.pieces.iter().map(|p| p.len() as u64).sum::<u64>();
    let whole = sections
        .iter()
        .fold(align8((HEADER_LEN + payload.len()) as u64), |at, s| {
            align8(at + SECTION_HEAD_LEN as u64 + body_len(s))
        });
    w.write_all(MAGIC)?;
    w.write_all(&FORMAT_VERSION.to_le_bytes())?;
    w.write_all(&(payload.len() as u64).to_le_bytes())?;
    w.write_all(&Sha256::digest(payload))?;
    w.write_all(&whole.to_le_bytes())?;
    w.write_all(payload)?;
    let pad = |w: &mut dyn Write, len: u64| w.write_all(&[0u8; 8][..(align8(len) - len) as usize]);
    pad(&mut w, (HEADER_LEN + payload.len()) as u64)?;
    for s in sections {
        let mut sum = xxhash_rust::xxh3::Xxh3::new();
        let mut len = 0u64;
        for p in &s.pieces {
            sum.update(p);
            len += p.len() as u64;
        }
        w.write_all(&(s.kind as u32).to_le_bytes())?;
        w.write_all(&0u32.to_le_bytes())?;
        w.write_all(&len.to_le_bytes())?;
        w.write_all(&sum.digest128().to_le_bytes())?;
        for p in &s.pieces {
            w.write_all(p)?;
        }
        pad(&mut w, len)?;
    }
    Ok(whole)
}

/// A prepared file's bytes, mapped into memory (read into memory where mapping is refused).
pub(crate) struct Mapped(Held);

enum Held {
    Map(memmap2::Mmap),
    /// Whole 8-byte words, so that arrays in it are as aligned as in a mapping; the length is
    /// the file's.
    Read(Vec<u64>, usize),
}

impl Bytes for Mapped {
    fn bytes(&self) -> &[u8] {
        match &self.0 {
            Held::Map(m) => m,
            Held::Read(words, len) => &bytemuck::cast_slice(words)[..*len],
        }
    }
}

/// Maps the file at `path`.
pub(crate) fn map(path: &Path) -> anyhow::Result<Arc<Mapped>> {
    use std::io::Read;
    let cannot = |e: io::Error| anyhow::anyhow!("cannot read {}: {e}", path.display());
    let mut f = std::fs::File::open(path).map_err(cannot)?;
    // SAFETY: the mapping is read-only, and this tool never changes a prepared file in place
    // (`prepare` writes a new file and renames it over the old one, which leaves a mapping of
    // the old one intact). Another program truncating the file while it is read is outside
    // what any reader of a file can guard against.
    if let Ok(m) = unsafe { memmap2::Mmap::map(&f) } {
        return Ok(Arc::new(Mapped(Held::Map(m))));
    }
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(cannot)?;
    let mut words = vec![0u64; bytes.len().div_ceil(8)];
    bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(&bytes);
    Ok(Arc::new(Mapped(Held::Read(words, bytes.len()))))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A file of a payload (not a real one) and sections.
    pub(crate) fn file(payload: &[u8], sections: &[(Kind, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let s: Vec<SectionOut> = sections
            .iter()
            .map(|(kind, body)| SectionOut {
                kind: *kind,
                pieces: vec![Cow::Borrowed(*body), Cow::Borrowed(&[][..])],
            })
            .collect();
        write_file(&mut out, payload, &s).unwrap();
        out
    }

    #[test]
    fn sections_are_found_and_checked_only_when_read() {
        let f = file(b"payload", &[(Kind::Edges, b"abc"), (Kind::Search, b"")]);
        assert_eq!(f.len() % 8, 0);
        let l = layout(&f).unwrap();
        assert_eq!(&f[l.payload.clone()], b"payload");
        let e = l.section(Kind::Edges).unwrap();
        assert_eq!(e.body.start % 8, 0);
        assert_eq!(checked(&f, e).unwrap(), b"abc");
        assert_eq!(checked(&f, l.section(Kind::Search).unwrap()).unwrap(), b"");
        assert!(l.section(Kind::Network).is_none());
        // A flipped byte in a section's body: the layout holds, the section does not.
        let mut v = f.clone();
        v[e.body.start + 1] ^= 1;
        let l2 = layout(&v).unwrap();
        assert!(matches!(
            checked(&v, l2.section(Kind::Edges).unwrap()),
            Err(PreparedError::Section { .. })
        ));
    }

    #[test]
    fn header_errors_are_told_apart() {
        let good = file(b"not a real payload", &[]);
        let err = |b: &[u8]| layout(b).unwrap_err();
        assert_eq!(err(b"name = \"x\"\n"), PreparedError::NotPrepared);
        assert_eq!(
            err(&good[..5]),
            PreparedError::Truncated { have: 5, need: 68 }
        );
        assert_eq!(err(&[]), PreparedError::Truncated { have: 0, need: 68 });
        let n = good.len() as u64;
        assert_eq!(
            err(&good[..70]),
            PreparedError::Truncated { have: 70, need: n }
        );
        let mut v = good.clone();
        v[16] = 9;
        assert_eq!(
            err(&v),
            PreparedError::Version {
                found: 9,
                supported: FORMAT_VERSION
            }
        );
        let mut v = good.clone();
        v.push(0);
        assert!(matches!(err(&v), PreparedError::TrailingBytes { .. }));
        let mut v = good.clone();
        v[HEADER_LEN] ^= 1;
        assert_eq!(err(&v), PreparedError::Checksum);
        // Huge lengths never allocate or overflow.
        for at in [20, 60] {
            let mut v = good.clone();
            v[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
            assert!(matches!(err(&v), PreparedError::Truncated { .. }));
        }
    }

    #[test]
    fn every_cut_and_every_flipped_byte_is_an_error_not_a_panic() {
        let good = file(
            b"payload",
            &[(Kind::Edges, b"abcdefghij"), (Kind::Search, b"x")],
        );
        let sections_hold = |b: &[u8]| {
            layout(b).and_then(|l| {
                l.sections
                    .iter()
                    .try_for_each(|s| checked(b, s).map(|_| ()))
            })
        };
        for cut in 0..good.len() {
            assert!(sections_hold(&good[..cut]).is_err(), "cut at {cut}");
        }
        for i in 0..good.len() {
            let mut v = good.clone();
            v[i] ^= 0x40;
            assert!(sections_hold(&v).is_err(), "byte {i}");
        }
        // A section of an unknown kind, or twice the same, is not this tool's.
        let twice = file(b"p", &[(Kind::Edges, b"a"), (Kind::Edges, b"b")]);
        assert!(layout(&twice).is_err());
    }
}
