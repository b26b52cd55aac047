//! Command-line arguments (clap derive). Every flag has help text; defaults point at the bundled
//! demo area and the 2022-23 policy so that a newcomer can run any command from the repository.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Decide home-to-school transport eligibility under a council's published policy.
#[derive(Debug, Parser)]
#[command(
    name = "schoolrun",
    version,
    max_term_width = 100,
    after_help = crate::cmd::exit_codes_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decide one application, given by flags or by a case file.
    Check(CheckArgs),
    /// Decide every row of an applications CSV.
    Batch(BatchArgs),
    /// Show the loaded policy, or run worked cases against it.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// List the schools near a location.
    #[command(subcommand)]
    Schools(SchoolsCommand),
    /// Write the measured route for a case as GeoJSON (the map of clause 1.5.3).
    Route(RouteArgs),
    /// Convert networks from other sources (OpenStreetMap) into this tool's format.
    #[command(subcommand)]
    Network(NetworkCommand),
    /// Compare two decisions files (from `batch`) and list every case whose outcome, basis,
    /// school, charge or surplus priority changed, with the cause.
    Diff(DiffArgs),
    /// Re-run a decision record against the files it names and report "reproduced" or exactly
    /// what differs (a file, an input, a distance, the outcome).
    Replay(ReplayArgs),
    /// Write the decision for a case or a decision record as a self-contained HTML letter to the
    /// family (the outcome, why in plain words, what the family can do next, and a map of the
    /// measured route) followed by the decision in full for an appeal panel, or the map alone as
    /// SVG. With a what-if, both decisions and routes.
    Report(ReportArgs),
    /// Turn an area directory into one prepared area file that loads in milliseconds; every
    /// --area accepts it in place of the directory, with the same decisions and source
    /// fingerprints.
    Prepare(PrepareArgs),
    /// Print a shell completion script (for packagers: install it where the shell looks).
    Completions(CompletionsArgs),
    /// Print the manual page (roff, for man(1)).
    Man,
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Which policy applies: `--policy` or `--academic-year` (which clap keeps apart), declared once
/// for every command that loads a policy. `policy` is `None` when neither the flag nor its
/// environment variable is given, so that a case file's own `policy =` can apply (`--case`);
/// [`PolicyFlags::dir`] falls back to the default. A command whose help must say something else
/// (its own default, or what it uses the policy for) rewords it with `mut_arg`.
#[derive(Debug, Args, Clone, Default)]
pub struct PolicyFlags {
    /// Policy directory (every *.toml in it) or a single policy file [default: policy/2022-23
    /// in the current directory when there is one, else the Dorset 2022-23 policy built into
    /// the binary; or the case file's policy = with --case] [env: SCHOOLRUN_POLICY].
    #[arg(long, value_name = "DIR")]
    pub policy: Option<PathBuf>,
    /// Academic year whose policy to apply, e.g. 2021-22: the directory of that name next to the
    /// default policy (policy/2021-22, or built in). Instead of --policy [env:
    /// SCHOOLRUN_ACADEMIC_YEAR].
    #[arg(long, value_name = "YEAR", conflicts_with = "policy")]
    pub academic_year: Option<String>,
}

/// An environment variable's value, when set and not blank.
fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl PolicyFlags {
    /// The policy directory these flags select. Flags on the command line win over the
    /// environment (`SCHOOLRUN_ACADEMIC_YEAR`, then `SCHOOLRUN_POLICY`), so `--academic-year`
    /// works with `SCHOOLRUN_POLICY` set; with neither, the default policy.
    pub fn dir(&self) -> PathBuf {
        if let Some(year) = &self.academic_year {
            return year_dir(year);
        }
        if let Some(p) = &self.policy {
            return p.clone();
        }
        if let Some(year) = env_value("SCHOOLRUN_ACADEMIC_YEAR") {
            return year_dir(&year);
        }
        if let Some(p) = env_value("SCHOOLRUN_POLICY") {
            return PathBuf::from(p);
        }
        default_policy()
    }

    /// Whether either flag (or its environment variable) was given.
    pub fn given(&self) -> bool {
        self.policy.is_some()
            || self.academic_year.is_some()
            || env_value("SCHOOLRUN_POLICY").is_some()
            || env_value("SCHOOLRUN_ACADEMIC_YEAR").is_some()
    }
}

/// The default policy: `policy/2022-23` of the current directory (a checkout), else the same
/// policy built into the binary (an installed `schoolrun` run anywhere).
pub fn default_policy() -> PathBuf {
    if Path::new(DEFAULT_POLICY).exists() {
        PathBuf::from(DEFAULT_POLICY)
    } else {
        crate::io::builtin_policy::builtin(Path::new(DEFAULT_POLICY))
    }
}

/// The directory of an academic year's policy next to the default policy.
pub fn year_dir(year: &str) -> PathBuf {
    policy_root().join(year.trim())
}

/// Which area the data comes from: `--area`, declared once for every command that loads one.
/// `None` when neither the flag nor its environment variable is given, so that a case file's
/// own `area =` can apply; [`AreaFlag::path`] falls back to the demo area.
#[derive(Debug, Args, Clone, Default)]
pub struct AreaFlag {
    /// Area directory holding area.toml (schools, entrances, catchments, network), the
    /// area.toml file itself, or a prepared area file (from `schoolrun prepare`) [default:
    /// fixtures/demo, or the case file's area = with --case].
    #[arg(long, value_name = "DIR", env = "SCHOOLRUN_AREA")]
    pub area: Option<PathBuf>,
}

impl AreaFlag {
    /// The area these flags select (the demo area when none).
    pub fn path(&self) -> PathBuf {
        self.area
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_AREA))
    }
}

/// Where the policy and the area data come from, and how a measurement is made of them.
/// [`Sources::policy_dir`] and [`Sources::area_path`] fall back to the defaults.
#[derive(Debug, Args, Clone)]
pub struct Sources {
    #[command(flatten)]
    pub policy: PolicyFlags,
    #[command(flatten)]
    pub area: AreaFlag,
    /// Furthest, in metres, a home or entrance may be from a usable edge (overrides area.toml):
    /// more than 0, at most 2000.
    #[arg(long, value_name = "METRES", value_parser = max_snap_m)]
    pub max_snap: Option<f64>,
    /// Measure on the network and entrances as they were on this date (YYYY-MM-DD), with the
    /// route safety audits dated up to it. Default: the policy's network date (clause 1.5.3:
    /// September in the year before the academic year, 2021-09-01 for 2022-23).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// What if this stretch were unsafe to walk: an edge id of the network, or the reference of
    /// an audit whose stretches are then taken as unsafe (repeatable). Applied after every real
    /// audit and named in the decision as "what-if: ID marked unsafe".
    #[arg(long, value_name = "ID")]
    pub mark_unsafe: Vec<String>,
    /// What if this route safety audit had not been made: leave it out (repeatable).
    #[arg(long, value_name = "REF")]
    pub ignore_audit: Vec<String>,
    /// Entrances taken as closed, (URN, name): asked by what would change a decision, never on
    /// the command line.
    #[arg(skip)]
    pub closed_entrances: Vec<(u32, String)>,
    /// Flag decisions whose distance is within this many miles of a limit: 0 to 5 [default:
    /// the home point's stated uncertainty where its quality is known (a UPRN or postcode),
    /// else 0.1].
    #[arg(
        long,
        value_name = "MILES",
        allow_negative_numbers = true,
        value_parser = margin_miles
    )]
    pub margin_miles: Option<f64>,
}

// Documented ranges of the numeric flags: a value outside is a usage error (exit 2) naming the
// flag, never a long run that fails late or a silent nonsense answer.

/// Most worker threads `batch --threads` takes: more is a typing mistake, and each thread
/// costs a stack (100000 threads ran out of memory).
pub const MAX_THREADS: u64 = 1024;

/// Widest `--margin-miles`: the policy's limits are 2, 3 and 6 miles, so a margin beyond 5
/// miles flags every decision and can only be a mistake.
pub const MAX_MARGIN_MILES: f64 = 5.0;

/// Most schools `schools near --count` lists.
pub const MAX_NEAR_COUNT: u64 = 1000;

/// A number as a flag value: finite (NaN and infinity are refused).
fn finite(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err("not a finite number".into()),
    }
}

/// `--max-snap`: a distance in metres within [`crate::io::area_dir::check_max_snap`]'s range.
/// A date written YYYY-MM-DD (a letter's date).
fn iso_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| "give the date as YYYY-MM-DD, e.g. 2022-06-01".to_string())
}

fn max_snap_m(s: &str) -> Result<f64, String> {
    let v = finite(s)?;
    crate::io::area_dir::check_max_snap(v)?;
    Ok(v)
}

/// Checks a close-decision margin: 0 to [`MAX_MARGIN_MILES`] miles. Also applied to the margin
/// a replayed decision record names, which does not pass through clap.
pub fn check_margin_miles(m: f64) -> Result<(), String> {
    if m.is_finite() && (0.0..=MAX_MARGIN_MILES).contains(&m) {
        Ok(())
    } else {
        Err(format!(
            "{m} is not a number of miles from 0 to {MAX_MARGIN_MILES}"
        ))
    }
}

/// `--margin-miles`.
fn margin_miles(s: &str) -> Result<f64, String> {
    let v = finite(s)?;
    check_margin_miles(v)?;
    Ok(v)
}

// Policy years (`--academic-year`, `policy diff`).

/// The policy used when neither --policy nor --academic-year is given, relative to the current
/// directory (the repository root for a newcomer).
pub const DEFAULT_POLICY: &str = "policy/2022-23";

/// The area used when --area is not given (the bundled demo area).
pub const DEFAULT_AREA: &str = "fixtures/demo";

/// The directory holding one policy directory per academic year: the default policy's parent
/// (built in when the default policy is).
pub fn policy_root() -> PathBuf {
    default_policy()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

impl Sources {
    /// The policy directory these flags select (the default policy when none).
    pub fn policy_dir(&self) -> PathBuf {
        self.policy.dir()
    }

    /// The area these flags select (the demo area when none).
    pub fn area_path(&self) -> PathBuf {
        self.area.path()
    }
}

/// Output format for a single decision or listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// JSON for machines.
    Json,
}

/// Where the home is: eastings/northings, or latitude/longitude converted with OSTN15.
#[derive(Debug, Args, Clone, Default)]
pub struct HomeFlags {
    /// Home easting (British National Grid metres).
    #[arg(long, allow_hyphen_values = true)]
    pub easting: Option<String>,
    /// Home northing (British National Grid metres).
    #[arg(long, allow_hyphen_values = true)]
    pub northing: Option<String>,
    /// Home latitude (WGS84 degrees), instead of easting/northing.
    #[arg(long, allow_hyphen_values = true)]
    pub lat: Option<String>,
    /// Home longitude (WGS84 degrees), instead of easting/northing.
    #[arg(long, allow_hyphen_values = true)]
    pub lon: Option<String>,
    /// The home's UPRN, found in the area's address gazetteer (`addresses` in area.toml);
    /// coordinates given as well win.
    #[arg(long)]
    pub uprn: Option<String>,
    /// The home's postcode, found in the area's Code-Point Open postcodes (`postcodes` in
    /// area.toml): the decision is provisional. Used only without coordinates or a UPRN.
    #[arg(long)]
    pub postcode: Option<String>,
}

impl HomeFlags {
    /// The flags given, as case fields.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        [
            ("easting", &self.easting),
            ("northing", &self.northing),
            ("latitude", &self.lat),
            ("longitude", &self.lon),
            ("uprn", &self.uprn),
            ("postcode", &self.postcode),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect()
    }
}

/// One application given on the command line.
#[derive(Debug, Args, Clone, Default)]
pub struct CaseFlags {
    /// Application reference.
    #[arg(long, default_value = "CHECK")]
    pub id: String,
    #[command(flatten)]
    pub home: HomeFlags,
    /// Easting of where the property meets the adopted road, if known (clause 1.1.1).
    #[arg(long)]
    pub access_easting: Option<String>,
    /// Northing of where the property meets the adopted road, if known.
    #[arg(long)]
    pub access_northing: Option<String>,
    /// Year group in the year applied for: N (pre-school), R, 1-13.
    #[arg(long)]
    pub year: Option<String>,
    /// Date of birth, YYYY-MM-DD (needed for post-16).
    #[arg(long)]
    pub dob: Option<String>,
    /// Sex, M or F (rules out single-sex schools).
    #[arg(long)]
    pub sex: Option<String>,
    /// URN of the school attended or applied for.
    #[arg(long)]
    pub school: Option<String>,
    /// The child is eligible for free school meals.
    #[arg(long)]
    pub fsm: bool,
    /// The family receives maximum Working Tax Credit.
    #[arg(long)]
    pub max_wtc: bool,
    /// The family receives Universal Credit.
    #[arg(long)]
    pub uc: bool,
    /// Religion or belief the school is chosen for (clause 1.1.15).
    #[arg(long)]
    pub faith: Option<String>,
    /// Pieces of evidence of the religion or belief supplied.
    #[arg(long)]
    pub faith_evidence: Option<String>,
    /// The child has an Education, Health and Care Plan.
    #[arg(long)]
    pub ehcp: bool,
    /// A SEND, disability or medical need is said to prevent an accompanied walk (1.1.12).
    #[arg(long)]
    pub mobility_need: bool,
    /// Child in care or previously in care (surplus seat priority).
    #[arg(long)]
    pub child_in_care: bool,
    /// Registered disability (surplus seat priority).
    #[arg(long)]
    pub registered_disability: bool,
    /// Medical condition with supporting evidence (surplus seat priority; post-16).
    #[arg(long)]
    pub medical_condition: bool,
    /// Young carer (surplus seat priority).
    #[arg(long)]
    pub young_carer: bool,
    /// Vulnerable, or living with a parent registered disabled (surplus seat priority).
    #[arg(long)]
    pub vulnerable: bool,
    /// Not resident in the council's area (post-16).
    #[arg(long)]
    pub not_resident: bool,
    /// Hours of education a week (post-16 full-time test).
    #[arg(long)]
    pub hours: Option<String>,
    /// Days of education a week (post-16 full-time test).
    #[arg(long)]
    pub days: Option<String>,
    /// URNs of schools with no place for this child (clause 1.1.4), separated by ';' or ','.
    #[arg(long, value_name = "URNS")]
    pub no_places: Option<String>,
    /// Any other case field, as in a case file or CSV column (docs/formats.md), e.g.
    /// --set letter_received_on=2022-07-04 or --set pickup_easting=401000. Repeatable.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
}

/// The case to decide, as `check`, `route` and `report` take it: a case file, flags, or both.
#[derive(Debug, Args)]
pub struct CaseInput {
    /// A case file (TOML with a [case] table, and the area, policy and as_of it is decided on);
    /// flags given as well override them.
    #[arg(long, value_name = "FILE")]
    pub case: Option<PathBuf>,
    #[command(flatten)]
    pub flags: CaseFlags,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub sources: Sources,
    #[command(flatten)]
    pub input: CaseInput,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a decision record (JSON: inputs, file fingerprints, routes, reasons) that
    /// `schoolrun replay` can re-run and check.
    #[arg(long, value_name = "RECORD.json")]
    pub record: Option<PathBuf>,
    /// Also say what would change the decision: how far the distance falls short of the limit
    /// that refused it, and the decision again with one fact changed at a time (a low-income
    /// finding, a faith finding with its evidence, the year group either side, each route
    /// safety audit on the shorter walk ignored).
    #[arg(long)]
    pub explain: bool,
}

/// Arguments of `batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Applications CSV (see docs/formats.md).
    #[arg(value_name = "APPLICATIONS.csv")]
    pub input: PathBuf,
    /// Where to write the decisions CSV ('-' for standard output).
    #[arg(short, long, value_name = "DECISIONS.csv")]
    pub output: PathBuf,
    #[command(flatten)]
    pub sources: Sources,
    /// Column map (TOML [columns] table) for exports whose headers differ.
    #[arg(long, value_name = "MAP.toml")]
    pub columns: Option<PathBuf>,
    /// Worker threads, 1 to 1024 (default: all cores). The output is the same whatever the
    /// number.
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_THREADS)
    )]
    pub threads: Option<usize>,
    /// Most memory, in MiB, the per-school distance trees may take at once (each covers every
    /// junction: 8 bytes a junction). Beyond it the least recently used are dropped and grown
    /// again if needed: less memory, more time on a county; the decisions are the same. The
    /// default holds a county of 240,000 junctions under 1 GB, about as fast as twice as much.
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 64,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_048_576)
    )]
    pub tree_memory: usize,
    /// How the applications file's text is encoded: auto reads UTF-8, and text that is not UTF-8
    /// as Windows-1252 (saying so on stderr); utf-8 refuses such rows; windows-1252 (or latin-1)
    /// reads every cell so.
    #[arg(long, value_enum, default_value_t = crate::io::applications::Encoding::Auto)]
    pub encoding: crate::io::applications::Encoding,
    /// The order of day, month and year in dates that are not YYYY-MM-DD (dmy: 31/08/2008).
    /// Without it such a date is an error row naming this option: day and month are never
    /// guessed.
    #[arg(long, value_enum)]
    pub date_format: Option<crate::io::applications::DateOrder>,
    /// Start the decisions CSV with a UTF-8 byte-order mark, so that Excel on Windows shows
    /// accented letters and curly apostrophes as written.
    #[arg(long)]
    pub excel: bool,
    /// Never draw a progress bar, even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
    /// Also write a decision record per decided row into this folder (created if needed), named
    /// ROW-ID.json, for `schoolrun replay`.
    #[arg(long, value_name = "DIR")]
    pub records: Option<PathBuf>,
    /// Also write a letter per decided row into this folder (created if needed), named
    /// ROW-ID.html (the letter the family receives, as `report --family` writes it), and
    /// index.html listing every row with its outcome and letter; rows that could not be decided
    /// get no letter and are listed with why.
    #[arg(long, value_name = "DIR")]
    pub letters: Option<PathBuf>,
    /// The date the letters bear, YYYY-MM-DD (default: today), for rows without a letter_date
    /// column. Kept in each row's decision record (--records), so a letter made again from the
    /// record is the same.
    #[arg(long, value_name = "DATE", value_parser = iso_date, requires = "letters")]
    pub letter_date: Option<chrono::NaiveDate>,
    /// Also print each letter to ROW-ID.pdf with a headless Chromium found on the PATH
    /// (chromium or chromium-browser), one kept running per thread.
    #[arg(long, requires = "letters")]
    pub pdf: bool,
}

/// `policy` subcommands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List every parameter of the loaded policy with its clause.
    Show(PolicyShowArgs),
    /// Run worked cases (files or directories of *.toml) and report pass/fail with a diff.
    Test(PolicyTestArgs),
    /// List every value that differs between two policies (academic years or directories), each
    /// with its clause. Exits 0 whether or not they differ.
    Diff(PolicyDiffArgs),
}

/// Arguments of `policy show`.
#[derive(Debug, Args)]
#[command(
    mut_arg("policy", |a| a.help("Policy directory or file [default: policy/2022-23 here, else built in]")),
    mut_arg("academic_year", |a| a.help(
        "Academic year whose policy to show, e.g. 2021-22 (policy/2021-22). Instead of --policy"
    ))
)]
pub struct PolicyShowArgs {
    #[command(flatten)]
    pub policy: PolicyFlags,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Arguments of `policy diff`.
#[derive(Debug, Args)]
pub struct PolicyDiffArgs {
    /// The first policy: an academic year (2021-22, looked up next to the default policy) or a
    /// policy directory or file.
    #[arg(value_name = "FROM")]
    pub from: String,
    /// The second policy, likewise.
    #[arg(value_name = "TO")]
    pub to: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Arguments of `policy test`.
#[derive(Debug, Args)]
pub struct PolicyTestArgs {
    /// Worked case files, or directories searched for *.toml.
    #[arg(value_name = "CASES", required = true)]
    pub cases: Vec<PathBuf>,
    #[command(flatten)]
    pub sources: Sources,
    /// Print only the failures (and the totals), not a line for every passing case.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `schools` subcommands.
#[derive(Debug, Subcommand)]
pub enum SchoolsCommand {
    /// The suitable schools nearest a home, with straight-line, walking and driven distances and
    /// whether the home is in their catchment.
    Near(NearArgs),
}

/// Arguments of `schools near`.
#[derive(Debug, Args)]
pub struct NearArgs {
    #[command(flatten)]
    pub sources: Sources,
    #[command(flatten)]
    pub home: HomeFlags,
    /// Year group the schools must suit: N, R, 1-13.
    #[arg(long)]
    pub year: String,
    /// Sex, M or F (rules out single-sex schools).
    #[arg(long)]
    pub sex: Option<String>,
    /// The child has qualified for selective (grammar) schools: list them too (clause 1.1.7;
    /// the case field selective_qualified).
    #[arg(long)]
    pub selective_qualified: bool,
    /// How many schools to list: 1 to 1000.
    #[arg(
        long,
        default_value_t = 5,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_NEAR_COUNT)
    )]
    pub count: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Travel mode for `route`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RouteMode {
    /// Shortest available walking route (unsafe stretches disregarded).
    Walk,
    /// Shortest walking route ignoring safety audits (to show what clause 1.5.4 disregarded).
    WalkIgnoringSafety,
    /// Shortest driven route.
    Drive,
}

/// Arguments of `route`.
#[derive(Debug, Args)]
pub struct RouteArgs {
    #[command(flatten)]
    pub sources: Sources,
    #[command(flatten)]
    pub input: CaseInput,
    /// Travel mode.
    #[arg(long, value_enum, default_value_t = RouteMode::Walk)]
    pub mode: RouteMode,
    /// Where to write the GeoJSON ('-' for standard output).
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Coordinates of the GeoJSON: bng (British National Grid metres, EPSG:27700, for QGIS) or
    /// wgs84 (RFC 7946 longitude and latitude, for web maps), converted with OSTN15.
    #[arg(long, value_enum, default_value_t = Crs::Bng)]
    pub crs: Crs,
}

/// The coordinate reference system of a GeoJSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Crs {
    /// British National Grid metres (EPSG:27700), named in a `crs` member.
    Bng,
    /// WGS84 longitude and latitude in degrees (RFC 7946; no `crs` member).
    Wgs84,
}

/// `network` subcommands.
#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// Convert an OpenStreetMap extract (.osm.pbf) into network GeoJSON (EPSG:27700) to inspect
    /// in QGIS or use as `network = "..."`, and print the import report.
    ImportOsm(ImportOsmArgs),
    /// Write an area's routing network (after its network date and audits are applied) as
    /// GeoJSON for QGIS and as a CSV edge list with junction ids and lengths in millimetres, so
    /// anyone can check distances independently.
    Export(ExportArgs),
    /// The tool's own shortest distances between pairs of junctions (ids as `network export`
    /// numbers them), to check against an independent shortest-path implementation.
    Distances(DistancesArgs),
}

/// Arguments of `network distances`.
#[derive(Debug, Args)]
pub struct DistancesArgs {
    #[command(flatten)]
    pub sources: Sources,
    /// CSV of junction pairs with columns from_node and to_node.
    #[arg(long, value_name = "PAIRS.csv")]
    pub pairs: PathBuf,
    /// Travel mode (driving respects one-way streets).
    #[arg(long, value_enum, default_value_t = RouteMode::Walk)]
    pub mode: RouteMode,
    /// Where to write from_node, to_node, length_m (empty when unreachable); '-' for standard
    /// output.
    #[arg(short, long, value_name = "OUT.csv", default_value = "-")]
    pub output: PathBuf,
}

/// Arguments of `network export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub sources: Sources,
    /// Where to write the network GeoJSON (EPSG:27700, or longitude/latitude with --crs wgs84).
    #[arg(long, value_name = "OUT.geojson")]
    pub geojson: Option<PathBuf>,
    /// Coordinates of the GeoJSON: bng (EPSG:27700, which `network = "..."` reads back) or
    /// wgs84 (RFC 7946 longitude and latitude, for web maps).
    #[arg(long, value_enum, default_value_t = Crs::Bng)]
    pub crs: Crs,
    /// Where to write the CSV edge list: from_node, to_node, length_mm, walk, drive, walk_safe,
    /// oneway, edge_id, length_m.
    #[arg(long, value_name = "OUT.csv")]
    pub csv: Option<PathBuf>,
}

/// Arguments of `network import-osm`.
#[derive(Debug, Args)]
pub struct ImportOsmArgs {
    /// The OpenStreetMap extract to convert (PBF format, e.g. from Geofabrik).
    #[arg(value_name = "FILE.osm.pbf")]
    pub input: PathBuf,
    /// Where to write the network GeoJSON ('-' for standard output).
    #[arg(short, long, value_name = "NETWORK.geojson")]
    pub output: PathBuf,
    /// Profile TOML saying which OSM ways are walkable and drivable (default: the built-in
    /// profile, src/osm/default-profile.toml).
    #[arg(long, value_name = "PROFILE.toml")]
    pub profile: Option<PathBuf>,
    /// Also write the school entrances found in OSM as an entrances CSV (URN, Name, Easting,
    /// Northing, Open), for checking before use.
    #[arg(long, value_name = "ENTRANCES.csv")]
    pub entrances_out: Option<PathBuf>,
    /// Also write every school found in OSM as a CSV (URN, Name, Easting, Northing, OSM, Note):
    /// those without a DfE URN (ref:edubase) have it blank, for an officer to complete, since a
    /// school missing from the schools file can change which school is nearest.
    #[arg(long, value_name = "SCHOOLS.csv")]
    pub schools_out: Option<PathBuf>,
}

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Readable text: totals, then one block per changed case.
    Text,
    /// JSON for machines.
    Json,
    /// CSV, one row per changed case (safe to open in a spreadsheet).
    Csv,
}

/// Arguments of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier decisions CSV (e.g. last year's policy, or the old network).
    #[arg(value_name = "OLD.csv")]
    pub old: PathBuf,
    /// The later decisions CSV, for the same applications.
    #[arg(value_name = "NEW.csv")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Where to write the comparison ('-' for standard output).
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
}

/// Arguments of `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Decision records written by `check --record` or `batch --records`.
    #[arg(value_name = "RECORD.json", required = true)]
    pub records: Vec<PathBuf>,
    /// Use the policy files archived here instead of the recorded policy path (the files must
    /// still have the recorded fingerprints).
    #[arg(long, value_name = "DIR")]
    pub policy: Option<PathBuf>,
    /// Use the area files archived here instead of the recorded area path (the files must still
    /// have the recorded fingerprints).
    #[arg(long, value_name = "DIR")]
    pub area: Option<PathBuf>,
}

/// What `report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// The HTML page (inline CSS and SVG, nothing fetched; prints to PDF).
    Html,
    /// The map alone, as an SVG file (EPSG:27700 metres, north up).
    Svg,
}

/// Arguments of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub sources: Sources,
    #[command(flatten)]
    pub input: CaseInput,
    /// Report on this decision record (from `check --record` or `batch --records`) instead of a
    /// case: it is re-decided on the files it names, which must still have their recorded
    /// SHA-256 and give the recorded decision. --as-of, --mark-unsafe and --ignore-audit then
    /// ask a what-if of it; --policy and --area are not used.
    #[arg(long, value_name = "RECORD.json", conflicts_with = "case")]
    pub record: Option<PathBuf>,
    /// What to write.
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Where to write it ('-' for standard output).
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Also write the map as a standalone SVG file (the what-if's map when one is asked).
    #[arg(long, value_name = "MAP.svg")]
    pub svg: Option<PathBuf>,
    /// Write the panel pack into this folder instead: the letter (HTML), the map (SVG), each
    /// measured route as GeoJSON (grid metres and WGS84), the decision record, the method
    /// statement, what would change the decision, and a manifest of every file's SHA-256.
    /// From a decision record (--record) it gives the same bytes every time.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["output", "svg", "format"])]
    pub pack: Option<PathBuf>,
    /// The date the letter bears, YYYY-MM-DD (default: today, or the letter date a record
    /// gives). A panel pack's decision record keeps it, so the pack is made again the same.
    #[arg(long, value_name = "DATE", value_parser = iso_date)]
    pub letter_date: Option<chrono::NaiveDate>,
    /// Write only the letter the family receives: without the sections for an appeal panel
    /// that follow it (each clause quoted, the figures in full, how the distances were
    /// measured, what would change the decision, the data's fingerprints).
    #[arg(long, conflicts_with = "pack")]
    pub family: bool,
}

/// Arguments of `prepare`. The policy and area flags are the shared ones, reworded: here they
/// have defaults, and the policy only gives the network date.
#[derive(Debug, Args)]
#[command(
    mut_arg("area", |a| a.help(
        "Area directory holding area.toml (schools, entrances, catchments, network or OSM \
         extract, audits), or the area.toml file itself"
    ).default_value(DEFAULT_AREA)),
    mut_arg("policy", |a| a.help(
        "Policy directory whose network date (clause 1.5.3) the area is checked to load as of \
         before it is written. The prepared file holds every dated stretch, so it serves any \
         --as-of"
    )),
    mut_arg("academic_year", |a| a.help(
        "Academic year whose policy gives the network date, e.g. 2021-22. Instead of --policy"
    ))
)]
pub struct PrepareArgs {
    #[command(flatten)]
    pub area: AreaFlag,
    /// Where to write the prepared area file.
    #[arg(short, long, value_name = "AREA.prepared")]
    pub output: PathBuf,
    #[command(flatten)]
    pub policy: PolicyFlags,
    /// Check the area loads as of this date (YYYY-MM-DD) instead of the policy's network date.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}
