//! ns/value of the heavier normalizers on a few hundred realistic values each.
//!
//! Values are generated here (no dev-set files), in the mix of formats real exports carry.
//! Throughput is per element, so criterion's "thrpt" line reads as values per second and the time
//! divided by the batch size is ns/value. `cargo bench --bench normalize -- --quick` on a shared
//! 2-core machine; compare runs on the same machine only.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use steward::normalize::{address, company, id_card, name, phone};

mod common;

use common::Lcg;

fn phones(rng: &mut Lcg) -> Vec<String> {
    let prefixes = ["138", "139", "150", "186", "177", "199", "135", "158"];
    let areas = ["010", "021", "0755", "0571", "028", "0871", "0451"];
    (0..300)
        .map(|i| {
            let m = format!(
                "{}{:08}",
                prefixes[rng.next(prefixes.len())],
                rng.next(100_000_000)
            );
            let local = format!("{}{:07}", 2 + rng.next(7), rng.next(10_000_000));
            let area = areas[rng.next(areas.len())];
            match i % 10 {
                0 => m,
                1 => format!("+86 {} {} {}", &m[..3], &m[3..7], &m[7..]),
                2 => format!("{}-{}-{}", &m[..3], &m[3..7], &m[7..]),
                3 => format!("0086 {m}"),
                4 => format!("{area}-{local}"),
                5 => format!("({area}){local}"),
                6 => format!("{area}-{local}转{}", 800 + rng.next(100)),
                7 => format!("{m}/{area}-{local}"),
                8 => local,
                _ => "１３８００１３８０００".to_string(),
            }
        })
        .collect()
}

fn ids(rng: &mut Lcg) -> Vec<String> {
    let regions = ["110105", "440305", "510104", "330106", "420102", "610113"];
    (0..300)
        .map(|i| {
            let first17 = format!(
                "{}{}{:02}{:02}{:03}",
                regions[rng.next(regions.len())],
                1950 + rng.next(55),
                1 + rng.next(12),
                1 + rng.next(28),
                rng.next(1000)
            );
            let id = format!("{first17}{}", id_card::check_char(&first17));
            match i % 6 {
                0 => id.to_lowercase(),
                1 => format!("'{id}"),
                2 => format!("{}{}", &id[..6], &id[8..17]), // legacy 15-digit
                3 => format!("{}0", &id[..17]),             // often a checksum error
                _ => id,
            }
        })
        .collect()
}

fn person_names(rng: &mut Lcg) -> Vec<String> {
    let surnames = ["张", "王", "李", "刘", "陈", "欧阳", "曾", "單", "吕", "黄"];
    let given = [
        "伟", "芳", "娜娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "艳", "勇", "杰",
    ];
    (0..300)
        .map(|i| {
            let n = format!(
                "{}{}",
                surnames[rng.next(surnames.len())],
                given[rng.next(given.len())]
            );
            match i % 5 {
                0 => n.chars().map(String::from).collect::<Vec<_>>().join(" "),
                1 => format!("{}总", surnames[rng.next(surnames.len())]),
                _ => n,
            }
        })
        .collect()
}

fn company_names(rng: &mut Lcg) -> Vec<String> {
    let regions = ["北京", "上海市", "广东省深圳市", "杭州", "成都"];
    let zihao = ["华信", "锐益", "昌明", "宏图", "天优", "绿力"];
    let industry = [
        "科技",
        "网络科技",
        "贸易",
        "物流",
        "企业管理咨询",
        "建筑工程",
    ];
    let forms = [
        "有限公司",
        "有限责任公司",
        "股份有限公司",
        "有限責任公司",
        "公司",
        "",
    ];
    (0..300)
        .map(|i| {
            let (r, z, ind, f) = (
                regions[rng.next(regions.len())],
                zihao[rng.next(zihao.len())],
                industry[rng.next(industry.len())],
                forms[rng.next(forms.len())],
            );
            match i % 4 {
                0 => format!("{z}{ind}（{}）{f}", r.trim_end_matches('市')),
                1 => format!("{z}{ind}{f}上海分公司"),
                _ => format!("{r}{z}{ind}{f}"),
            }
        })
        .collect()
}

fn addresses(rng: &mut Lcg) -> Vec<String> {
    let prefixes = [
        "广东省深圳市南山区",
        "深圳南山",
        "北京市朝阳区",
        "北京朝阳",
        "浙江省杭州市西湖区",
        "四川甘孜得荣",
        "山東省濟寧市鄒城市",
        "朝阳区",
        "陕西省西安市莲湖区",
        "黑龙江省哈尔滨市香坊区",
    ];
    let streets = ["科技园路", "建国路", "天山中巷", "公园西路", "民主街"];
    (0..300)
        .map(|i| {
            let p = prefixes[rng.next(prefixes.len())];
            let s = streets[rng.next(streets.len())];
            let (b, u, r) = (1 + rng.next(30), 1 + rng.next(6), 101 + rng.next(2000));
            match i % 3 {
                0 => format!("{p}{s}{}号{b}号楼{u}单元{r}室", 1 + rng.next(900)),
                1 => format!("{p}{s}{} {b}-{u}-{r}", 1 + rng.next(900)),
                _ => format!("{p} {s}{}号{b}栋{u}单元{r}", 1 + rng.next(900)),
            }
        })
        .collect()
}

/// One benchmark: label, input values, and the normalizer (returning something to keep).
type Case = (&'static str, Vec<String>, fn(&str) -> usize);

fn bench(c: &mut Criterion) {
    let mut rng = Lcg(20_261_124);
    let sets: [Case; 5] = [
        ("phone", phones(&mut rng), |v| phone::parse_field(v).len()),
        ("id_card", ids(&mut rng), |v| {
            id_card::normalize(v).canonical().map_or(0, str::len)
        }),
        ("name_person", person_names(&mut rng), |v| {
            name::person(v).canonical().map_or(0, str::len) + name::to_pinyin(v).len()
        }),
        ("name_company", company_names(&mut rng), |v| {
            company::parse(v).map_or(0, |c| c.key().len())
        }),
        ("address", addresses(&mut rng), |v| {
            address::parse(v).address().map_or(0, |a| a.key().len())
        }),
    ];
    let mut group = c.benchmark_group("normalize");
    for (label, values, f) in sets {
        // Warm the lazily built tables (OpenCC, divisions, syllables) outside the measurement.
        values.iter().for_each(|v| {
            black_box(f(v));
        });
        group.throughput(Throughput::Elements(values.len() as u64));
        group.bench_function(label, |b| {
            b.iter(|| values.iter().map(|v| f(black_box(v))).sum::<usize>());
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
