//! The letter a family receives (`report --family`, `batch --letters`, a panel pack's
//! letter.html): the council's letterhead and wording from the policy's letter template, the
//! names and address given with the case (in the letter only), its date (recorded, so that a
//! letter made again is the same), plain English figures, two A4 pages at most for a simple
//! refusal, and a map whose labels do not overlap.

mod common;

use common::{chromium, copy_dir, root, run};

const STUDIO: &[&str] = &common::STUDIO_DEMO_0022;

/// The Stourpaine case (see `common`), with an application id.
fn stourpaine() -> Vec<&'static str> {
    [&["--id", "STOURPAINE-1"][..], &common::STOURPAINE_Y2].concat()
}

const NAMES: &[&str] = &[
    "--set",
    "child_name=Amy Zephyrine",
    "--set",
    "parent_name=Ms Jo Zephyrine",
    "--set",
    "home_address=Quillet Cottage, Higher Bockhampton, Dorchester, DT2 8QJ",
    "--letter-date",
    "2022-06-01",
];

fn with(parts: &[&[&str]]) -> Vec<String> {
    parts.concat().iter().map(|s| s.to_string()).collect()
}

fn run_owned(a: &[String]) -> common::Run {
    let v: Vec<&str> = a.iter().map(String::as_str).collect();
    run(&v)
}

/// The pages of a PDF as Chromium writes it: one `/Type /Page` dictionary each.
fn pdf_pages(pdf: &[u8]) -> usize {
    let pat = b"/Type /Page";
    pdf.windows(pat.len() + 1)
        .filter(|w| &w[..pat.len()] == pat && w[pat.len()] != b's')
        .count()
}

#[test]
fn a_simple_refusal_is_a_plain_letter_from_the_council() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("letter.html");
    let a = with(&[
        &["report", "--family", "-o", out.to_str().unwrap()],
        STUDIO,
        NAMES,
    ]);
    let r = run_owned(&a);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    for wanted in [
        // The letterhead and sign-off, from policy/2022-23/letter.toml.
        "Dorset Council",
        "County Hall",
        "data:image/svg+xml;base64,",
        "The School Transport Team",
        // Who it is to, and when.
        "Ms Jo Zephyrine<br/>Quillet Cottage<br/>Higher Bockhampton<br/>Dorchester<br/>DT2 8QJ",
        "Dear Ms Jo Zephyrine,",
        "1 June 2022",
        "Our reference: DEMO-0022",
        // The outcome in the template's words, the figures in plain English.
        "Amy Zephyrine is not eligible for free transport to Dorset Studio School",
        "for the 2022 to 2023 school year",
        "<strong class=\"r-walk-mi\">1.6 miles</strong>",
        "a walking route of at least 3 miles (clause 1.1.1(ii))",
        "from where your home meets Hardy&#39;s Cottage Lane",
        "to the Kingston Maurward main drive gate",
        "£825</strong> a year",
        "You have 20 days from receiving the letter refusing transport to appeal",
        // The exact figures, once, at the foot.
        "2,572.8 metres (1.599 miles)",
    ] {
        assert!(html.contains(wanted), "{wanted} missing");
    }
    for jargon in [
        ">=",
        " mi<",
        "GBP",
        "2022-06-01",
        "2021-09-01",
        "osm:",
        "For an appeal panel",
        "For the officer",
        "SHA-256",
    ] {
        assert!(!html.contains(jargon), "{jargon} is in the family's letter");
    }
    // The panel's copy is the same letter followed by the decision in full.
    let panel_out = dir.path().join("panel.html");
    let mut p = with(&[
        &["report", "-o", panel_out.to_str().unwrap()],
        STUDIO,
        NAMES,
    ]);
    p.retain(|x| x != "--family");
    assert_eq!(run_owned(&p).code, Some(0));
    let panel = std::fs::read_to_string(&panel_out).unwrap();
    // Its letter part is the family's, with the policy's words quoted beside each next step.
    let letter_part = &panel[..panel.find("<section class=\"r-panel\">").unwrap()];
    let why = |h: &str| {
        let from = h.find("<h2>Why</h2>").unwrap();
        h[from..from + h[from..].find("<h2>What you can do next</h2>").unwrap()].to_string()
    };
    assert_eq!(why(letter_part), why(&html));
    assert!(letter_part.contains("<blockquote>") && !html.contains("<blockquote>"));
    for wanted in [
        "For an appeal panel",
        "walking route 1.599 mi &lt; 3 mi",
        "SHA-256",
    ] {
        assert!(
            panel.contains(wanted),
            "{wanted} missing from the panel's copy"
        );
    }
}

#[test]
fn a_refusal_letter_prints_on_two_a4_pages_at_most_and_an_eligible_one_too() {
    if chromium().is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is not installed: .ci/run installs it"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let stourpaine = stourpaine();
    for (name, case) in [("refusal", STUDIO), ("eligible", &stourpaine[..])] {
        let pack = dir.path().join(name);
        let a = with(&[&["report", "--pack", pack.to_str().unwrap()], case, NAMES]);
        let r = run_owned(&a);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let pdf = std::fs::read(pack.join("letter.pdf")).unwrap();
        let pages = pdf_pages(&pdf);
        assert!((1..=2).contains(&pages), "{name}: {pages} pages");
        // The panel's copy is longer: the letter, then the decision in full.
        let panel = pdf_pages(&std::fs::read(pack.join("panel.pdf")).unwrap());
        assert!(panel > pages, "{name}: panel {panel} pages, letter {pages}");
    }
}

#[test]
fn the_letters_date_is_recorded_and_a_letter_made_again_is_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    let a = with(&[&["report", "--pack", pack.to_str().unwrap()], STUDIO, NAMES]);
    assert_eq!(run_owned(&a).code, Some(0));
    let rec = pack.join("decision-record.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&rec).unwrap()).unwrap();
    assert_eq!(v["case"]["letter_date"], "2022-06-01");
    assert_eq!(v["case"]["child_name"], "Amy Zephyrine");
    let again = dir.path().join("again.html");
    let r = run(&[
        "report",
        "--family",
        "--record",
        rec.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let made_again = std::fs::read_to_string(&again).unwrap();
    assert!(made_again.contains("1 June 2022"));
    assert_eq!(
        made_again,
        std::fs::read_to_string(pack.join("letter.html")).unwrap()
    );
    // --letter-date redates a letter from a record; a bad date is refused by name.
    let r = run(&[
        "report",
        "--family",
        "--record",
        rec.to_str().unwrap(),
        "--letter-date",
        "2022-07-24",
    ]);
    assert!(r.stdout.contains("24 July 2022"));
    // A pack from a record must be made again the same: it takes the record's date only.
    let other = dir.path().join("other-pack");
    let r = run(&[
        "report",
        "--record",
        rec.to_str().unwrap(),
        "--pack",
        other.to_str().unwrap(),
        "--letter-date",
        "2022-07-24",
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("leave out --letter-date"), "{}", r.stderr);
    // A record that keeps no letter date (from `check --record`) needs one for a pack.
    let bare = dir.path().join("bare.json");
    let c = with(&[&["check", "--record", bare.to_str().unwrap()], STUDIO]);
    assert_eq!(run_owned(&c).code, Some(0));
    let r = run(&[
        "report",
        "--record",
        bare.to_str().unwrap(),
        "--pack",
        other.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("give --letter-date"), "{}", r.stderr);
    let r = run(&["report", "--letter-date", "24/07/2022"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("--letter-date"), "{}", r.stderr);
}

#[test]
fn names_and_addresses_reach_the_letters_only() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("apps.csv");
    std::fs::write(
        &csv,
        "id,easting,northing,year_group,school_urn,child_name,parent_name,home_address,letter_date\n\
         A1,372721,92329,10,140977,Amy Zephyrine,Ms Jo Zephyrine,\"Quillet Cottage, Dorchester\",\n\
         A2,372721,92329,Y99,140977,Bea Quorridge,Mr Bo Quorridge,\"Xylo House, Dorchester\",2022-06-02\n\
         A3,372721,92329,10,140977,Cy Vantablack,Mx Cy Vantablack,Wyvern Row,31/06/2022\n",
    )
    .unwrap();
    let out = dir.path().join("decisions.csv");
    let letters = dir.path().join("letters");
    let records = dir.path().join("records");
    let r = run(&[
        "batch",
        csv.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--letters",
        letters.to_str().unwrap(),
        "--records",
        records.to_str().unwrap(),
        "--letter-date",
        "2022-06-01",
        "--no-progress",
    ]);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    let decisions = std::fs::read_to_string(&out).unwrap();
    for name in [
        "Zephyrine",
        "Quorridge",
        "Vantablack",
        "Quillet",
        "Xylo",
        "Wyvern",
    ] {
        assert!(!r.stderr.contains(name), "{name} on stderr: {}", r.stderr);
        assert!(!decisions.contains(name), "{name} in the decisions CSV");
    }
    // Rows 2 and 3 are errors (a year group and a letter date that are not), named by field.
    assert!(decisions.contains("year_group"), "{decisions}");
    assert!(decisions.contains("letter_date"), "{decisions}");
    let letter = std::fs::read_to_string(letters.join("000001-A1.html")).unwrap();
    assert!(letter.contains("Dear Ms Jo Zephyrine,"));
    assert!(letter.contains("Quillet Cottage<br/>Dorchester"));
    assert!(letter.contains("1 June 2022"));
    assert!(!letters.join("000002-A2.html").exists() && !letters.join("000003-A3.html").exists());
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(records.join("000001-A1.json")).unwrap())
            .unwrap();
    assert_eq!(rec["case"]["letter_date"], "2022-06-01");
}

#[test]
fn a_council_changes_its_letters_in_the_template_not_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy");
    copy_dir(&root().join("policy/2022-23"), &policy);
    let template = policy.join("letter.toml");
    let text = std::fs::read_to_string(&template).unwrap();
    let edited = text
        .replace(
            "name = \"Dorset Council\"",
            "name = \"Wessex Shire Council\"",
        )
        .replace(
            "heading = \"{child} is not eligible for free transport to {school}\"",
            "heading = \"Our decision on transport for {child}\"",
        );
    std::fs::write(&template, &edited).unwrap();
    let p = policy.to_str().unwrap();
    let r = run_owned(&with(&[&["report", "--family", "--policy", p], STUDIO]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("Wessex Shire Council"));
    assert!(r
        .stdout
        .contains("Our decision on transport for your child"));
    // A placeholder the letter cannot fill is refused when the policy loads, by file and key.
    std::fs::write(&template, edited.replace("{child}", "{pupil}")).unwrap();
    let r = run_owned(&with(&[&["report", "--family", "--policy", p], STUDIO]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("letter.toml"), "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("{pupil}").count(),
        1,
        "said once: {}",
        r.stderr
    );
    assert!(r.stderr.contains("{pupil}"), "{}", r.stderr);
    // So is a logo that is not there.
    std::fs::write(&template, &edited).unwrap();
    std::fs::remove_file(policy.join("logo.svg")).unwrap();
    let r = run_owned(&with(&[&["report", "--family", "--policy", p], STUDIO]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("logo.svg"), "{}", r.stderr);
}

/// Every label's box (`data-box`) in an SVG.
fn label_boxes(svg: &str) -> Vec<(String, [f64; 4])> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let b: Vec<f64> = n
                .attribute("data-box")?
                .split(' ')
                .map(|v| v.parse().unwrap())
                .collect();
            Some((n.text().unwrap_or("").to_string(), [b[0], b[1], b[2], b[3]]))
        })
        .collect()
}

#[test]
fn the_map_names_the_streets_walked_and_no_label_covers_another() {
    let stourpaine = stourpaine();
    for (case, street) in [
        (STUDIO, "Hardy's Cottage Lane, Higher Bockhampton"),
        (&stourpaine[..], "A357 Durweston-Blandford road"),
    ] {
        let r = run_owned(&with(&[&["report", "--format", "svg"], case]));
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let svg = r.stdout;
        let boxes = label_boxes(&svg);
        assert!(boxes.len() >= 4, "{boxes:?}");
        assert!(
            boxes.iter().any(|(t, _)| t == street),
            "{street} not labelled: {boxes:?}"
        );
        for (i, (ta, a)) in boxes.iter().enumerate() {
            for (tb, b) in &boxes[i + 1..] {
                let overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
                assert!(!overlap, "{ta:?} {a:?} overlaps {tb:?} {b:?}");
            }
        }
        // The driven route is drawn over the walk (dashed), so both show where they share roads.
        let walk = svg.find("id=\"route-walk\"").unwrap();
        let drive = svg.find("id=\"route-drive\"").unwrap();
        assert!(drive > walk, "the driven route is drawn last");
    }
    // Two catchments on one map are drawn in two styles, each named in the legend.
    let r = run_owned(&with(&[&["report", "--format", "svg"], &stourpaine]));
    assert!(r.stdout.contains("class=\"catchment catchment-0\""));
    assert!(r.stdout.contains("class=\"catchment catchment-1\""));
    assert!(r
        .stdout
        .contains("Catchment: Durweston CE Primary School catchment"));
}
