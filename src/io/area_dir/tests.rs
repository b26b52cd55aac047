//! Tests of area directories: the manifest, reading every file, OSM areas, whole loads.

use std::path::Path;

use super::*;
use crate::area::{LeftOutWhy, Urn};
use crate::io::area_sources::NetworkSource;
use crate::io::prepared;
use crate::io::schools::count_left_out;
use crate::osm::DEFAULT_PROFILE_NAME;

const MANIFEST: &str = r#"name = "Test area"
schools = "schools.csv"
entrances = "entrances.csv"
catchments = "catchments.geojson"
network = "net/network.geojson"
max_snap_m = 100
"#;

const SCHOOLS: &str =
    "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge,EstablishmentStatus\n\
                       1,A,390000,80000,4,11,Open\n2,B,391000,80000,11,16,Closed\n";
const ENTRANCES: &str = "URN,Name,Easting,Northing\n1,Main gate,390010,80000\n";
const CATCHMENTS: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"C","schools":[1]},"geometry":{"type":"Polygon","coordinates":[[[389000,79000],[392000,79000],[392000,82000],[389000,79000]]]}}]}"#;
const NETWORK: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"walk":true,"drive":true},"geometry":{"type":"LineString","coordinates":[[389000,80000],[392000,80000]]}}]}"#;

fn area_dir(manifest: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("net")).unwrap();
    std::fs::write(d.join("area.toml"), manifest).unwrap();
    std::fs::write(d.join("schools.csv"), SCHOOLS).unwrap();
    std::fs::write(d.join("entrances.csv"), ENTRANCES).unwrap();
    std::fs::write(d.join("catchments.geojson"), CATCHMENTS).unwrap();
    std::fs::write(d.join("net/network.geojson"), NETWORK).unwrap();
    dir
}

#[test]
fn manifest_defaults_and_values() {
    let m = AreaManifest::from_toml_str(
        "area.toml",
        "name = \"X\"\nschools = \"s.csv\"\nnetwork = \"n.geojson\"\n",
    )
    .unwrap();
    assert_eq!(m.max_snap_m, DEFAULT_MAX_SNAP_M);
    assert_eq!(m.entrances, None);
    assert_eq!(m.catchments, None);
    let m = AreaManifest::from_toml_str("area.toml", MANIFEST).unwrap();
    assert_eq!(m.max_snap_m, 100.0);
    assert_eq!(
        m.network,
        NetworkSource::GeoJson("net/network.geojson".into())
    );
    assert_eq!(m.entrances.as_deref(), Some("entrances.csv"));
}

#[test]
fn manifest_errors_name_file_and_line() {
    let e = AreaManifest::from_toml_str("area.toml", "name = \"X\"\nschools = \"s.csv\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("area.toml") && e.contains("network"), "{e}");
    let e = AreaManifest::from_toml_str(
        "area.toml",
        "name = \"X\"\nschools = \"s.csv\"\nnetwork = \"n\"\nmax_snap = 3\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("area.toml") && e.contains("line 4") && e.contains("max_snap"),
        "{e}"
    );
    let e = AreaManifest::from_toml_str(
        "area.toml",
        "name = \"X\"\nschools = \"s.csv\"\nnetwork = \"n\"\nmax_snap_m = -5\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("area.toml: line 4, max_snap_m: -5 is not a positive"),
        "{e}"
    );
    let e =
        AreaManifest::from_toml_str("area.toml", "name = \"X\"\nschools = 3\nnetwork = \"n\"\n")
            .unwrap_err()
            .to_string();
    assert!(e.contains("area.toml") && e.contains("line 2"), "{e}");
    let e = AreaManifest::from_toml_str(
        "area.toml",
        "name = \"X\"\nschools = \"\"\nnetwork = \"n\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("area.toml: line 2, schools: is empty"), "{e}");
    let e = AreaManifest::from_toml_str("area.toml", "name = [\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("area.toml") && e.contains("line"), "{e}");
}

#[test]
fn reads_every_file_and_hashes_in_order() {
    let dir = area_dir(MANIFEST);
    // Both the directory and the manifest path are accepted.
    for p in [dir.path().to_path_buf(), dir.path().join("area.toml")] {
        let f = read_area_files(&p).unwrap();
        assert_eq!(f.manifest.name, "Test area");
        assert_eq!(f.schools.len(), 1);
        assert_eq!(count_left_out(&f.left_out, LeftOutWhy::Closed), 1);
        assert_eq!(f.gates.len(), 1);
        assert_eq!(f.catchments[0].schools, vec![Urn(1)]);
        assert_eq!(f.edges.len(), 1);
        let paths: Vec<&str> = f.files.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "area.toml",
                "schools.csv",
                "entrances.csv",
                "catchments.geojson",
                "net/network.geojson"
            ]
        );
        assert_eq!(
            f.files[1].sha256,
            crate::provenance::sha256_hex(SCHOOLS.as_bytes())
        );
        assert!(f.files.iter().all(|h| h.sha256.len() == 64));
    }
}

#[test]
fn optional_files_may_be_absent() {
    let dir =
        area_dir("name = \"T\"\nschools = \"schools.csv\"\nnetwork = \"net/network.geojson\"\n");
    let f = read_area_files(dir.path()).unwrap();
    assert!(f.gates.is_empty() && f.catchments.is_empty());
    assert_eq!(f.files.len(), 3);
    assert_eq!(f.manifest.max_snap_m, 250.0);
}

#[test]
fn errors_name_the_file() {
    let e = format!(
        "{:#}",
        read_area_files(Path::new("/no/such/area")).unwrap_err()
    );
    assert!(e.contains("/no/such/area"), "{e}");

    let dir = area_dir(&MANIFEST.replace("entrances.csv", "gates.csv"));
    let e = format!("{:#}", read_area_files(dir.path()).unwrap_err());
    assert!(
        e.contains("gates.csv") && e.contains("entrances file named in"),
        "{e}"
    );
    assert!(e.contains("area.toml"), "{e}");

    let dir = area_dir(MANIFEST);
    std::fs::write(
        dir.path().join("schools.csv"),
        "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge\n1,A,390000,80000,4,11x\n",
    )
    .unwrap();
    let e = format!("{:#}", read_area_files(dir.path()).unwrap_err());
    assert!(
        e.contains("schools.csv: no schools found (1 without readable ages skipped)"),
        "{e}"
    );

    let dir = area_dir(MANIFEST);
    std::fs::write(dir.path().join("net/network.geojson"), "{").unwrap();
    let e = format!("{:#}", read_area_files(dir.path()).unwrap_err());
    assert!(e.contains("network.geojson: not valid GeoJSON"), "{e}");
}

#[test]
fn osm_manifest_keys() {
    let base = "name = \"X\"\nschools = \"s.csv\"\n";
    let m = AreaManifest::from_toml_str(
        "area.toml",
        &format!("{base}osm = \"r.osm.pbf\"\nosm_profile = \"p.toml\"\nschools_from_osm = true\n"),
    )
    .unwrap();
    assert_eq!(
        m.network,
        NetworkSource::Osm {
            file: "r.osm.pbf".into(),
            profile: Some("p.toml".into()),
            schools_from_osm: true
        }
    );
    assert_eq!(m.network.file(), "r.osm.pbf");
    let m =
        AreaManifest::from_toml_str("area.toml", &format!("{base}osm = \"r.osm.pbf\"\n")).unwrap();
    assert_eq!(
        m.network,
        NetworkSource::Osm {
            file: "r.osm.pbf".into(),
            profile: None,
            schools_from_osm: false
        }
    );
    let err = |extra: &str| {
        AreaManifest::from_toml_str("area.toml", &format!("{base}{extra}"))
            .unwrap_err()
            .to_string()
    };
    let e = err("network = \"n.geojson\"\nosm = \"r.osm.pbf\"\n");
    assert!(
        e.contains("area.toml: line 4, osm: give either network (GeoJSON) or osm"),
        "{e}"
    );
    let e = err("");
    assert!(e.contains("area.toml: a network is required"), "{e}");
    let e = err("network = \"n.geojson\"\nschools_from_osm = true\n");
    assert!(
        e.contains("area.toml: line 4, schools_from_osm: applies only with osm"),
        "{e}"
    );
    let e = err("osm = \"\"\n");
    assert!(e.contains("line 3, osm: is empty"), "{e}");
    let e = err("osm = \"r.osm.pbf\"\nschools_from_osm = \"yes\"\n");
    assert!(e.contains("area.toml") && e.contains("line 4"), "{e}");
}

fn rutland_pbf() -> Option<std::path::PathBuf> {
    crate::osm::import::tests::shared_osm("rutland-2018-02.osm.pbf")
}

/// Two Rutland schools listed with rough (postcode-like) points and an illustrative age range
/// (the schools file, not OSM, is where ages come from), and one URN OSM does not have.
const RUTLAND_SCHOOLS: &str =
    "URN,EstablishmentName,Easting,Northing,StatutoryLowAge,StatutoryHighAge\n\
                               138113,Catmose Primary School,485000,308000,4,11\n\
                               137358,Brooke Hill Academy,485000,308000,4,11\n\
                               999999,Not In OSM,486000,309000,4,11\n";

fn rutland_area(dir: &Path, pbf: &Path, extra: &str) {
    std::fs::write(
        dir.join("area.toml"),
        format!(
            "name = \"Rutland from OSM\"\nschools = \"schools.csv\"\nosm = {:?}\n{extra}",
            pbf.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("schools.csv"), RUTLAND_SCHOOLS).unwrap();
}

#[test]
fn osm_area_takes_listed_schools_sites_and_entrances_from_osm() {
    let Some(pbf) = rutland_pbf() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    rutland_area(
        dir.path(),
        &pbf,
        "entrances = \"entrances.csv\"\nschools_from_osm = true\n",
    );
    // The council's own entrance for Brooke Hill wins over OSM's.
    std::fs::write(
        dir.path().join("entrances.csv"),
        "URN,Name,Easting,Northing\n137358,Council gate,485480,307700\n",
    )
    .unwrap();
    let a = load_area(dir.path(), None).unwrap();
    let osm = a.osm.as_ref().expect("an OSM summary");
    assert!(osm.schools_from_osm);
    assert_eq!(osm.schools_located, 2);
    assert_eq!(osm.listed_schools_not_in_osm, [Urn(999999)]);
    assert_eq!(osm.osm_schools_not_listed.len(), 5);
    assert!(osm.report.edges > 1000);
    let area = &a.area;
    let catmose = area.school(Urn(138113)).unwrap();
    assert!((catmose.location.x() - 485298.0).abs() < 2.0, "{catmose:?}");
    assert!((catmose.location.y() - 308348.0).abs() < 2.0, "{catmose:?}");
    assert_eq!(catmose.low_age, 4, "ages come from the schools file");
    assert!(!area.gates(Urn(138113)).is_empty());
    assert!(area.gates(Urn(138113))[0].name.contains("osm:"));
    let brooke: Vec<&str> = area
        .gates(Urn(137358))
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(brooke, ["Council gate"]);
    // Not in OSM: keeps the schools file's point, no entrances.
    let other = area.school(Urn(999999)).unwrap();
    assert_eq!(other.location, geo::Point::new(486000.0, 309000.0));
    assert_eq!(osm.entrances_used, area.gates(Urn(138113)).len());
    let paths: Vec<&str> = a.files.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "area.toml",
            "schools.csv",
            "entrances.csv",
            pbf.display().to_string().as_str(),
            DEFAULT_PROFILE_NAME
        ]
    );
    // A home in Oakham is measured to Catmose along the OSM network.
    let home = geo::Point::new(485900.0, 309100.0);
    // The walk starts on the nearest adopted road, as the OSM profile classes the ways.
    let rule = crate::area::WalkStartRule {
        at: crate::area::StartAt::AdoptedRoad,
        ambiguous_within_m: 5.0,
    };
    let located = area.locate(home, None, &rule);
    let crate::area::WalkStart::AdoptedRoad { road, .. } = &located.start else {
        panic!("no adopted road found: {:?}", located.start);
    };
    // An adopted road, or a drivable way the profile does not class (a service road): never a
    // footpath or a private drive.
    let (attrs, _, _) = area
        .network()
        .edges()
        .find(|(a, _, _)| a.id == road.edge_id)
        .expect("the road's edge");
    use crate::network::RoadClass;
    assert!(
        attrs.walk
            && match attrs.road_class {
                Some(c) => c == RoadClass::AdoptedRoad,
                None => attrs.drive,
            },
        "{attrs:?}"
    );
    let m = area
        .measure(&located, Urn(138113), crate::network::Mode::Walk)
        .unwrap()
        .expect("a walking route");
    let straight = area.straight_line_m(home, catmose);
    println!(
        "walk {:.0} m (straight line {straight:.0} m) to {}",
        m.length_m, m.entrance
    );
    assert!(m.length_m > 0.5 * straight && m.length_m < 3.0 * straight);
}

#[test]
fn osm_area_without_schools_from_osm_uses_the_network_only() {
    let Some(pbf) = rutland_pbf() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    rutland_area(dir.path(), &pbf, "");
    let a = load_area(dir.path(), None).unwrap();
    let osm = a.osm.as_ref().unwrap();
    assert!(!osm.schools_from_osm);
    assert_eq!(osm.schools_located, 0);
    let catmose = a.area.school(Urn(138113)).unwrap();
    assert_eq!(catmose.location, geo::Point::new(485000.0, 308000.0));
    assert!(a.area.gates(Urn(138113)).is_empty());
}

#[test]
fn osm_area_errors_name_the_file() {
    let Some(pbf) = rutland_pbf() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    rutland_area(dir.path(), &pbf, "osm_profile = \"profile.toml\"\n");
    std::fs::write(dir.path().join("profile.toml"), "name = \"x\"\nwalk = 3\n").unwrap();
    let e = format!("{:#}", load_area(dir.path(), None).unwrap_err());
    assert!(e.contains("profile.toml") && e.contains("line 2"), "{e}");
    // A profile that parses is recorded with the other files.
    std::fs::write(
        dir.path().join("profile.toml"),
        crate::osm::DEFAULT_PROFILE_TOML,
    )
    .unwrap();
    let a = load_area(dir.path(), None).unwrap();
    assert_eq!(a.files.last().unwrap().path, "profile.toml");
    // A truncated extract names the extract and the manifest.
    let cut = dir.path().join("cut.osm.pbf");
    std::fs::write(&cut, &std::fs::read(&pbf).unwrap()[..5000]).unwrap();
    rutland_area(dir.path(), &cut, "");
    let e = format!("{:#}", load_area(dir.path(), None).unwrap_err());
    assert!(
        e.contains("cut.osm.pbf") && e.contains("truncated") && e.contains("area.toml"),
        "{e}"
    );
}

#[test]
fn bad_snap_override_is_refused_before_building() {
    let dir = area_dir(MANIFEST);
    let e = format!("{:#}", load_area(dir.path(), Some(f64::NAN)).unwrap_err());
    assert!(e.contains("maximum snap distance"), "{e}");
}

/// Needs `Network::build`, which the network worker is implementing.
#[test]
fn loads_a_whole_area() {
    let dir = area_dir(MANIFEST);
    let a = load_area(dir.path(), None).unwrap();
    assert_eq!(a.name, "Test area");
    assert_eq!(a.area.schools().len(), 1);
    assert_eq!(a.area.max_snap_m(), 100.0);
    assert_eq!(a.skipped_closed_schools, 1);
    assert_eq!(a.files.len(), 5);
    let a = load_area(&dir.path().join("area.toml"), Some(30.0)).unwrap();
    assert_eq!(a.area.max_snap_m(), 30.0);
}

/// A prepared file committed with the project (`schoolrun prepare --area
/// fixtures/areas/boundary -o fixtures/prepared/boundary.prepared`): this version must decode
/// it to the sources the directory gives today. A change to the payload types without a new
/// [`prepared::FORMAT_VERSION`] (and a file prepared again) fails here.
#[test]
fn the_committed_prepared_file_decodes_to_the_directory_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(root.join("fixtures/prepared/boundary.prepared")).unwrap();
    assert_eq!(
        u32::from_le_bytes(bytes[16..20].try_into().unwrap()),
        prepared::FORMAT_VERSION,
        "the committed file is of another format version: prepare it again"
    );
    let (_, sha256, _) = prepared::decode(&bytes).expect("the committed prepared file decodes");
    assert_eq!(sha256, crate::io::hash::hex(&bytes[28..60]));
    let mut p = prepared::read_prepared(&root.join("fixtures/prepared/boundary.prepared")).unwrap();
    assert_eq!(p.info.sha256, sha256);
    assert!(
        p.files.edges.is_empty(),
        "source edges are read only when needed"
    );
    p.read_edges().unwrap();
    assert_eq!(p.info.source, "fixtures/areas/boundary");
    let dir = read_area_files(&root.join("fixtures/areas/boundary")).unwrap();
    let (a, b) = (&p.files, &dir);
    assert_eq!(a.manifest, b.manifest);
    assert_eq!(a.files, b.files);
    let dbg = |v: &dyn std::fmt::Debug| format!("{v:?}");
    assert_eq!(dbg(&a.schools), dbg(&b.schools));
    assert_eq!(dbg(&a.left_out), dbg(&b.left_out));
    assert_eq!(dbg(&a.gates), dbg(&b.gates));
    assert_eq!(dbg(&a.catchments), dbg(&b.catchments));
    assert_eq!(dbg(&a.edges), dbg(&b.edges));
    assert_eq!(dbg(&a.audits), dbg(&b.audits));
    assert_eq!(a.schools.len(), 5);
    assert_eq!(a.edges.len(), 19);
}
