//! `schoolrun report` (clauses 1.5.3 and 5.2): the HTML letter and the SVG map of a decision, run
//! on the bundled demo area and the tiny dated area. Checks that the page says the outcome first,
//! cites clauses with the policy's quotes, tells the family its surplus seat price, priority and
//! appeal deadline; that the map's route is the route `route` writes, drawn with the transform
//! the SVG states, and labelled with the distance `check` decided; that a what-if shows both
//! routes; that user text is escaped; and that a headless browser renders the page.

mod common;

use std::path::Path;
use std::process::Command as StdCommand;
use std::time::{Duration, Instant};

use common::{root, run};

/// Stourpaine, Year 2, Durweston Primary: the short walk over Durweston Bridge is unsafe
/// (RSA-2019-015), so the available walk is 7.252 miles (clause 1.5.4, 1.1.1(i)).
const STOURPAINE: &[&str] = &common::STOURPAINE_Y2;

/// DEMO-0022: Year 10 girl, Dorset Studio School, 1.599 miles: not eligible, surplus seat
/// GBP 825.00 in priority category 2 (clauses 1.1.1(ii), 1.3.2, 1.3.3(ii)).
const STUDIO: &[&str] = &common::STUDIO_DEMO_0022;

const DATED_CASE: &str =
    "fixtures/cases/1.5.3-network-date/default-network-date-path-not-yet-open.toml";

fn args<'a>(head: &[&'a str], case: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    let mut v = head.to_vec();
    v.extend_from_slice(case);
    v.extend_from_slice(tail);
    v
}

/// Runs `report` with the arguments and returns what it wrote to standard output.
fn report(a: &[&str]) -> String {
    let r = run(&args(&["report"], a, &[]));
    assert_eq!(r.code, Some(0), "report {a:?}: {}", r.stderr);
    r.stdout
}

/// The HTML must parse as XML: every element closed, every attribute quoted, every `&` escaped.
fn well_formed(html: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(html, opts)
        .unwrap_or_else(|e| panic!("the report is not well-formed: {e}"))
}

fn by_id<'a, 'i>(doc: &'a roxmltree::Document<'i>, id: &str) -> roxmltree::Node<'a, 'i> {
    doc.descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no element with id {id}"))
}

/// The SVG transform stated on an `<svg>` element: origin_e, origin_n, scale, pad.
fn transform(svg: roxmltree::Node) -> [f64; 4] {
    ["data-origin-e", "data-origin-n", "data-scale", "data-pad"].map(|k| {
        svg.attribute(k)
            .unwrap_or_else(|| panic!("svg has no {k}"))
            .parse()
            .unwrap()
    })
}

fn coord(v: f64) -> String {
    let s = format!("{v:.1}");
    if s == "-0.0" {
        "0.0".into()
    } else {
        s
    }
}

/// A route GeoJSON's line as the SVG's `points`, by the transform the SVG states.
fn expected_points(geojson: &serde_json::Value, t: [f64; 4]) -> String {
    let route = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["kind"] == "route")
        .expect("a route feature");
    route["geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let (e, n) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            format!(
                "{},{}",
                coord(t[3] + (e - t[0]) * t[2]),
                coord(t[3] + (t[1] - n) * t[2])
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn miles_3dp(m: f64) -> String {
    format!("{:.3}", m / 1609.344)
}

fn check_json(case: &[&str], tail: &[&str]) -> serde_json::Value {
    let r = run(&args(&["check", "--format", "json"], case, tail));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn route_geojson(case: &[&str], tail: &[&str]) -> serde_json::Value {
    let r = run(&args(&["route"], case, tail));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn help_report() {
    let r = run(&["report", "--help"]);
    assert_eq!(r.code, Some(0));
    insta::assert_snapshot!("help_report", r.stdout);
}

#[test]
fn the_letter_says_the_outcome_first_then_why_with_quotes() {
    let html = report(STOURPAINE);
    let doc = well_formed(&html);
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    // Outcome first: the first thing under the heading.
    let outcome = doc
        .descendants()
        .find(|n| n.attribute("data-outcome").is_some())
        .expect("an outcome block");
    assert_eq!(outcome.attribute("data-outcome"), Some("eligible"));
    let first = text
        .find(
            "Your child is eligible for free transport to Durweston Church of England Primary \
               School under the statutory walking distance.",
        )
        .unwrap();
    assert!(first < text.find("Why").unwrap(), "outcome must come first");
    // The panel's section states it with the clause.
    assert!(text.contains(
        "Application CHECK is eligible for free home to school transport to Durweston Church of \
         England Primary School under the statutory walking distance (clause 1.1.1(i))."
    ));
    // What follows the decision (clause 2.1): the fuel contribution for the driven route.
    assert!(text.contains("Arrangements and dates"), "{text}");
    assert!(text.contains("per return journey. (clause 2.1)"), "{text}");
    // Reasons with clause numbers and the policy's own words.
    assert!(text.contains("Clause 1.1.1(i)"), "{text}");
    assert!(text.contains("Clause 1.5.4"));
    assert!(text.contains(
        "if the child is in Reception Year to Year 4 (aged between 4 & 9) and lives two miles or \
         more from the catchment area or nearest school"
    ));
    assert!(text.contains(
        "If a route is deemed unsafe for a child to walk accompanied by an adult, that route will \
         be disregarded."
    ));
    assert!(text.contains("walking route 7.252 mi >= 2 mi, clause 1.1.1(i)"));
    // Self-contained: nothing fetched, nothing run.
    for bad in ["<script", "<link", "@import", "url(http", "href=\"http"] {
        assert!(!html.contains(bad), "the report must not contain {bad}");
    }
    // The council's logo is embedded, not fetched.
    assert_eq!(
        html.matches("src=\"").count(),
        html.matches("src=\"data:image/").count()
    );
    assert!(html.contains("src=\"data:image/svg+xml;base64,"));
}

#[test]
fn the_map_distance_and_route_are_those_of_the_decision() {
    let decision = check_json(STOURPAINE, &[]);
    let walking_mi = miles_3dp(decision["distances"]["walking_m"].as_f64().unwrap());
    let driven_mi = miles_3dp(decision["distances"]["driven_m"].as_f64().unwrap());
    assert_eq!(walking_mi, "7.252");
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("map.svg");
    let html = report(&args(
        STOURPAINE,
        &["--svg", svg_path.to_str().unwrap()],
        &[],
    ));
    let svg_text = std::fs::read_to_string(&svg_path).unwrap();
    let svg = roxmltree::Document::parse(&svg_text).unwrap();
    // The distance on the map is the distance decided.
    let walk = by_id(&svg, "route-walk");
    assert_eq!(walk.attribute("data-length-mi"), Some(walking_mi.as_str()));
    assert_eq!(
        by_id(&svg, "route-drive").attribute("data-length-mi"),
        Some(driven_mi.as_str())
    );
    assert!(svg_text.contains(&format!("Walking route: {walking_mi} miles")));
    assert!(html.contains(&format!("{walking_mi} miles")));
    // The line drawn is the route `route` writes, by the transform the SVG states.
    let t = transform(svg.root_element());
    let geo = route_geojson(STOURPAINE, &[]);
    assert_eq!(
        walk.attribute("points").unwrap(),
        expected_points(&geo, t),
        "the walking route drawn is not the route measured"
    );
    let geo_drive = route_geojson(STOURPAINE, &["--mode", "drive"]);
    assert_eq!(
        by_id(&svg, "route-drive").attribute("points").unwrap(),
        expected_points(&geo_drive, t)
    );
    // Unsafe stretches with the audit that marked them, scale bar, north arrow, legend.
    let audits: Vec<&str> = svg
        .descendants()
        .filter_map(|n| n.attribute("data-audit"))
        .collect();
    assert!(
        audits.iter().any(|a| a.starts_with("RSA-2019-015")),
        "{audits:?}"
    );
    assert!(svg_text.contains("Unsafe: RSA-2019-015"));
    for id in ["scale-bar", "north-arrow", "legend", "route-disregarded"] {
        by_id(&svg, id);
    }
    // North up: the home (north of the school here) is drawn above the school's site point.
    assert!(t[1] > 109640.0 && t[0] < 386142.0);
    // The same map is inlined in the page, with prefixed ids.
    let doc = well_formed(&html);
    assert_eq!(
        by_id(&doc, "decided-route-walk").attribute("points"),
        walk.attribute("points")
    );
}

#[test]
fn a_refused_family_is_told_the_seat_price_priority_and_appeal_deadline() {
    let html = report(STUDIO);
    let doc = well_formed(&html);
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    assert!(text.contains(
        "Application DEMO-0022 is not eligible for free home to school transport to Dorset \
         Studio School."
    ));
    // The limit and the price in words a family reads (the exact forms stay in the figures).
    assert!(text.contains(
        "Free transport to this school needs a walking route of at least 3 miles (clause \
         1.1.1(ii)), so it cannot be given."
    ));
    // Surplus seat: price, priority, and the policy's words (clause 1.3).
    assert!(
        text.contains("The charge is £825 a year (clause 1.3.2)."),
        "{text}"
    );
    assert!(!text.contains("GBP"), "{text}");
    assert!(text.contains("priority category 2"));
    assert!(text.contains("The price for a surplus seat for 2022-2023 will be £825."));
    assert!(text.contains("who are attending their catchment school or for whom the school is"));
    assert!(text.contains("Applications to purchase a surplus seat must be made online"));
    assert!(text.contains("Spare seats that are available on any of the Council"));
    // Appeal: the 20-day deadline and the grounds, quoted (clause 5.2).
    assert!(text.contains("You have 20 days from receiving the letter refusing transport"));
    assert!(text.contains("This must be submitted within 20 days of the receipt of the letter"));
    assert!(text.contains("They are appealing on route safety grounds"));
    assert!(text.contains("Policy clause 5.2"));
    // The same under 2021-22: £800 (clause 1.3.2), the rest unchanged.
    let old = report(&args(STUDIO, &["--academic-year", "2021-22"], &[]));
    assert!(old.contains("The charge is <strong class=\"r-charge\">£800</strong> a year"));
    assert!(!old.contains("£825</strong>"));
}

#[test]
fn a_what_if_shows_both_decisions_and_both_routes() {
    let html = report(&args(STOURPAINE, &["--ignore-audit", "RSA-2019-015"], &[]));
    let doc = well_formed(&html);
    let outcomes: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("data-outcome"))
        .collect();
    // The letter's outcome, the panel's statement of it, and the what-if's.
    assert_eq!(outcomes, ["eligible", "eligible", "not_eligible"]);
    assert!(html.contains("What if route safety audit RSA-2019-015 had not been made?"));
    let decided = by_id(&doc, "decided-route-walk");
    let what_if = by_id(&doc, "whatif-route-walk");
    let as_decided = by_id(&doc, "whatif-route-as-decided");
    assert_eq!(decided.attribute("data-length-mi"), Some("7.252"));
    assert_eq!(what_if.attribute("data-length-mi"), Some("0.813"));
    assert_eq!(as_decided.attribute("data-length-mi"), Some("7.252"));
    // The what-if route is the route `route` measures under the same what-if, and the route as
    // decided is drawn on the what-if map by that map's transform.
    let svg = what_if.ancestors().find(|n| n.has_tag_name("svg")).unwrap();
    let t = transform(svg);
    assert_eq!(
        what_if.attribute("points").unwrap(),
        expected_points(
            &route_geojson(STOURPAINE, &["--ignore-audit", "RSA-2019-015"]),
            t
        )
    );
    assert_eq!(
        as_decided.attribute("points").unwrap(),
        expected_points(&route_geojson(STOURPAINE, &[]), t)
    );
    // The standalone map of a what-if holds both routes.
    let svg_only = report(&args(
        STOURPAINE,
        &["--ignore-audit", "RSA-2019-015", "--format", "svg"],
        &[],
    ));
    assert!(svg_only.contains("id=\"route-walk\"") && svg_only.contains("id=\"route-as-decided\""));
}

#[test]
fn the_svg_of_the_dated_area_is_golden_and_deterministic() {
    let a = [
        "--case",
        DATED_CASE,
        "--area",
        "fixtures/areas/dated",
        "--as-of",
        "2022-04-01",
        "--format",
        "svg",
    ];
    let first = report(&a);
    assert_eq!(first, report(&a), "the same input must give the same bytes");
    let doc = roxmltree::Document::parse(&first).unwrap();
    assert_eq!(
        by_id(&doc, "route-walk").attribute("data-length-mi"),
        Some("2.175")
    );
    assert_eq!(
        by_id(&doc, "route-as-decided").attribute("data-length-mi"),
        Some("5.903")
    );
    insta::assert_snapshot!("svg_dated_as_of_2022_04_01", first);
}

#[test]
fn user_text_is_escaped() {
    let html = report(&args(
        STOURPAINE,
        &["--id", "<script>alert('x')</script>&\"q\""],
        &[],
    ));
    assert!(!html.contains("<script>"), "an id must never become markup");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;q&quot;"));
    let doc = well_formed(&html);
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(
        title.ends_with("<script>alert('x')</script>&\"q\""),
        "{title}"
    );
}

#[test]
fn a_report_from_a_record_is_the_recorded_decision_and_refuses_changed_data() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec.json");
    let r = run(&args(
        &["check"],
        STOURPAINE,
        &["--record", rec.to_str().unwrap()],
    ));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let from_case = report(STOURPAINE);
    let from_record = report(&["--record", rec.to_str().unwrap()]);
    assert!(from_record.contains("re-decided and reproduced exactly"));
    // The same page apart from the note on where it came from.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("re-decided and reproduced exactly"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&from_case), strip(&from_record));

    // A record whose area file has changed since: refused, naming the file.
    let area = dir.path().join("area");
    std::fs::create_dir_all(&area).unwrap();
    for e in std::fs::read_dir(root().join("fixtures/demo")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), area.join(e.file_name())).unwrap();
        }
    }
    let rec2 = dir.path().join("rec2.json");
    let r = run(&args(
        &["check"],
        STOURPAINE,
        &[
            "--area",
            area.to_str().unwrap(),
            "--record",
            rec2.to_str().unwrap(),
        ],
    ));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let schools = area.join("schools.csv");
    let mut text = std::fs::read_to_string(&schools).unwrap();
    text.push('\n');
    std::fs::write(&schools, text).unwrap();
    let r = run(&["report", "--record", rec2.to_str().unwrap()]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("rec2.json"), "{}", r.stderr);
    assert!(r.stderr.contains("schools.csv"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn bad_input_is_named_never_a_panic() {
    let r = run(&["report", "--record", "no/such/record.json"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("no/such/record.json"), "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.json");
    std::fs::write(&p, "{\"a\": 1}").unwrap();
    let r = run(&["report", "--record", p.to_str().unwrap()]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("not a decision record"), "{}", r.stderr);
    let r = run(&args(
        &["report"],
        STOURPAINE,
        &["--mark-unsafe", "no-such-edge"],
    ));
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("no-such-edge"), "{}", r.stderr);
    let r = run(&["report", "--year", "Y2", "--school", "149456"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("easting"), "{}", r.stderr);
}

// The page in a real browser.

/// Debian's chromium, when installed.
use common::chromium;

/// Runs the browser headless on `url` with `extra` flags, killed after two minutes.
fn headless(browser: &Path, extra: &[String], url: &str) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = StdCommand::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_page_renders_in_a_headless_browser_to_png_and_pdf() {
    let Some(browser) = chromium() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "chromium is not installed: .ci/run installs it; the browser test must run in CI"
            );
        }
        eprintln!(
            "skipping the browser test: chromium is not installed (apt-get install chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let r = run(&args(
        &["report"],
        STOURPAINE,
        &[
            "--ignore-audit",
            "RSA-2019-015",
            "-o",
            html.to_str().unwrap(),
        ],
    ));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let url = format!("file://{}", html.display());
    let png_path = dir.path().join("report.png");
    let pdf_path = dir.path().join("report.pdf");
    headless(
        &browser,
        &[
            format!("--screenshot={}", png_path.display()),
            "--window-size=1000,2400".into(),
        ],
        &url,
    );
    headless(
        &browser,
        &[format!("--print-to-pdf={}", pdf_path.display())],
        &url,
    );

    let decoder = png::Decoder::new(std::fs::File::open(&png_path).expect("a screenshot"));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1000, 2400));
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let mut colours: Vec<&[u8]> = pixels.clone();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 50, "the screenshot is (nearly) one colour");
    // The walking route's blue (#1f5fbf) is drawn: the map rendered, not just the text.
    let blue = pixels
        .iter()
        .filter(|p| {
            p[0].abs_diff(0x1f) < 12 && p[1].abs_diff(0x5f) < 12 && p[2].abs_diff(0xbf) < 12
        })
        .count();
    assert!(
        blue > 200,
        "the walking route is not on the screenshot ({blue} pixels)"
    );

    let pdf = std::fs::read(&pdf_path).expect("a PDF");
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert!(
        pdf.len() > 20_000,
        "the PDF is too small: {} bytes",
        pdf.len()
    );
}

/// The letter names the basis in the policy's own words (`[letter.basis]`), which an officer can
/// edit; a table that leaves a basis out is refused, naming the file and the basis.
#[test]
fn the_letter_names_the_basis_in_the_policys_words() {
    let html = report(STOURPAINE);
    assert!(
        html.contains("under the statutory walking distance"),
        "{html}"
    );
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy");
    common::copy_dir(&common::root().join("policy/2022-23"), &policy);
    let steps = policy.join("letter.toml");
    let text = std::fs::read_to_string(&steps).unwrap();
    let edited = text.replace(
        "statutory_distance = \"the statutory walking distance\"",
        "statutory_distance = \"the walking distance the law sets\"",
    );
    assert_ne!(edited, text);
    std::fs::write(&steps, &edited).unwrap();
    let p = policy.to_str().unwrap();
    let html = report(&args(&["--policy", p], STOURPAINE, &[]));
    assert!(
        html.contains("under the walking distance the law sets"),
        "{html}"
    );
    let without: String = edited
        .lines()
        .filter(|l| !l.starts_with("statutory_distance ="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&steps, without).unwrap();
    let r = run(&["policy", "show", "--policy", p]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("letter.toml"), "{}", r.stderr);
    assert!(
        r.stderr.contains("gives no words for statutory_distance"),
        "{}",
        r.stderr
    );
}

/// A letter quotes the area rule of clause 1.1.3 that bore on the case, not every area rule
/// (issue 11, item 9): a Dorset Studio School decision quotes the Studio School rule only, not
/// the joint catchment or Swanage rules.
#[test]
fn a_letter_quotes_only_the_area_rule_that_bore_on_the_case() {
    let r = run(&[
        "report",
        "--case",
        "fixtures/cases/1.1.3-area-rules/studio-year10-nearest.toml",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    well_formed(&r.stdout);
    assert!(
        r.stdout.contains("In the case of the Dorset Studio School"),
        "the Studio School rule is quoted"
    );
    for other in [
        "Gillingham, Blandford, Verwood",
        "combined catchment areas of the Swanage",
    ] {
        assert!(!r.stdout.contains(other), "{other} is quoted");
    }
}

/// A value that quotes a phrase of its section's clause (1.1.6's "three nearest eligible
/// schools") does not make the letter quote the clause twice.
#[test]
fn a_letter_quotes_a_clause_once() {
    let r = run(&[
        "report",
        "--case",
        "fixtures/cases/1.1.3-area-rules/joint-primary-further-catchment-school.toml",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // Once in the panel's reasons; the letter quotes the deciding clause only when it is short.
    let phrase = "three nearest eligible schools in the case of 1.1.4 above";
    let panel = &r.stdout[r.stdout.find("class=\"r-panel\"").unwrap()..];
    assert_eq!(panel.matches(phrase).count(), 1, "{}", r.stdout);
}

/// Every report says how its distances were measured (clauses 1.1.1, 1.5.3, 1.5.4), from the
/// policy, the area and the date actually used: the network's date (another with --as-of), the
/// unsafe stretch the walk went round with the walk it would otherwise have been, the policy's
/// driving limits, and the mile as compared.
#[test]
fn the_report_says_how_the_distances_were_measured() {
    let method = |html: &str| {
        let doc = well_formed(html);
        let section = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("r-method"))
            .expect("a method statement");
        section
            .descendants()
            .filter(|n| n.is_text())
            .map(|n| n.text().unwrap_or(""))
            .collect::<String>()
    };
    let m = method(&report(STOURPAINE));
    assert!(m.contains("How the distances were measured"), "{m}");
    assert!(
        m.contains("as it was on 1 September 2021") && m.contains("(clause 1.5.3)"),
        "{m}"
    );
    assert!(m.contains("where the home meets the adopted road"), "{m}");
    // The walk over the unsafe bridge, as the map draws it, is the one disregarded.
    assert!(
        m.contains("RSA-2019-015") && m.contains("(clause 1.5.4)"),
        "{m}"
    );
    let disregarded = route_geojson(STOURPAINE, &["--ignore-audit", "RSA-2019-015"]);
    let shorter = disregarded["features"][0]["properties"]["length_m"]
        .as_f64()
        .expect("a route length");
    assert!(
        m.contains(&format!("been {} miles", miles_3dp(shorter))),
        "{m}"
    );
    assert!(
        m.contains("less than 6 miles (clause 1.1.4 (Years 7 to 11))"),
        "{m}"
    );
    assert!(m.contains("1 mile = 1,609.344 metres"), "{m}");
    // Another year's policy measures on another network date, and says so; a walk with no
    // unsafe stretch on it says so too.
    let m = method(&report(&args(&["--academic-year", "2021-22"], STUDIO, &[])));
    assert!(m.contains("as it was on 1 September 2020"), "{m}");
    assert!(
        m.contains("none of them lies on the shortest walk here"),
        "{m}"
    );
}

/// The panel reads what would change the decision, each change decided again: for Stourpaine,
/// setting aside the audit of Durweston Bridge (RSA-2019-015) changes the outcome; a low-income
/// finding does not (the child is already eligible).
#[test]
fn the_report_says_what_would_change_the_decision() {
    let html = report(STOURPAINE);
    let doc = well_formed(&html);
    let section = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("r-would-change"))
        .expect("a what-would-change section");
    let items: Vec<String> = section
        .descendants()
        .filter(|n| n.has_tag_name("li"))
        .map(|n| {
            n.descendants()
                .filter(|t| t.is_text())
                .map(|t| t.text().unwrap_or(""))
                .collect()
        })
        .collect();
    let item = |words: &str| {
        items
            .iter()
            .find(|i| i.contains(words))
            .unwrap_or_else(|| panic!("no item naming {words}: {items:?}"))
    };
    assert!(
        item("RSA-2019-015").contains("The outcome changes"),
        "{items:?}"
    );
    assert!(item("free school meals").contains("No change"), "{items:?}");
}

/// The panel pack: the letter, the map, each route in both coordinate systems, the decision
/// record (the very bytes `check --record` writes), the method statement and what would change
/// it, with a manifest whose SHA-256s are the files'; made again from the record, every file is
/// byte-identical; and it never writes over the record it was made from.
#[test]
fn the_panel_pack_holds_every_piece_and_is_reproduced_from_the_record() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("record.json");
    let mut check = vec!["check", "--record", rec.to_str().unwrap()];
    check.extend(STOURPAINE);
    // The letter's date is recorded with the case, so a pack made again dates its letter alike.
    check.extend(["--set", "letter_date=2022-06-01"]);
    assert_eq!(run(&check).code, Some(0));
    let pack = |name: &str, from: &[&str]| {
        let p = dir.path().join(name);
        let r = run(&args(&["report", "--pack", p.to_str().unwrap()], from, &[]));
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        p
    };
    let mut dated = STOURPAINE.to_vec();
    dated.extend(["--letter-date", "2022-06-01"]);
    let a = pack("from-case", &dated);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("manifest.json")).unwrap()).unwrap();
    let names: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for wanted in [
        "decision-record.json",
        "letter.html",
        "panel.html",
        "map.svg",
        "method.json",
        "route-drive-epsg27700.geojson",
        "route-drive-wgs84.geojson",
        "route-walk-epsg27700.geojson",
        "route-walk-wgs84.geojson",
        "would-change.json",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing: {names:?}");
    }
    for f in manifest["files"].as_array().unwrap() {
        let bytes = std::fs::read(a.join(f["name"].as_str().unwrap())).unwrap();
        let sha: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"], sha.as_str(), "{}", f["name"]);
        assert_eq!(f["bytes"], bytes.len());
    }
    assert_eq!(
        std::fs::read(a.join("decision-record.json")).unwrap(),
        std::fs::read(&rec).unwrap(),
        "the pack's record is the one check writes"
    );
    // The letter printed to PDF where a headless Chromium is on the PATH (CI installs one);
    // the two packs from the record below hold the same PDF to the byte.
    if chromium().is_some() {
        assert!(names.contains(&"letter.pdf"), "{names:?}");
        let pdf = std::fs::read(a.join("letter.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 20_000);
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is not installed: .ci/run installs it"
        );
    }
    // The walk in grid metres is what `route` writes.
    let route = run(&args(&["route"], STOURPAINE, &[]));
    assert_eq!(
        std::fs::read_to_string(a.join("route-walk-epsg27700.geojson")).unwrap(),
        route.stdout
    );
    // From the record, twice: the same bytes.
    let from_record = ["--record", rec.to_str().unwrap()];
    let (b, c) = (
        pack("from-record-1", &from_record),
        pack("from-record-2", &from_record),
    );
    for name in &names {
        assert_eq!(
            std::fs::read(b.join(name)).unwrap(),
            std::fs::read(c.join(name)).unwrap(),
            "{name} differs between two packs from the record"
        );
    }
    // A pack folder holding the record read is not written over.
    std::fs::copy(&rec, dir.path().join("decision-record.json")).unwrap();
    let inside = dir.path().join("decision-record.json");
    let r = run(&[
        "report",
        "--record",
        inside.to_str().unwrap(),
        "--pack",
        dir.path().to_str().unwrap(),
    ]);
    assert_ne!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("--pack"), "{}", r.stderr);
}
