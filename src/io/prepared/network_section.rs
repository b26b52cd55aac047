//! The network section of a prepared area file: the network as built for the date the file
//! was prepared as of (source edges of that date, route safety audits applied, no what-if), as
//! the flat arrays [`Network`] keeps, so that a one-home `check` on a county reads them in
//! place from the mapped file instead of building the network from its source edges again
//! (a quarter of a second and 300 MB on a Kent-sized network).
//!
//! Body layout, little-endian: a u64 length and the postcard of [`PNetHead`], then each array
//! in the fixed order of [`pieces`] as a u64 byte length and its bytes; the head and every
//! array padded with zeros to a multiple of 8 bytes, so that every array starts aligned for
//! its values (the body itself starts on a multiple of 8, see `file`).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::network::{
    AuditApplied, Bytes, Columns, Grid, ModeArcs, Network, NetworkParts, Slab, Texts,
    BUILD_REVISION,
};

// Arrays are stored as this machine holds them in memory, and the file says little-endian.
#[cfg(target_endian = "big")]
compile_error!("prepared area files store arrays little-endian, as read in place");

/// A network read back from a prepared file, with what loading it as of its date reported.
#[derive(Debug)]
pub(crate) struct StoredNetwork {
    pub(crate) network: Network,
    /// The date it is the network of (clause 1.5.3); `None`: every edge, whatever its dates.
    pub(crate) as_of: Option<NaiveDate>,
    /// Source edges left out because they did not exist on that date.
    pub(crate) edges_not_yet_open: usize,
    /// The route safety audits applied to it (clause 1.5.4).
    pub(crate) audits: Vec<AuditApplied>,
}

/// What is stored before the arrays.
#[derive(Debug, Serialize, Deserialize)]
struct PNetHead {
    /// [`BUILD_REVISION`] of the tool that built it.
    revision: u32,
    as_of: Option<NaiveDate>,
    edges_not_yet_open: u64,
    audits: Vec<PAuditApplied>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PAuditApplied {
    reference: String,
    date: Option<NaiveDate>,
    unsafe_walk: bool,
    edges: u64,
}

fn padding(len: usize) -> Cow<'static, [u8]> {
    Cow::Borrowed(&[0u8; 8][..len.next_multiple_of(8) - len])
}

/// Each array's bytes, in the order they are stored.
fn arrays(p: &NetworkParts) -> Vec<&[u8]> {
    fn texts(t: &Texts) -> [&[u8]; 2] {
        [t.start.as_bytes(), t.bytes.as_bytes()]
    }
    let c = &p.columns;
    let mut out = vec![
        p.topo.as_bytes(),
        p.nodes.as_bytes(),
        p.bbox.as_bytes(),
        p.point_start.as_bytes(),
        p.points.as_bytes(),
        p.cum.as_bytes(),
        c.flags.as_bytes(),
        c.valid.as_bytes(),
    ];
    out.extend(texts(&c.ids));
    out.extend(texts(&c.names));
    out.extend(texts(&c.unsafe_refs));
    for m in &p.modes {
        out.extend([
            m.arcs.as_bytes(),
            m.into_first.as_bytes(),
            m.into.as_bytes(),
            m.out_first.as_bytes(),
            m.out.as_bytes(),
        ]);
    }
    out.extend([
        p.grid.shape.as_bytes(),
        p.grid.first.as_bytes(),
        p.grid.edges.as_bytes(),
    ]);
    out
}

/// The section's body in pieces, the arrays borrowed from `net`.
pub(crate) fn pieces<'a>(
    net: &'a Network,
    as_of: Option<NaiveDate>,
    edges_not_yet_open: usize,
    audits: &[AuditApplied],
) -> Vec<Cow<'a, [u8]>> {
    let head = postcard::to_stdvec(&PNetHead {
        revision: BUILD_REVISION,
        as_of,
        edges_not_yet_open: edges_not_yet_open as u64,
        audits: audits
            .iter()
            .map(|a| PAuditApplied {
                reference: a.reference.clone(),
                date: a.date,
                unsafe_walk: a.unsafe_walk,
                edges: a.edges as u64,
            })
            .collect(),
    })
    .expect("postcard encodes into a Vec");
    let mut out: Vec<Cow<[u8]>> = Vec::new();
    let mut add = |bytes: Cow<'a, [u8]>| {
        let n = bytes.len();
        out.push(Cow::Owned((n as u64).to_le_bytes().to_vec()));
        out.push(bytes);
        out.push(padding(n));
    };
    add(Cow::Owned(head));
    for a in arrays(net.parts()) {
        add(Cow::Borrowed(a));
    }
    out
}

/// Reads the body one length-prefixed piece after another.
struct Reader {
    bytes: Arc<dyn Bytes>,
    at: usize,
    end: usize,
}

impl Reader {
    /// The next piece's range.
    fn next(&mut self, what: &'static str) -> Result<Range<usize>, String> {
        let all = self.bytes.bytes();
        let cut = || format!("the {what} array is cut short");
        let len = all
            .get(self.at..self.at + 8)
            .filter(|_| self.at + 8 <= self.end)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .ok_or_else(cut)?;
        let start = self.at + 8;
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| start.checked_add(l))
            .filter(|&e| e <= self.end)
            .ok_or_else(cut)?;
        self.at = end.next_multiple_of(8).min(self.end);
        Ok(start..end)
    }

    fn slab<T: bytemuck::Pod>(&mut self, what: &'static str) -> Result<Slab<T>, String> {
        let r = self.next(what)?;
        Slab::shared(what, self.bytes.clone(), r.start, r.len()).map_err(|e| e.to_string())
    }

    fn texts(&mut self, what: &'static str) -> Result<Texts, String> {
        Ok(Texts {
            start: self.slab(what)?,
            bytes: self.slab(what)?,
        })
    }

    fn mode(&mut self) -> Result<ModeArcs, String> {
        Ok(ModeArcs {
            arcs: self.slab("arcs")?,
            into_first: self.slab("arcs")?,
            into: self.slab("arcs")?,
            out_first: self.slab("arcs")?,
            out: self.slab("arcs")?,
        })
    }
}

/// The network stored in the section whose (checked) body is `bytes[body]`, read in place;
/// `None` when another revision of the tool built it (see [`BUILD_REVISION`]).
pub(crate) fn read(
    bytes: Arc<dyn Bytes>,
    body: Range<usize>,
) -> Result<Option<StoredNetwork>, String> {
    let mut r = Reader {
        bytes,
        at: body.start,
        end: body.end,
    };
    let head_at = r.next("head")?;
    let head: PNetHead = postcard::from_bytes(&r.bytes.bytes()[head_at])
        .map_err(|e| format!("the head cannot be decoded: {e}"))?;
    if head.revision != BUILD_REVISION {
        return Ok(None);
    }
    // Each in the order `arrays` writes them.
    let parts = NetworkParts {
        topo: r.slab("edge")?,
        nodes: r.slab("junction")?,
        bbox: r.slab("bounding box")?,
        point_start: r.slab("point")?,
        points: r.slab("point")?,
        cum: r.slab("point")?,
        columns: Columns {
            flags: r.slab("attribute")?,
            valid: r.slab("validity")?,
            ids: r.texts("edge id")?,
            names: r.texts("name")?,
            unsafe_refs: r.texts("audit reference")?,
        },
        modes: [r.mode()?, r.mode()?, r.mode()?],
        grid: Grid {
            shape: r.slab("grid")?,
            first: r.slab("grid")?,
            edges: r.slab("grid")?,
        },
    };
    if r.at != r.end {
        return Err("it has bytes after its last array".into());
    }
    Ok(Some(StoredNetwork {
        network: Network::from_parts(parts)?,
        as_of: head.as_of,
        edges_not_yet_open: head.edges_not_yet_open as usize,
        audits: head
            .audits
            .into_iter()
            .map(|a| AuditApplied {
                reference: a.reference,
                date: a.date,
                unsafe_walk: a.unsafe_walk,
                edges: a.edges as usize,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::synthetic::grid;
    use crate::network::Mode;

    struct Plain(Vec<u64>);
    impl Bytes for Plain {
        fn bytes(&self) -> &[u8] {
            bytemuck::cast_slice(&self.0)
        }
    }

    fn stored(net: &Network) -> Arc<dyn Bytes> {
        let body: Vec<u8> = pieces(net, None, 2, &[]).concat();
        assert_eq!(body.len() % 8, 0);
        let mut words = vec![0u64; body.len() / 8];
        bytemuck::cast_slice_mut(&mut words).copy_from_slice(&body);
        Arc::new(Plain(words))
    }

    #[test]
    fn a_network_read_in_place_is_the_network_written() {
        let net = Network::build(grid(7, 6, 100.0, (0.0, 0.0), 5)).unwrap();
        let bytes = stored(&net);
        let len = bytes.bytes().len();
        let back = read(bytes, 0..len).unwrap().expect("this revision's");
        assert_eq!(back.edges_not_yet_open, 2);
        let b = &back.network;
        assert_eq!(b.edge_count(), net.edge_count());
        assert_eq!(b.node_count(), net.node_count());
        for m in Mode::ALL {
            assert_eq!(b.mode_fingerprint(m), net.mode_fingerprint(m));
            assert_eq!(b.measured_as(m), net.measured_as(m));
        }
        let all = |n: &Network| n.edges().map(|e| format!("{e:?}")).collect::<Vec<_>>();
        assert_eq!(all(b), all(&net));
    }

    #[test]
    fn a_damaged_network_is_refused_not_searched() {
        let net = Network::build(grid(4, 4, 100.0, (0.0, 0.0), 1)).unwrap();
        let body: Vec<u8> = pieces(&net, None, 0, &[]).concat();
        // Every cut, and an edge end past the last junction, is an error, never a panic.
        for cut in (0..body.len()).step_by(8) {
            let mut words = vec![0u64; cut / 8];
            bytemuck::cast_slice_mut(&mut words).copy_from_slice(&body[..cut]);
            assert!(
                read(Arc::new(Plain(words)), 0..cut).is_err(),
                "cut at {cut}"
            );
        }
        let mut words = vec![0u64; body.len() / 8];
        bytemuck::cast_slice_mut(&mut words).copy_from_slice(&body);
        let bytes: &[u8] = bytemuck::cast_slice(&words);
        // The first edge record follows the head's piece: find it by its length prefix.
        let head_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        let topo_at = 8 + head_len.next_multiple_of(8) + 8;
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[topo_at..topo_at + 4]
            .copy_from_slice(&u32::MAX.to_le_bytes());
        let e = read(Arc::new(Plain(words)), 0..body.len()).unwrap_err();
        assert!(e.contains("edge ends"), "{e}");
        // Another revision's network is not used.
        let mut head = postcard::to_stdvec(&PNetHead {
            revision: BUILD_REVISION + 1,
            as_of: None,
            edges_not_yet_open: 0,
            audits: Vec::new(),
        })
        .unwrap();
        let mut other = (head.len() as u64).to_le_bytes().to_vec();
        head.resize(head.len().next_multiple_of(8), 0);
        other.extend_from_slice(&head);
        let words: Vec<u64> = other
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let len = other.len();
        assert!(read(Arc::new(Plain(words)), 0..len).unwrap().is_none());
    }
}
