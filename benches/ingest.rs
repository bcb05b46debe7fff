//! Ingest throughput: the delimited-text reader (encoding detection, header, row-exact parse) and
//! the JSON-lines reader on files of the dev-set shape, grown from the bundled sample.

use std::io::Write;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use steward::ingest::{read_source, SourceOptions, SourceSpec};

/// A file of about `rows` data rows, made by repeating the sample's data rows under its header.
fn grown(sample: &Path, rows: usize, dir: &Path) -> (PathBuf, u64) {
    let text = std::fs::read(sample).unwrap();
    let mut lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    let header = lines.remove(0);
    let out = dir.join(sample.file_name().unwrap());
    let mut f = std::io::BufWriter::new(std::fs::File::create(&out).unwrap());
    f.write_all(header).unwrap();
    for i in 0..rows {
        f.write_all(lines[i % lines.len()]).unwrap();
    }
    f.flush().unwrap();
    let size = std::fs::metadata(&out).unwrap().len();
    (out, size)
}

fn bench(c: &mut Criterion) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample");
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    for file in [
        "access_customers.csv",
        "erp_customers.csv",
        "oa_followups.jsonl",
    ] {
        let (path, bytes) = grown(&fixtures.join(file), 20_000, dir.path());
        group.throughput(Throughput::Bytes(bytes));
        let spec = SourceSpec {
            path,
            options: SourceOptions::default(),
        };
        group.bench_function(format!("{file} x20k rows"), |b| {
            b.iter(|| read_source(&spec).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
