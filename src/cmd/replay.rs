//! `schoolrun replay RECORD...`: re-runs decision records. For each record: load the policy and
//! area it names (or archived copies given with `--policy`/`--area`), refuse to go on when any
//! file's fingerprint differs from the recorded one (naming the file), decide the recorded case
//! again, and compare the new record with the stored one byte for byte. "reproduced" means the
//! same bytes; otherwise every differing value is listed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::appeal::replay::{changed_files, differences, FileChange};
use crate::cli::{AreaFlag, PolicyFlags, ReplayArgs, Sources};
use crate::decide::decide;
use crate::io::case_fields::{case_from_fields, old_names};
use crate::io::hash::FileHash;
use crate::io::record::{read_record, RecordIn, StoredRecord};
use crate::provenance::Origin;

use super::output::print;
use super::sources::{load_paths, record_bytes, Loaded};
use super::Exit;

/// Runs `replay`.
pub fn run(args: ReplayArgs) -> Result<Exit> {
    let mut all = true;
    let mut cache = HashMap::new();
    for path in &args.records {
        let stored = read_record(path)?;
        let (ok, report) = replay_one(&stored, &args, &mut cache)
            .with_context(|| format!("{}: cannot replay", path.display()))?;
        print(format!("{}: {report}", path.display()))?;
        all &= ok;
    }
    Ok(if all {
        Exit::Success
    } else {
        Exit::NotReproduced
    })
}

fn pairs(files: &[FileHash]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|f| (f.path.clone(), f.sha256.clone()))
        .collect()
}

/// The sources a record names, or archived copies of its policy and area.
pub(super) fn sources_of(rec: &RecordIn, policy: Option<&Path>, area: Option<&Path>) -> Sources {
    Sources {
        policy: PolicyFlags {
            policy: Some(
                policy.map_or_else(|| PathBuf::from(&rec.sources.policy), Path::to_path_buf),
            ),
            academic_year: None,
        },
        area: AreaFlag {
            area: Some(area.map_or_else(|| PathBuf::from(&rec.sources.area), Path::to_path_buf)),
        },
        max_snap: rec.sources.max_snap_m,
        as_of: rec.sources.as_of.clone(),
        mark_unsafe: rec.sources.what_if.mark_unsafe.clone(),
        ignore_audit: rec.sources.what_if.ignore_audits.clone(),
        closed_entrances: rec.sources.what_if.closed_entrances.clone(),
        margin_miles: rec.sources.margin_miles,
    }
}

/// The policy and area files whose fingerprints differ from the record's, in order.
pub(super) fn changed_since(rec: &RecordIn, loaded: &Loaded) -> Vec<FileChange> {
    let mut changed = changed_files(
        "policy",
        &pairs(&rec.origin.policy_files),
        &pairs(&loaded.origin.policy_files),
    );
    changed.extend(changed_files(
        "area",
        &pairs(&rec.origin.area_files),
        &pairs(&loaded.origin.area_files),
    ));
    changed
}

/// The origin of the loaded sources with the recorded file paths: the same files, perhaps in
/// another folder, are recorded under their recorded paths.
/// A record decided again on the files it names: the origin as recorded, the case, the new
/// decision and the record it would write (compared byte for byte with the stored one).
pub(super) struct Redecided {
    pub origin: Origin,
    pub case: crate::decide::Case,
    pub d: crate::decide::Decision,
    pub bytes: Vec<u8>,
}

/// Decides the recorded case again on the loaded files.
pub(super) fn redecide(rec: &RecordIn, loaded: &Loaded) -> Result<Redecided> {
    let origin = origin_as_recorded(rec, loaded);
    // A record written before a field was renamed names it by its former name.
    let case = case_from_fields(
        |f| {
            rec.case
                .get(f)
                .or_else(|| old_names(f).find_map(|old| rec.case.get(old)))
                .map(String::as_str)
        },
        &loaded.area.places,
    )
    .context("the recorded case (\"case\") is not valid")?;
    let d = decide(
        &loaded.policy.policy,
        &loaded.area.area,
        &case,
        &loaded.settings,
    );
    let bytes = record_bytes(
        &loaded.area.area,
        &loaded.policy.policy.walk_start.rule(),
        &origin,
        &rec.sources,
        &rec.case,
        &case,
        &d,
    )?;
    Ok(Redecided {
        origin,
        case,
        d,
        bytes,
    })
}

fn origin_as_recorded(rec: &RecordIn, loaded: &Loaded) -> Origin {
    let mut origin = loaded.origin.clone();
    for (now, then) in origin.policy_files.iter_mut().zip(&rec.origin.policy_files) {
        now.path.clone_from(&then.path);
    }
    for (now, then) in origin.area_files.iter_mut().zip(&rec.origin.area_files) {
        now.path.clone_from(&then.path);
    }
    origin
}

/// Replays one record: `(reproduced, report text)`.
/// Sources already loaded in this run, by what was asked (records of one batch share them).
type Cache = HashMap<String, Result<Loaded, String>>;

fn replay_one(
    stored: &StoredRecord,
    args: &ReplayArgs,
    cache: &mut Cache,
) -> Result<(bool, String)> {
    let rec = &stored.record;
    let sources = sources_of(rec, args.policy.as_deref(), args.area.as_deref());
    let (policy, area) = (sources.policy_dir(), sources.area_path());
    let key = format!(
        "{}\n{}\n{}",
        policy.display(),
        area.display(),
        serde_json::to_string(&rec.sources)?
    );
    let loaded = match cache
        .entry(key)
        .or_insert_with(|| load_paths(&policy, &area, &sources).map_err(|e| format!("{e:#}")))
    {
        Ok(l) => &*l,
        Err(e) => {
            return Ok((
                false,
                format!(
                    "NOT REPRODUCED: the recorded sources cannot be loaded (point --policy/--area \
                     at the archived files): {e}\n"
                ),
            ))
        }
    };
    let changed = changed_since(rec, loaded);
    if !changed.is_empty() {
        let mut s = String::from(
            "NOT REPRODUCED: the data is not what the decision was made from, so it was not \
             re-decided\n",
        );
        for c in &changed {
            s.push_str(&format!("  {}\n", c.describe()));
        }
        return Ok((false, s));
    }
    let Redecided { d, bytes, .. } = redecide(rec, loaded)?;
    let files = rec.origin.policy_files.len() + rec.origin.area_files.len();
    if bytes == stored.bytes {
        return Ok((
            true,
            format!(
                "reproduced: {} {}{} ({files} files match their recorded SHA-256)\n",
                d.id,
                d.outcome.as_str(),
                d.basis
                    .map(|b| format!(" ({})", b.as_str()))
                    .unwrap_or_default()
            ),
        ));
    }
    let now: serde_json::Value = serde_json::from_slice(&bytes)?;
    let diffs = differences(&stored.json, &now);
    let mut s = format!(
        "NOT REPRODUCED: the same files ({files} match their recorded SHA-256) give a different \
         record{}\n",
        if rec.origin.tool_version != env!("CARGO_PKG_VERSION") {
            format!(
                " (recorded with tool version {}, this is {})",
                rec.origin.tool_version,
                env!("CARGO_PKG_VERSION")
            )
        } else {
            String::new()
        }
    );
    if diffs.is_empty() {
        s.push_str("  the values are equal but the bytes differ (layout or number formatting)\n");
    }
    for d in diffs {
        s.push_str(&format!(
            "  {}: recorded {}, now {}\n",
            d.path, d.recorded, d.now
        ));
    }
    Ok((false, s))
}
