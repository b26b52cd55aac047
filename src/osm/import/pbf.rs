//! PBF framing: the block structure of a `.osm.pbf` checked before anything is decoded, blocks
//! decoded one at a time (under `catch_unwind`, a last line of defence against a decoder panic on
//! garbage), and a way's delta-coded node ids.

use std::fmt;
use std::io::{Cursor, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::anyhow;
use osmpbf::{BlobDecode, BlobReader, BlobType, PrimitiveBlock};

use super::report::ImportReport;

/// Features a PBF header may require that this reader understands. Anything else (notably
/// `HistoricalInformation`, a history file with deleted versions) is refused.
pub(super) const SUPPORTED_FEATURES: &[&str] = &["OsmSchema-V0.6", "DenseNodes"];

pub(super) fn not_pbf(file: &str, detail: impl fmt::Display) -> anyhow::Error {
    anyhow!("{file}: not a readable OpenStreetMap PBF file: {detail}")
}

/// Walks the block headers without decoding, so that a file cut short (inside a block, or with a
/// few stray bytes at the end) or one that is not PBF at all is refused before any work.
pub(super) fn check_framing(file: &str, bytes: &[u8]) -> anyhow::Result<()> {
    if bytes.is_empty() {
        return Err(not_pbf(file, "the file is empty"));
    }
    let len = bytes.len() as u64;
    let mut reader = BlobReader::new_seekable(Cursor::new(bytes)).map_err(|e| not_pbf(file, e))?;
    let mut end = 0u64;
    let mut n = 0u64;
    while let Some(next) = reader.next_header_skip_blob() {
        let (header, _) = next.map_err(|e| {
            not_pbf(
                file,
                format!("block {n} (at byte {end}): {e}; the file is corrupt or truncated"),
            )
        })?;
        if header.get_blob_size() < 0 {
            return Err(not_pbf(
                file,
                format!("block {n} (at byte {end}) has a negative size; the file is corrupt"),
            ));
        }
        if n == 0 && header.blob_type() != BlobType::OsmHeader {
            return Err(not_pbf(
                file,
                "it does not begin with an OSMHeader block (is it .osm XML or another format?)",
            ));
        }
        let start = end;
        end = reader
            .seek_raw(SeekFrom::Current(0))
            .map_err(|e| not_pbf(file, e))?;
        if end > len {
            return Err(not_pbf(
                file,
                format!(
                    "block {n} (at byte {start}) runs {} bytes past the end of the file: the file \
                     is truncated",
                    end - len
                ),
            ));
        }
        n += 1;
    }
    if end < len {
        return Err(not_pbf(
            file,
            format!(
                "the last {} bytes (from byte {end}) are not a whole block: the file is \
                 truncated or corrupt",
                len - end
            ),
        ));
    }
    if n < 2 {
        return Err(not_pbf(file, "it holds a header but no data blocks"));
    }
    Ok(())
}

/// Decodes every data block in file order and hands it to `f`. `check_header` also validates the
/// header block's required features (once is enough).
pub(super) fn for_each_block(
    file: &str,
    bytes: &[u8],
    report: &mut ImportReport,
    check_header: bool,
    mut f: impl FnMut(&PrimitiveBlock),
) -> anyhow::Result<()> {
    let reader = BlobReader::new(Cursor::new(bytes));
    for (n, blob) in reader.enumerate() {
        let corrupt =
            |e: &dyn fmt::Display| not_pbf(file, format!("block {n}: {e}; the file is corrupt"));
        let blob = blob.map_err(|e| corrupt(&e))?;
        let decoded = catch_unwind(AssertUnwindSafe(|| -> anyhow::Result<bool> {
            match blob.decode().map_err(|e| corrupt(&e))? {
                BlobDecode::OsmHeader(h) => {
                    if check_header {
                        let unsupported: Vec<&str> = h
                            .required_features()
                            .iter()
                            .map(String::as_str)
                            .filter(|f| !SUPPORTED_FEATURES.contains(f))
                            .collect();
                        if !unsupported.is_empty() {
                            return Err(anyhow!(
                                "{file}: the extract requires features this reader does not \
                                 support: {} (history files are not supported)",
                                unsupported.join(", ")
                            ));
                        }
                    }
                    Ok(false)
                }
                BlobDecode::OsmData(block) => {
                    f(&block);
                    Ok(true)
                }
                BlobDecode::Unknown(_) => {
                    if check_header {
                        report.unknown_blocks += 1;
                    }
                    Ok(false)
                }
            }
        }));
        match decoded {
            Ok(Ok(data)) => {
                if data && check_header {
                    report.blocks += 1;
                }
            }
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(corrupt(
                    &"the decoder failed on malformed data (see the message above)",
                ))
            }
        }
    }
    Ok(())
}

/// Node ids of a way from the PBF's delta coding; wrapping arithmetic, so garbage deltas give
/// garbage (missing) ids rather than an overflow panic. Repeated consecutive ids are dropped.
pub(super) fn decode_refs(deltas: &[i64]) -> Vec<i64> {
    let mut id = 0i64;
    let mut refs: Vec<i64> = Vec::with_capacity(deltas.len());
    for d in deltas {
        id = id.wrapping_add(*d);
        if refs.last() != Some(&id) {
            refs.push(id);
        }
    }
    refs
}
