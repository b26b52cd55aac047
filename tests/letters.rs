//! `batch --letters DIR`: a letter per decided row of an intake (the page `report` writes for
//! it), an index listing every row with its outcome, and no letter for a row that could not be
//! decided; the same letters whatever the thread count, and the decisions CSV unchanged.

mod common;

use common::{root, run};

#[test]
fn an_intake_gets_a_letter_per_decided_row_and_an_index_of_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let apps = root().join("fixtures/demo/applications.csv");
    let batch = |letters: &str, threads: &str| {
        let out = dir.path().join(format!("{letters}.csv"));
        let folder = dir.path().join(letters);
        let r = run(&[
            "batch",
            apps.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--letters",
            folder.to_str().unwrap(),
            "--threads",
            threads,
            "--no-progress",
        ]);
        assert_eq!(r.code, Some(3), "{}", r.stderr);
        (std::fs::read_to_string(out).unwrap(), folder, r.stderr)
    };
    let (csv, folder, said) = batch("letters", "2");
    // The decisions are those of a batch without letters.
    let plain = dir.path().join("plain.csv");
    run(&[
        "batch",
        apps.to_str().unwrap(),
        "-o",
        plain.to_str().unwrap(),
        "--no-progress",
    ]);
    assert_eq!(csv, std::fs::read_to_string(plain).unwrap());
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    let errors = rows
        .iter()
        .filter(|l| l.split(',').nth(2) == Some("error"))
        .count();
    let letters: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect();
    assert_eq!(
        letters.len(),
        rows.len() - errors,
        "a letter per decided row"
    );
    assert!(
        said.contains(&format!("letters: {} written", letters.len())),
        "{said}"
    );
    // DEMO-0022's letter is the one `report --family` writes for it: with how the distance was
    // measured, without the panel's sections.
    let letter = std::fs::read_to_string(folder.join("000022-DEMO-0022.html")).unwrap();
    assert!(letter.contains("Our reference: DEMO-0022"));
    assert!(letter.contains("How we measured the distance"));
    assert!(!letter.contains("For an appeal panel"));
    // The index lists every row, the ones without a letter with why.
    let index = std::fs::read_to_string(folder.join("index.html")).unwrap();
    assert_eq!(index.matches("<tr><td>").count(), rows.len());
    assert_eq!(index.matches("no letter: ").count(), errors);
    assert!(index.contains("href=\"000022-DEMO-0022.html\""));
    // One thread writes the same letters.
    let (_, one, _) = batch("one-thread", "1");
    for name in letters.iter().chain([&"index.html".to_string()]) {
        assert!(
            std::fs::read(folder.join(name)).unwrap() == std::fs::read(one.join(name)).unwrap(),
            "{name} differs with one thread"
        );
    }
}

/// `--pdf` prints each letter with the headless Chromium on the PATH: a PDF beside each HTML
/// letter, linked from the index, two A4 pages at most for these refusals; with no browser on
/// the PATH the batch stops before deciding anything and says how to install one.
#[test]
fn letters_are_printed_to_pdf_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let apps = dir.path().join("apps.csv");
    std::fs::write(
        &apps,
        "id,easting,northing,year_group,sex,school_urn\n\
         P-1,372721,92329,10,F,140977\n\
         P-2,372721,92329,11,F,140977\n",
    )
    .unwrap();
    let out = dir.path().join("d.csv");
    let folder = dir.path().join("letters");
    let a = [
        "batch",
        apps.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--letters",
        folder.to_str().unwrap(),
        "--pdf",
        "--no-progress",
    ];
    // No browser: refused up front, naming the option and the fix.
    let mut bare = common::schoolrun();
    bare.env("PATH", dir.path());
    let r = common::run_command(bare, &a);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("--pdf") && r.stderr.contains("apt-get install chromium"));
    assert!(!folder.exists() && !out.exists());
    if common::chromium().is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is not installed: .ci/run installs it"
        );
        return;
    }
    let r = run(&a);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("2 printed to PDF"), "{}", r.stderr);
    let index = std::fs::read_to_string(folder.join("index.html")).unwrap();
    for name in ["000001-P-1", "000002-P-2"] {
        let pdf = std::fs::read(folder.join(format!("{name}.pdf"))).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let pat = b"/Type /Page";
        let pages = pdf
            .windows(pat.len() + 1)
            .filter(|w| &w[..pat.len()] == pat && w[pat.len()] != b's')
            .count();
        assert!((1..=2).contains(&pages), "{name}: {pages} pages");
        assert!(index.contains(&format!("href=\"{name}.pdf\"")), "{index}");
    }
}
