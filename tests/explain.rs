//! `check --explain` (issue: what would change this decision): the decision again with one fact
//! changed at a time, computed by the rules themselves, on worked cases whose answers are known
//! by hand from the demo area.

mod common;

use common::run;

fn explained(case: &[&str]) -> serde_json::Value {
    let mut args = vec!["check", "--explain", "--format", "json"];
    args.extend(case);
    let r = run(&args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// The change whose words contain `words`.
fn change<'a>(v: &'a serde_json::Value, words: &str) -> &'a serde_json::Value {
    v["would_change"]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["change"].as_str().unwrap_or("").contains(words))
        .unwrap_or_else(|| panic!("no change naming {words}: {v}"))
}

/// Stourpaine, Year 2, Durweston Primary: eligible (clause 1.1.1(i)) only because the short walk
/// over Durweston Bridge is assessed unsafe (RSA-2019-015, clause 1.5.4). With that audit set
/// aside the walk is the 0.813 miles over the bridge, under the 2 miles a child under eight must
/// walk: not eligible. A low-income finding changes nothing for a child already eligible.
#[test]
fn setting_aside_the_audit_that_made_the_walk_long_changes_the_outcome() {
    let v = explained(&common::STOURPAINE_Y2);
    assert_eq!(v["outcome"], "eligible");
    let audit = change(&v, "RSA-2019-015");
    assert_eq!(audit["outcome"], "not_eligible", "{audit}");
    assert_eq!(audit["changes_decision"], true);
    let low = change(&v, "free school meals");
    assert_eq!(low["outcome"], "eligible");
    assert_eq!(low["changes_decision"], false);
    // An eligible child falls short of no limit.
    assert!(v["would_change"]["shortfall"].is_null(), "{v}");
}

/// DEMO-0022: Year 10, Dorset Studio School, 1.599 miles walking: not eligible under clause
/// 1.1.1(ii), 3 miles, so 1.401 miles short. With free school meals clause 1.1.4 applies (more
/// than 2 miles): still not eligible, now refused on the low-income basis.
#[test]
fn a_refusal_says_how_far_short_it_fell_and_what_a_low_income_finding_would_do() {
    let v = explained(&common::STUDIO_DEMO_0022);
    assert_eq!(v["outcome"], "not_eligible");
    let short = v["would_change"]["shortfall"]
        .as_str()
        .expect("a shortfall");
    assert!(
        short.contains("by 1.401 miles")
            && short.contains(">= 3 mi")
            && short.contains("1.1.1(ii)"),
        "{short}"
    );
    let low = change(&v, "free school meals");
    assert_eq!(low["outcome"], "not_eligible", "{low}");
    assert_eq!(low["basis"], "low_income", "{low}");
    assert_eq!(low["changes_decision"], true);
    // The year group either side, decided again.
    assert_eq!(change(&v, "Year 9")["outcome"], "not_eligible");
    assert_eq!(change(&v, "Year 11")["outcome"], "not_eligible");
    // The text names it too.
    let r = run(&[&["check", "--explain"][..], &common::STUDIO_DEMO_0022].concat());
    assert!(
        r.stdout.contains("What would change this decision"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("the same outcome on another basis"),
        "{}",
        r.stdout
    );
}

/// DEMO-0022 again: its 1.599-mile walk follows Bockhampton Lane for most of its length. Were
/// that road assessed unsafe to walk (clause 1.5.4), the walk would have to go round it: the
/// list says what that does, and it is the decision `check --mark-unsafe` gives with the same
/// stretches marked (the road's edges on the walk, read from the decision record).
#[test]
fn a_refusal_says_which_road_of_the_walk_assessed_unsafe_would_change_it() {
    let case = common::STUDIO_DEMO_0022;
    let v = explained(&case);
    let road = change(&v, "if Bockhampton Lane (");
    assert!(
        road["change"].as_str().unwrap().contains("(clause 1.5.4)"),
        "{road}"
    );
    // The same what-if asked directly: the road's edges on the walk, marked unsafe.
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r.json");
    let mut a = vec!["check", "--record", rec.to_str().unwrap()];
    a.extend(case);
    assert_eq!(run(&a).code, Some(0));
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&rec).unwrap()).unwrap();
    let walk_ids: Vec<String> = record["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["mode"] == "walk")
        .unwrap()["edge_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    let network: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("fixtures/demo/network.geojson")).unwrap(),
    )
    .unwrap();
    let on_road: Vec<String> = network["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["name"] == "Bockhampton Lane")
        .map(|f| f["properties"]["id"].as_str().unwrap().to_string())
        .filter(|id| walk_ids.contains(id))
        .collect();
    assert!(!on_road.is_empty());
    let mut direct = vec!["check", "--format", "json"];
    for id in &on_road {
        direct.extend(["--mark-unsafe", id.as_str()]);
    }
    direct.extend(case);
    let r = run(&direct);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let asked: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        road["outcome"], asked["outcome"],
        "{road} vs {}",
        asked["outcome"]
    );
    assert_eq!(road["changes_decision"], asked["outcome"] != v["outcome"]);
    // An eligible child's walk is not tried road by road: longer would change nothing.
    let eligible = explained(&common::STOURPAINE_Y2);
    assert!(
        !eligible["would_change"]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["change"]
                .as_str()
                .unwrap()
                .contains("were assessed unsafe")),
        "{eligible}"
    );
}

/// DEMO-0027: Year 9, The Purbeck School, a walk of 0.652 miles to its West Street pedestrian
/// gate: not eligible (clause 1.1.1(ii), 3 miles). The school has a second entrance, the
/// Worgret Road main gate; were the West Street gate closed, the walk would be measured to that
/// one (clause 1.1.1: "the nearest available entrance"), a little longer and still far short of
/// 3 miles: no change.
#[test]
fn a_refusal_says_what_closing_the_entrance_reached_would_do() {
    let v = explained(&[
        "--id",
        "DEMO-0027",
        "--easting",
        "391726",
        "--northing",
        "87808",
        "--year",
        "9",
        "--sex",
        "M",
        "--school",
        "148737",
    ]);
    assert_eq!(
        v["distances"]["walking_entrance"],
        "West Street pedestrian gate"
    );
    let gate = change(&v, "if West Street pedestrian gate were closed");
    let words = gate["change"].as_str().unwrap();
    assert!(words.contains("(Worgret Road main gate, "), "{words}");
    let miles: f64 = words
        .rsplit(", ")
        .next()
        .and_then(|t| t.strip_suffix(" miles)"))
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no distance in {words}"));
    let walked = v["distances"]["walking_m"].as_f64().unwrap() / 1609.344;
    assert!(miles > walked && miles < 3.0, "{miles} vs {walked}");
    assert_eq!(gate["outcome"], "not_eligible");
    assert_eq!(gate["changes_decision"], false);
}
