//! The matching hot spots on synthetic normalized records: `compare` in ns/pair over the candidate
//! pairs blocking gives, and `block` (all rules) at two volumes, whose ratio shows whether blocking
//! grows linearly (the narrowing of big blocks) or worse.
//!
//! Records are made here (no dev-set files): persons with common Chinese names, so that name,
//! pinyin and birth-date blocks are big, a quarter of them with a second, slightly altered record.
//! `cargo bench --bench link -- --quick` on a shared 2-core machine; compare runs on the same machine
//! only.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use steward::block::{candidate_pairs, default_rules};
use steward::compare::compare;
use steward::record::{Fields, Party, Record};

mod common;

use common::Lcg;

const SURNAMES: [(&str, &str); 8] = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
];
const GIVEN: [(&str, &str); 12] = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("洋", "yang"),
    ("艳", "yan"),
    ("勇", "yong"),
    ("军", "jun"),
    ("杰", "jie"),
];
const CITIES: [(&str, &str, &str); 6] = [
    ("广东省", "深圳市", "南山区"),
    ("北京市", "北京市", "朝阳区"),
    ("上海市", "上海市", "浦东新区"),
    ("浙江省", "杭州市", "西湖区"),
    ("四川省", "成都市", "武侯区"),
    ("湖北省", "武汉市", "洪山区"),
];

fn person(rng: &mut Lcg) -> Fields {
    let (s, sp) = SURNAMES[rng.next(SURNAMES.len())];
    let (g, gp) = GIVEN[rng.next(GIVEN.len())];
    let (province, city, district) = CITIES[rng.next(CITIES.len())];
    let name: steward::record::Text = ecow::eco_format!("{s}{g}");
    Fields {
        party: Some(Party::Person),
        name: name.clone(),
        name_key: name,
        name_pinyin: ecow::eco_format!("{sp} {gp}"),
        gender: Some(if rng.next(2) == 0 { '男' } else { '女' }),
        birth_date: chrono::NaiveDate::from_ymd_opt(
            1960 + rng.next(40) as i32,
            1 + rng.next(12) as u32,
            1 + rng.next(28) as u32,
        ),
        mobiles: vec![ecow::eco_format!(
            "1{}{:09}",
            3 + rng.next(7),
            rng.next(1_000_000_000)
        )],
        province: province.into(),
        city: city.into(),
        district: district.into(),
        address_detail: ecow::eco_format!(
            "{}路{}号{}室",
            GIVEN[rng.next(12)].0,
            rng.next(300),
            rng.next(2000)
        ),
        ..Default::default()
    }
}

/// `n` records: persons, every fourth followed by a duplicate with one changed digit and detail.
fn records(n: usize) -> Vec<Record> {
    let mut rng = Lcg(42);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let r = person(&mut rng);
        if out.len() % 4 == 0 && out.len() + 1 < n {
            let mut d = r.clone();
            let m = &mut d.mobiles[0];
            let last = (m.pop().unwrap() as u8 - b'0' + 1) % 10;
            m.push((b'0' + last) as char);
            d.address_detail.push('B');
            out.push(r.into());
            out.push(d.into());
        } else {
            out.push(r.into());
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let small = records(20_000);
    let (pairs, _) = candidate_pairs(&small, &default_rules(), None);
    let mut group = c.benchmark_group("compare");
    let sample: Vec<(u32, u32)> = pairs
        .iter()
        .copied()
        .step_by(pairs.len() / 5_000 + 1)
        .collect();
    group.throughput(Throughput::Elements(sample.len() as u64));
    group.bench_function("pairs", |b| {
        b.iter(|| {
            for &(i, j) in &sample {
                black_box(compare(&small[i as usize], &small[j as usize]));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("block");
    group.sample_size(10);
    for n in [20_000, 80_000] {
        let rs = if n == small.len() {
            small.clone()
        } else {
            records(n)
        };
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("all_rules", n), &rs, |b, rs| {
            b.iter(|| black_box(candidate_pairs(rs, &default_rules(), None).0.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
