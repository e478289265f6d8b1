//! Issue 17, data out for analysts: `series.parquet` of an ensemble matches the single-run
//! tables row for row; `runs.parquet` matches `runs.csv` under safe column names; `--format`
//! and `--plots` write what they say; Python (pandas, pyarrow, DuckDB) reads the files.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type, TimestampMillisecondType, UInt64Type};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::common::{repo, strife};

/// Every record batch of a Parquet file.
fn read_parquet(path: &Path) -> Vec<RecordBatch> {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("a Parquet file")
        .build()
        .expect("a reader")
        .map(|b| b.expect("a batch"))
        .collect()
}

/// Cell `i` of `column` as text (null as the empty string), whatever its Arrow type.
fn cell(column: &dyn Array, i: usize) -> String {
    if column.is_null(i) {
        return String::new();
    }
    use arrow_schema::DataType as T;
    match column.data_type() {
        T::Utf8 => column.as_string::<i32>().value(i).to_owned(),
        T::Int64 => column.as_primitive::<Int64Type>().value(i).to_string(),
        T::UInt64 => column.as_primitive::<UInt64Type>().value(i).to_string(),
        T::Float64 => column.as_primitive::<Float64Type>().value(i).to_string(),
        T::Boolean => column.as_boolean().value(i).to_string(),
        T::Dictionary(_, _) => {
            let dict = column.as_dictionary::<Int32Type>();
            let key = dict.keys().value(i) as usize;
            dict.values().as_string::<i32>().value(key).to_owned()
        }
        T::Timestamp(_, _) => column
            .as_primitive::<TimestampMillisecondType>()
            .value(i)
            .to_string(),
        other => panic!("unexpected column type {other}"),
    }
}

/// The rows of a CSV file as maps from column name to cell.
fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// One row of the series: (value, text) by (day as written, entity kind, entity, quantity).
type SeriesOfRun = HashMap<(String, String, String, String), (String, String)>;

/// The rows of `series.parquet` for the runs in `wanted`, and each run's seed; also the number
/// of rows of every run.
fn series_of(
    path: &Path,
    wanted: &[u64],
) -> (HashMap<u64, (u64, SeriesOfRun)>, HashMap<u64, usize>) {
    let mut out: HashMap<u64, (u64, SeriesOfRun)> = HashMap::new();
    let mut rows: HashMap<u64, usize> = HashMap::new();
    for batch in read_parquet(path) {
        let col = |name: &str| batch.column_by_name(name).expect(name).clone();
        let (run, seed, day) = (col("run"), col("seed"), col("day"));
        let (kind, entity, quantity) = (col("entity_kind"), col("entity"), col("quantity"));
        let (value, text) = (col("value"), col("text"));
        let runs = run.as_primitive::<UInt64Type>();
        let days = day.as_primitive::<Float64Type>();
        for i in 0..batch.num_rows() {
            let k = runs.value(i);
            *rows.entry(k).or_default() += 1;
            if !wanted.contains(&k) {
                continue;
            }
            let seed = seed.as_primitive::<UInt64Type>().value(i);
            let entry = out.entry(k).or_insert_with(|| (seed, HashMap::new()));
            let key = (
                format!("{:.3}", days.value(i)),
                cell(kind.as_ref(), i),
                cell(entity.as_ref(), i),
                cell(quantity.as_ref(), i),
            );
            let previous = entry.1.insert(
                key.clone(),
                (cell(value.as_ref(), i), cell(text.as_ref(), i)),
            );
            assert!(previous.is_none(), "run {k}: row {key:?} twice");
        }
    }
    (out, rows)
}

/// The per-sample tables of a run, with the entity kind and key column of each.
const TABLES: [(&str, &str, Option<&str>); 7] = [
    ("forces", "faction", Some("faction")),
    ("control", "place", Some("place")),
    ("supply", "faction", Some("faction")),
    ("civilians", "place", Some("place")),
    ("diplomacy", "actor", Some("actor")),
    ("states", "state", Some("state")),
    ("escalation", "theatre", None),
];

/// Whether a CSV cell and the series' (value, text) are the same quantity: a number equal to
/// the CSV's precision, a label equal, a yes/no as 1/0, an empty cell null.
fn same(csv: &str, (value, text): &(String, String)) -> bool {
    match csv {
        "" => value.is_empty() && text.is_empty(),
        "true" => value == "1",
        "false" => value == "0",
        _ => match (csv.parse::<f64>(), value.parse::<f64>()) {
            (Ok(a), Ok(b)) => (a - b).abs() <= 0.0005 + 1e-9 * a.abs(),
            _ => csv == text,
        },
    }
}

/// Issue 17: `series.parquet` of a 100-run Goma ensemble holds, for run k, exactly the daily
/// rows of the single-run tables of `strife run --seed <seed of run k>`, value for value, for
/// several k; and every run has the same number of rows.
#[test]
fn series_parquet_matches_the_single_run_tables_of_run_k() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ens = dir.path().join("ens");
    strife()
        .args([
            "run",
            "scenarios/goma_2025.ron",
            "--runs",
            "100",
            "--days",
            "21",
        ])
        .args(["--series", "daily", "--plots", "none", "-q", "--out"])
        .arg(&ens)
        .assert()
        .success();
    let wanted = [0, 41, 99];
    let (series, rows) = series_of(&ens.join("series.parquet"), &wanted);
    assert_eq!(rows.len(), 100, "every run is in the series");
    let master = crate::common::load("scenarios/goma_2025.ron").scenario.seed;
    for k in wanted {
        let (seed, of_run) = &series[&k];
        assert_eq!(*seed, strife::run::ensemble::run_seed(master, k));
        let one = dir.path().join(format!("run{k}"));
        strife()
            .args([
                "run",
                "scenarios/goma_2025.ron",
                "--days",
                "21",
                "--plots",
                "none",
            ])
            .args(["-q", "--seed", &seed.to_string(), "--out"])
            .arg(&one)
            .assert()
            .success();
        let days: std::collections::BTreeSet<&String> = of_run.keys().map(|(d, ..)| d).collect();
        for d in 0..=21 {
            assert!(
                days.contains(&format!("{d}.000")),
                "run {k}: day {d} is missing"
            );
        }
        let mut matched = 0;
        for (table, kind, key) in TABLES {
            for row in read_csv(&one.join(format!("{table}.csv"))) {
                let day = &row["day"];
                if !days.contains(day) {
                    continue;
                }
                let entity = key.map_or("theatre".to_owned(), |k| row[k].clone());
                for (column, value) in &row {
                    if ["day", "datetime"].contains(&column.as_str())
                        || Some(column.as_str()) == key
                    {
                        continue;
                    }
                    let id = (day.clone(), kind.to_owned(), entity.clone(), column.clone());
                    let got = of_run
                        .get(&id)
                        .unwrap_or_else(|| panic!("run {k}: {id:?} is not in the series"));
                    assert!(
                        same(value, got),
                        "run {k}, {table}.csv {id:?}: table {value:?}, series {got:?}"
                    );
                    matched += 1;
                }
            }
        }
        assert_eq!(
            matched,
            of_run.len(),
            "run {k}: the series has rows no table has"
        );
    }
}

/// Issue 17: the same ensemble writes the same `series.parquet` and `runs.parquet`, byte for
/// byte, on one thread or two, and every series quantity at full tick resolution is there too.
#[test]
fn series_parquet_is_deterministic_and_jobs_invariant() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |jobs: &str, every: &str| {
        let out = dir.path().join(format!("j{jobs}-{every}"));
        strife()
            .args([
                "run",
                "scenarios/goma_2025.ron",
                "--runs",
                "6",
                "--days",
                "3",
            ])
            .args([
                "--series", every, "--plots", "none", "-q", "--jobs", jobs, "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (one, two) = (run("1", "daily"), run("2", "daily"));
    for file in ["series.parquet", "runs.parquet", "runs.csv", "columns.csv"] {
        assert_eq!(
            std::fs::read(one.join(file)).expect("one"),
            std::fs::read(two.join(file)).expect("two"),
            "{file} differs between --jobs 1 and --jobs 2"
        );
    }
    let tick = run("2", "tick");
    let (_, daily_rows) = series_of(&one.join("series.parquet"), &[]);
    let (_, tick_rows) = series_of(&tick.join("series.parquet"), &[]);
    // Hourly ticks over 3 days: 73 samples against 4 daily ones.
    assert_eq!(tick_rows[&0] * 4, daily_rows[&0] * 73);
}

/// Issue 17: `runs.parquet` holds `runs.csv`'s values under safe identifiers, and
/// `columns.csv` maps each identifier to its CSV name and unit.
#[test]
fn runs_parquet_is_runs_csv_with_safe_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("ens");
    strife()
        .args([
            "run",
            "scenarios/goma_2025.ron",
            "--runs",
            "8",
            "--days",
            "5",
        ])
        .args(["--plots", "none", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let csv = read_csv(&out.join("runs.csv"));
    let columns = read_csv(&out.join("columns.csv"));
    let batches = read_parquet(&out.join("runs.parquet"));
    let batch = &batches[0];
    assert_eq!(batches.len(), 1);
    assert_eq!(batch.num_rows(), csv.len());
    assert_eq!(batch.num_columns(), columns.len());
    let safe = regex_like_identifier;
    for (i, field) in batch.schema().fields().iter().enumerate() {
        let name = field.name();
        assert!(safe(name), "{name} is not a safe identifier");
        let mapping = &columns[i];
        assert_eq!(&mapping["column"], name);
        assert!(!mapping["unit"].is_empty(), "{name} has no unit");
        assert_eq!(field.metadata()["path"], mapping["path"]);
        let path = &mapping["path"];
        for (r, row) in csv.iter().enumerate() {
            let parquet = cell(batch.column(i).as_ref(), r);
            let text = &row[path];
            let equal = match (text.parse::<f64>(), parquet.parse::<f64>()) {
                (Ok(a), Ok(b)) => a == b,
                _ => *text == parquet,
            };
            assert!(equal, "run {r}, {path}: csv {text:?}, parquet {parquet:?}");
        }
    }
    assert!(
        columns.iter().any(
            |c| c["column"] == "input__states__south_africa__casualty_tolerance"
                && c["path"] == "input.states.South Africa.casualty_tolerance"
        ),
        "the issue's example column is named as documented"
    );
}

/// Lower-case ASCII letters, digits and `_`, not starting with a digit.
fn regex_like_identifier(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Issue 17: `--format parquet|both` and `--plots none|png|svg` write what they say, and the
/// report is written from the tables either way.
#[test]
fn format_and_plots_write_what_they_say() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |name: &str, args: &[&str]| {
        let out = dir.path().join(name);
        strife()
            .args([
                "run",
                "scenarios/goma_2025.ron",
                "--days",
                "4",
                "-q",
                "--out",
            ])
            .arg(&out)
            .args(args)
            .assert()
            .success();
        let mut files: Vec<String> = std::fs::read_dir(&out)
            .expect("out")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        (out, files)
    };
    let count = |files: &[String], ext: &str| files.iter().filter(|f| f.ends_with(ext)).count();
    let (out, files) = run("parquet", &["--format", "parquet", "--plots", "none"]);
    assert_eq!(count(&files, ".csv"), 0, "{files:?}");
    assert_eq!(count(&files, ".parquet"), 9, "{files:?}");
    assert_eq!(
        count(&files, ".png") + count(&files, ".svg"),
        0,
        "{files:?}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(
        report.contains("No plots were drawn"),
        "the report says why it has no plots"
    );
    assert!(report.contains("Key outcomes"));
    let (both, files) = run("both", &["--format", "both", "--plots", "png"]);
    assert_eq!(count(&files, ".csv"), 9);
    assert_eq!(count(&files, ".parquet"), 9);
    assert_eq!(count(&files, ".png"), 8);
    assert_eq!(count(&files, ".svg"), 0);
    let report = std::fs::read_to_string(both.join("report.html")).expect("report");
    assert!(
        report.contains("<img src=\"forces.png\""),
        "PNG-only reports show the PNGs"
    );
    // Each Parquet twin has the CSV's rows.
    for table in ["forces", "control", "events", "casualties"] {
        let rows: usize = read_parquet(&both.join(format!("{table}.parquet")))
            .iter()
            .map(RecordBatch::num_rows)
            .sum();
        assert_eq!(
            rows,
            read_csv(&both.join(format!("{table}.csv"))).len(),
            "{table}"
        );
    }
    let (_, files) = run("svg", &["--plots", "svg"]);
    assert_eq!((count(&files, ".png"), count(&files, ".svg")), (0, 8));
    assert_eq!(count(&files, ".parquet"), 0);
}

/// Whether the Python checks must run (CI) rather than be skipped.
fn python_required() -> bool {
    std::env::var("STRIFE_REQUIRE_PYTHON").is_ok_and(|v| v == "1")
}

/// Issue 17: pandas and pyarrow (and DuckDB where it is installed) read `series.parquet` and
/// `runs.parquet`, agree with `runs.csv`, and the README's pandas snippet runs as written
/// (tests/python/read_parquet.py).
#[test]
fn python_reads_the_parquet_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("output/goma_2025-ensemble");
    strife()
        .args([
            "run",
            "scenarios/goma_2025.ron",
            "--runs",
            "20",
            "--days",
            "31",
        ])
        .args(["--series", "daily", "--plots", "none", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let output = std::process::Command::new("python3")
        .arg(repo("tests/python/read_parquet.py"))
        .arg(&out)
        .arg(repo("README.md"))
        .output();
    let ok = output.as_ref().is_ok_and(|o| o.status.success());
    let text = match &output {
        Ok(o) => format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => e.to_string(),
    };
    if !ok {
        let missing = text.contains("ModuleNotFoundError") || output.is_err();
        assert!(
            missing && !python_required(),
            "the Python check of the Parquet files failed:\n{text}"
        );
        eprintln!("*** SKIPPED the pandas/pyarrow check (pip install pandas pyarrow): {text}");
        return;
    }
    assert!(text.contains("pandas+pyarrow: ok"), "{text}");
}

/// Issue 17: a user-defined metric equals the same quantity computed from the series file: an
/// experiment with `--series daily` writes each run's metrics to `experiments.csv` and its
/// series to `series.parquet` (whose `run` is the row of `experiments.csv`).
#[test]
fn user_metrics_equal_the_same_quantity_from_the_series() {
    let dir = tempfile::tempdir().expect("temp dir");
    let design = dir.path().join("design.ron");
    let scenario = repo("scenarios/goma_2025.ron");
    std::fs::write(
        &design,
        format!(
            r#"Experiment(
    name: "metrics against the series",
    scenario: {scenario:?},
    uncertainties: [(path: "units.rdf_south.personnel", min: 1100, max: 1500, unit: "persons")],
    policies: [(name: "base"), (name: "more_rdf", set: {{ "units.rdf_crossing.personnel": "900" }})],
    sampler: LatinHypercube,
    scenarios: 3,
    seeds: 2,
    metrics: ["personnel(fardc) @ day 14", "min(personnel(m23))", "holds(m23, goma) @ day 9",
              "displaced @ 2025-02-01", "max(pressure(rwanda))"],
    days: 16,
)"#
        ),
    )
    .expect("design");
    let out = dir.path().join("exp");
    strife()
        .arg("experiment")
        .arg(&design)
        .args(["--series", "daily", "--plots", "none", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&out.join("experiments.csv"));
    assert_eq!(rows.len(), 12);
    let wanted: Vec<u64> = (0..12).collect();
    let (series, _) = series_of(&out.join("series.parquet"), &wanted);
    let at = |run: &SeriesOfRun, day: u32, kind: &str, entity: &str, quantity: &str| -> f64 {
        let key = (
            format!("{day}.000"),
            kind.to_owned(),
            entity.to_owned(),
            quantity.to_owned(),
        );
        let (value, text) = &run[&key];
        match quantity {
            "controller" => f64::from(u8::from(text == "m23")),
            _ => value.parse().expect("a number"),
        }
    };
    let metric = |row: &HashMap<String, String>, name: &str| -> f64 {
        row[name].parse().unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    for (r, row) in rows.iter().enumerate() {
        let (seed, run) = &series[&(r as u64)];
        assert_eq!(row["seed"], seed.to_string(), "run {r}: the same run");
        let days = 0..=16;
        let min_m23 = days
            .clone()
            .map(|d| at(run, d, "faction", "m23", "personnel"))
            .fold(f64::INFINITY, f64::min);
        let max_pressure = days
            .map(|d| at(run, d, "state", "Rwanda", "pressure"))
            .fold(f64::NEG_INFINITY, f64::max);
        let close = |a: f64, b: f64, tolerance: f64| (a - b).abs() <= tolerance;
        let checks = [
            (
                "personnel(fardc) @ day 14",
                at(run, 14, "faction", "fardc", "personnel"),
                0.0,
            ),
            // The series keeps one sample a day; the metric's minimum is over every tick.
            ("min(personnel(m23))", min_m23, f64::INFINITY),
            (
                "holds(m23, goma) @ day 9",
                at(run, 9, "place", "goma", "controller"),
                0.0,
            ),
            (
                "displaced @ 2025-02-01",
                at(run, 12, "theatre", "theatre", "displaced_now"),
                1.0,
            ),
        ];
        for (name, from_series, tolerance) in checks {
            let value = metric(row, name);
            if tolerance.is_infinite() {
                assert!(
                    value <= from_series,
                    "run {r}, {name}: {value} > {from_series}"
                );
            } else {
                assert!(
                    close(value, from_series, tolerance.max(1e-9)),
                    "run {r}, {name}: experiments.csv {value}, series {from_series}"
                );
            }
        }
        let pressure = metric(row, "max(pressure(rwanda))");
        assert!(
            pressure >= max_pressure - 1e-9,
            "run {r}: {pressure} < {max_pressure}"
        );
    }
}
