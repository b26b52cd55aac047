//! `schoolrun network import-osm`: converts an OpenStreetMap extract into this tool's network
//! GeoJSON with the same import an area with `osm = "..."` uses, so that a council can look at
//! exactly what will be measured on (in QGIS), check the report of what was kept and dropped, and
//! review the school entrances OSM suggests before relying on them. `network export` writes the
//! routing network for QGIS and as an edge list, and `network distances` gives the tool's own
//! junction-to-junction distances, so that both can be checked independently.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};

use crate::area::Gate;
use crate::cli::{DistancesArgs, ExportArgs, ImportOsmArgs};
use crate::io::entrances::write_entrances_csv;
use crate::io::network_geojson::write_network_geojson;
use crate::io::osm_files::{import_osm_file, load_profile};
use crate::io::output::{refuse_overwriting_inputs, Output};
use crate::network::{distances_to_junction, Network};
use crate::osm::{OsmImport, Profile};

use super::output::write_context;
use super::Exit;
use crate::note;

/// Opens an output ('-' is standard output): a file appears whole when finished.
fn create(path: &Path) -> Result<Output> {
    Output::create(path)
}

/// Every OSM school as CSV (URN, Name, Easting, Northing, OSM, Note), those with a URN first:
/// the list an officer completes with the URNs OSM lacks. Cells are spreadsheet-safe.
fn write_osm_schools_csv(
    w: impl std::io::Write,
    schools: &[crate::osm::OsmSchool],
    unlisted: &[crate::osm::UnlistedSchool],
) -> Result<()> {
    use crate::io::decisions::spreadsheet_safe;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    csv.write_record(["URN", "Name", "Easting", "Northing", "OSM", "Note"])?;
    let name = |n: &Option<String>| spreadsheet_safe(n.as_deref().unwrap_or(""));
    for s in schools {
        csv.write_record([
            s.urn.to_string(),
            name(&s.name),
            format!("{:.0}", s.point.x()),
            format!("{:.0}", s.point.y()),
            s.source.clone(),
            String::new(),
        ])?;
    }
    for s in unlisted {
        csv.write_record([
            String::new(),
            name(&s.name),
            format!("{:.0}", s.point.x()),
            format!("{:.0}", s.point.y()),
            s.source.clone(),
            format!("{}: give its URN", s.why),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

/// Runs `network import-osm`.
pub fn import_osm(args: ImportOsmArgs) -> Result<Exit> {
    let mut inputs: Vec<&Path> = vec![&args.input];
    if let Some(p) = &args.profile {
        inputs.push(p);
    }
    refuse_overwriting_inputs("-o", &args.output, &inputs)?;
    if let Some(p) = &args.entrances_out {
        refuse_overwriting_inputs("--entrances-out", p, &inputs)?;
    }
    if let Some(p) = &args.schools_out {
        refuse_overwriting_inputs("--schools-out", p, &inputs)?;
    }
    let profile = match &args.profile {
        Some(p) => load_profile(p)?.0,
        None => Profile::default_profile(),
    };
    let t = Instant::now();
    let OsmImport {
        edges,
        schools,
        entrances,
        unlisted,
        report,
    } = import_osm_file(&args.input, &profile)?;
    let secs = t.elapsed().as_secs_f64();
    // Build it as loading an area would, so that a file written here is known to load.
    let net = Network::build(edges).map_err(|e| {
        anyhow!(
            "{}: the converted network does not build: {e}",
            args.input.display()
        )
    })?;
    let mut out = create(&args.output)?;
    write_network_geojson(&mut out, net.edges().map(|(a, g, _)| (a, g)), false)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    out.finish()?;
    if let Some(p) = &args.entrances_out {
        let mut w = create(p)?;
        write_entrances_csv(&mut w, &entrances)
            .with_context(|| format!("cannot write {}", p.display()))?;
        w.finish()?;
    }
    if let Some(p) = &args.schools_out {
        let mut w = create(p)?;
        write_osm_schools_csv(&mut w, &schools, &unlisted)
            .with_context(|| format!("cannot write {}", p.display()))?;
        w.finish()?;
    }
    note!("{report}");
    note!(
        "  network: {} junctions, {} edges; converted in {secs:.2} s",
        net.node_count(),
        net.edge_count()
    );
    note!("  schools with a URN ({}):", schools.len());
    for s in &schools {
        let gates: Vec<&Gate> = entrances.iter().filter(|g| g.urn == s.urn).collect();
        note!(
            "    {} {} ({}) at {:.0}, {:.0}: {} entrance{}",
            s.urn,
            s.name.as_deref().unwrap_or("(no name)"),
            s.source,
            s.point.x(),
            s.point.y(),
            gates.len(),
            if gates.len() == 1 { "" } else { "s" }
        );
    }
    note!(
        "  schools without a DfE URN ({}): not loaded by a schools file's URN; give them one \
         (--schools-out lists them to complete):",
        unlisted.len()
    );
    for s in &unlisted {
        note!(
            "    {} ({}) at {:.0}, {:.0}: {}",
            s.name.as_deref().unwrap_or("(no name)"),
            s.source,
            s.point.x(),
            s.point.y(),
            s.why
        );
    }
    if args.output.as_os_str() != "-" {
        note!("wrote {}", args.output.display());
    }
    if let Some(p) = args.schools_out.as_ref().filter(|p| p.as_os_str() != "-") {
        note!(
            "wrote {} ({} schools, {} without a URN)",
            p.display(),
            schools.len() + unlisted.len(),
            unlisted.len()
        );
    }
    if let Some(p) = args.entrances_out.as_ref().filter(|p| p.as_os_str() != "-") {
        note!("wrote {} ({} entrances)", p.display(), entrances.len());
    }
    Ok(Exit::Success)
}

/// Runs `network export`: the area's network as loaded for deciding (network date and audits
/// applied) as GeoJSON and/or a CSV edge list.
pub fn export(args: ExportArgs) -> Result<Exit> {
    if args.geojson.is_none() && args.csv.is_none() {
        return Err(anyhow!("give --geojson OUT.geojson and/or --csv OUT.csv"));
    }
    let inputs = super::sources::source_inputs(&args.sources);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    for (flag, p) in [("--geojson", &args.geojson), ("--csv", &args.csv)] {
        if let Some(p) = p {
            refuse_overwriting_inputs(flag, p, &inputs)?;
        }
    }
    let loaded = super::sources::load(&args.sources)?;
    let net = loaded.area.area.network();
    if let Some(p) = &args.geojson {
        let mut w = create(p)?;
        let wgs84 = args.crs == crate::cli::Crs::Wgs84;
        write_network_geojson(&mut w, net.edges().map(|(a, g, _)| (a, g)), wgs84)
            .with_context(|| format!("cannot write {}", p.display()))?;
        w.finish()?;
    }
    if let Some(p) = &args.csv {
        let mut w = create(p)?;
        write_edge_list(&mut w, net).with_context(|| format!("cannot write {}", p.display()))?;
        w.finish()?;
    }
    note!(
        "exported {} edges, {} junctions (network as of {})",
        net.edge_count(),
        net.node_count(),
        loaded
            .area
            .as_of
            .map_or("any date".to_string(), |d| d.to_string())
    );
    Ok(Exit::Success)
}

/// Runs `network distances`: the tool's own shortest distances between junction pairs (ids as
/// `network export` numbers them), one tree per distinct destination, for checking against an
/// independent implementation on the exported edge list.
pub fn distances(args: DistancesArgs) -> Result<Exit> {
    let mut inputs = super::sources::source_inputs(&args.sources);
    inputs.push(args.pairs.clone());
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    refuse_overwriting_inputs("-o", &args.output, &inputs)?;
    let loaded = super::sources::load(&args.sources)?;
    let net = loaded.area.area.network();
    let mode = super::route::mode_of(args.mode);
    let shown = args.pairs.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .from_path(&args.pairs)
        .with_context(|| format!("cannot read {shown}"))?;
    let headers = rdr
        .headers()
        .with_context(|| format!("{shown}: cannot read the header"))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| anyhow!("{shown}: no {name} column (expected from_node,to_node)"))
    };
    let (from_col, to_col) = (col("from_node")?, col("to_node")?);
    let mut pairs = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.with_context(|| format!("{shown}: line {line}: not valid CSV"))?;
        let node = |c: usize, name: &str| -> Result<usize> {
            let v = rec.get(c).unwrap_or("").trim();
            v.parse::<usize>()
                .ok()
                .filter(|&n| n < net.node_count())
                .ok_or_else(|| {
                    anyhow!(
                        "{shown}: line {line}, field {name}: \"{v}\" is not a junction id of \
                         this network (0 to {})",
                        net.node_count().saturating_sub(1)
                    )
                })
        };
        pairs.push((node(from_col, "from_node")?, node(to_col, "to_node")?));
    }
    let mut trees: std::collections::HashMap<usize, Vec<Option<f64>>> = Default::default();
    let shown_out = write_context(&args.output);
    let mut out = csv::Writer::from_writer(create(&args.output)?);
    out.write_record(["from_node", "to_node", "length_m"])
        .with_context(|| shown_out.clone())?;
    let mut unreachable = 0usize;
    for &(from, to) in &pairs {
        let d = trees.entry(to).or_insert_with(|| {
            distances_to_junction(net, mode, to).expect("checked to be a junction")
        })[from];
        unreachable += usize::from(d.is_none());
        out.write_record([
            from.to_string(),
            to.to_string(),
            d.map_or(String::new(), |d| format!("{d}")),
        ])
        .with_context(|| shown_out.clone())?;
    }
    out.into_inner()
        .map_err(|e| anyhow::Error::new(e.into_error()))
        .with_context(|| format!("cannot write {}", args.output.display()))?
        .finish()?;
    note!(
        "{} pairs, {} destinations, {unreachable} unreachable ({:?} network as of {})",
        pairs.len(),
        trees.len(),
        mode,
        loaded
            .area
            .as_of
            .map_or("any date".to_string(), |d| d.to_string())
    );
    Ok(Exit::Success)
}

/// The CSV edge list: one row per source edge with its junction ids, its length in whole
/// millimetres (rounded half away from zero) and in metres exactly as routed, and what it allows.
pub fn write_edge_list(w: impl Write, net: &Network) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "from_node",
        "to_node",
        "length_mm",
        "walk",
        "drive",
        "walk_safe",
        "oneway",
        "edge_id",
        "length_m",
    ])?;
    for (i, (a, _, len)) in net.edges().enumerate() {
        let (from, to) = net
            .edge_nodes(i)
            .ok_or_else(|| anyhow!("edge {i} has no junctions"))?;
        let yes = |b: bool| if b { "yes" } else { "no" };
        out.write_record([
            from.to_string(),
            to.to_string(),
            format!("{}", (len * 1000.0).round() as i64),
            yes(a.walk).into(),
            yes(a.drive).into(),
            yes(a.walk && !a.unsafe_walk).into(),
            match a.oneway {
                crate::network::Oneway::No => "no",
                crate::network::Oneway::Forward => "yes",
                crate::network::Oneway::Backward => "-1",
            }
            .into(),
            crate::io::decisions::spreadsheet_safe(&a.id),
            // The exact f64 the tool routes with (shortest text that reads back to it), so that
            // an independent check sums the same numbers and does not drift by rounding. Last,
            // so that the earlier columns keep their places.
            format!("{len}"),
        ])?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::Urn;
    use crate::io::area_dir::load_area;
    use crate::io::entrances::load_entrances;
    use crate::io::network_geojson::load_network_geojson;
    use crate::network::Mode;

    fn rutland() -> Option<std::path::PathBuf> {
        crate::osm::import::tests::shared_osm("rutland-2018-02.osm.pbf")
    }

    /// The GeoJSON written by `network import-osm` loads as an area's network and measures the
    /// same walking distance as loading the extract directly with `osm = "..."`.
    #[test]
    fn osm_import_command_writes_a_network_that_measures_the_same() {
        let Some(pbf) = rutland() else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let exit = import_osm(ImportOsmArgs {
            input: pbf.clone(),
            output: d.join("network.geojson"),
            profile: None,
            entrances_out: Some(d.join("entrances.csv")),
            schools_out: Some(d.join("schools.csv")),
        })
        .unwrap();
        // Every OSM school is listed; the 21 of 28 without a DfE URN with it blank, to complete.
        let schools = std::fs::read_to_string(d.join("schools.csv")).unwrap();
        let rows: Vec<&str> = schools.lines().skip(1).collect();
        assert_eq!(rows.len(), 28, "{schools}");
        let blank: Vec<&&str> = rows.iter().filter(|r| r.starts_with(',')).collect();
        assert_eq!(blank.len(), 21, "{schools}");
        assert!(
            blank
                .iter()
                .all(|r| r.ends_with("no ref:edubase: give its URN")),
            "{schools}"
        );
        assert!(
            schools.contains(",Catmose College,485071,309220,way 101238684,"),
            "{schools}"
        );
        assert_eq!(exit, Exit::Success);
        let edges = load_network_geojson(&d.join("network.geojson")).unwrap();
        let gates = load_entrances(&d.join("entrances.csv")).unwrap();
        assert!(edges.len() > 1000);
        assert!(gates.iter().any(|g| g.urn == Urn(138113)));

        let schools = "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge\n\
                       138113,Catmose Primary School,485298,308348,4,11\n";
        std::fs::write(d.join("schools.csv"), schools).unwrap();
        let gates_of_catmose: Vec<Gate> =
            gates.into_iter().filter(|g| g.urn == Urn(138113)).collect();
        let mut f = std::fs::File::create(d.join("catmose-entrances.csv")).unwrap();
        write_entrances_csv(&mut f, &gates_of_catmose).unwrap();
        drop(f);
        std::fs::write(
            d.join("geojson.toml"),
            "name = \"G\"\nschools = \"schools.csv\"\nentrances = \"catmose-entrances.csv\"\n\
             network = \"network.geojson\"\n",
        )
        .unwrap();
        std::fs::write(
            d.join("osm.toml"),
            format!(
                "name = \"O\"\nschools = \"schools.csv\"\nosm = {:?}\nschools_from_osm = true\n",
                pbf.display().to_string()
            ),
        )
        .unwrap();
        let home = geo::Point::new(485900.0, 309100.0);
        let walk = |manifest: &str| {
            let a = load_area(&d.join(manifest), None).unwrap();
            let located = a
                .area
                .locate(home, None, &crate::area::WalkStartRule::NEAREST_PATH);
            a.area
                .measure(&located, Urn(138113), Mode::Walk)
                .unwrap()
                .expect("a route")
                .length_m
        };
        let (g, o) = (walk("geojson.toml"), walk("osm.toml"));
        println!("walk via GeoJSON {g:.3} m, via OSM {o:.3} m");
        assert!((g - o).abs() < 0.05, "{g} vs {o}");
    }

    #[test]
    fn osm_import_command_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.osm.pbf");
        std::fs::write(&bad, b"not a pbf").unwrap();
        let e = import_osm(ImportOsmArgs {
            input: bad.clone(),
            output: dir.path().join("out.geojson"),
            profile: None,
            entrances_out: None,
            schools_out: None,
        })
        .unwrap_err();
        assert!(
            format!("{e:#}").contains(&bad.display().to_string()),
            "{e:#}"
        );
        assert!(
            !dir.path().join("out.geojson").exists(),
            "no output on failure"
        );
        let e = import_osm(ImportOsmArgs {
            input: bad,
            output: dir.path().join("out.geojson"),
            profile: Some(dir.path().join("missing-profile.toml")),
            entrances_out: None,
            schools_out: None,
        })
        .unwrap_err();
        assert!(format!("{e:#}").contains("missing-profile.toml"), "{e:#}");
    }
}
