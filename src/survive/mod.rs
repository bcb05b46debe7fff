//! Survive: one golden record per cluster, every value with its lineage, and every disagreement.
//!
//! Per field, the candidate values of a cluster's records are grouped by a comparison key (two
//! writings of one value are one candidate) and ranked: **validity** first (a checksum-valid ID
//! beats a typo'd one, a valid mobile an invalid one, a name beats a bare title such as 王总), then
//! the **trust-weighted vote** — each record votes with its source's learned weight for that field
//! ([`trust`]), so frequency counts, but a source that is often stale counts for less — then
//! **recency** (`Record::as_of`, each source's own timestamps) and finally file order. Recency
//! ranks after the vote because the sources' dates say when a row was typed or followed up, not
//! when the value in it was last checked: measured on d20k, recency before the vote gives golden
//! field accuracy 0.885 against 0.894 (names, addresses and mobiles all lose).
//!
//! Values are shown in display form, not as match keys: the full address re-assembled from its
//! divisions and a `3号楼2单元501室` detail, landlines with the city's area code filled in, dates
//! `YYYY-MM-DD`. What a good steward would derive is derived, with the lineage of the value it came
//! from: gender and birth date from a valid 身份证, province / city / district from the 身份证's or
//! USCC's region code when the address lacks them, the English name as pinyin of the name.

pub mod stored;
pub mod trust;

use chrono::NaiveDate;
use rayon::prelude::*;
use std::sync::LazyLock;

use crate::normalize::record::party_from_name;
use crate::normalize::{address, company, division, id_card, name, phone};
use crate::record::{Party, Record, Text};
use ecow::eco_format;
use trust::{Observation, Tally, Trust};

/// The fields of a golden record, in the column order of `golden.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Type,
    Name,
    Gender,
    BirthDate,
    IdNumber,
    Uscc,
    Mobile,
    Phone,
    Email,
    Province,
    City,
    District,
    Address,
    Employer,
    Industry,
    ContactName,
    ContactMobile,
    CreditLimit,
    NameEn,
}

impl Field {
    pub const ALL: [Field; 19] = [
        Field::Type,
        Field::Name,
        Field::Gender,
        Field::BirthDate,
        Field::IdNumber,
        Field::Uscc,
        Field::Mobile,
        Field::Phone,
        Field::Email,
        Field::Province,
        Field::City,
        Field::District,
        Field::Address,
        Field::Employer,
        Field::Industry,
        Field::ContactName,
        Field::ContactMobile,
        Field::CreditLimit,
        Field::NameEn,
    ];

    /// The column name in `golden.csv` and the job file.
    pub fn column(self) -> &'static str {
        match self {
            Field::Type => "type",
            Field::Name => "name",
            Field::Gender => "gender",
            Field::BirthDate => "birth_date",
            Field::IdNumber => "id_number",
            Field::Uscc => "uscc",
            Field::Mobile => "mobile",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Province => "province",
            Field::City => "city",
            Field::District => "district",
            Field::Address => "address",
            Field::Employer => "employer",
            Field::Industry => "industry",
            Field::ContactName => "contact_name",
            Field::ContactMobile => "contact_mobile",
            Field::CreditLimit => "credit_limit",
            Field::NameEn => "name_en",
        }
    }

    pub fn from_column(column: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.column() == column)
    }

    /// Personal data that human-facing reports mask.
    pub fn is_pii(self) -> bool {
        matches!(
            self,
            Field::IdNumber | Field::Mobile | Field::Phone | Field::Email | Field::ContactMobile
        )
    }

    /// Fields that belong to one party only: left empty for the other.
    pub fn applies_to(self, party: Party) -> bool {
        match self {
            Field::Gender
            | Field::BirthDate
            | Field::IdNumber
            | Field::Mobile
            | Field::Employer
            | Field::NameEn => party == Party::Person,
            Field::Uscc | Field::Industry | Field::ContactName | Field::ContactMobile => {
                party == Party::Company
            }
            _ => true,
        }
    }
}

/// One value of a golden record and where it came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Survivor {
    pub value: Text,
    /// Why this value: the rule that decided (the fixed texts shared, not copied per value: a run
    /// holds millions of them).
    pub rule: Text,
    /// The record (index into the run's records) the value was taken or derived from.
    pub record: Option<u32>,
}

/// The golden record of one cluster.
#[derive(Debug, Clone)]
pub struct GoldenRecord {
    /// `G00000001`: the cluster number + 1, as the crosswalk writes it.
    pub id: Text,
    pub party: Party,
    /// The cluster's records (indexes into the run's records), in file order.
    pub members: Vec<usize>,
    /// The fields that have a value, in field order: most customers fill a third of the fields,
    /// and a run holds a golden record per customer.
    values: Vec<(Field, Survivor)>,
}

/// The value of a field no record filled.
static EMPTY: Survivor = Survivor {
    value: Text::new(),
    record: None,
    rule: Text::new(),
};

impl GoldenRecord {
    /// A golden record from one survivor per field of [`Field::ALL`], in its order.
    pub fn new(id: String, party: Party, members: Vec<usize>, values: Vec<Survivor>) -> Self {
        debug_assert_eq!(values.len(), Field::ALL.len());
        let mut filled = Vec::with_capacity(values.iter().filter(|s| !s.value.is_empty()).count());
        filled.extend(
            Field::ALL
                .into_iter()
                .zip(values)
                .filter(|(_, s)| !s.value.is_empty()),
        );
        Self::filled(id.into(), party, members, filled)
    }

    /// A golden record from the survivors of its filled fields, in the order of [`Field::ALL`].
    pub fn filled(
        id: Text,
        party: Party,
        members: Vec<usize>,
        values: Vec<(Field, Survivor)>,
    ) -> Self {
        debug_assert!(values.iter().all(|(_, s)| !s.value.is_empty()));
        GoldenRecord {
            id,
            party,
            members,
            values,
        }
    }

    pub fn get(&self, field: Field) -> &Survivor {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(&EMPTY, |(_, s)| s)
    }

    pub fn value(&self, field: Field) -> &str {
        &self.get(field).value
    }

    /// Every field in the order of [`Field::ALL`] with its survivor (empty when no record filled
    /// it): one walk, where `get` for each field would search the values each time.
    pub fn fields(&self) -> impl Iterator<Item = (Field, &Survivor)> + '_ {
        let mut filled = self.values.iter().peekable();
        Field::ALL
            .into_iter()
            .map(move |f| match filled.next_if(|(at, _)| *at == f) {
                Some((_, s)) => (f, s),
                None => (f, &EMPTY),
            })
    }

    /// Set a field to the value a steward pinned, whatever the records say.
    pub fn pin(&mut self, field: Field, value: &str, why: &str) {
        let pinned = Survivor {
            value: value.into(),
            record: None,
            rule: why.into(),
        };
        match self.values.iter_mut().find(|(f, _)| *f == field) {
            Some((_, s)) => *s = pinned,
            None => {
                let at = self
                    .values
                    .partition_point(|(f, _)| (*f as usize) < field as usize);
                self.values.insert(at, (field, pinned));
            }
        }
    }
}

/// One distinct value a field's candidates held, and whether it won.
#[derive(Debug, Clone)]
pub struct Conflict {
    /// Index into the golden records.
    pub golden: usize,
    pub field: Field,
    pub value: Text,
    pub chosen: bool,
    /// The records holding the value (indexes into the run's records).
    pub records: Vec<usize>,
    pub reason: Text,
}

pub struct Survivorship {
    pub golden: Vec<GoldenRecord>,
    pub conflicts: Vec<Conflict>,
    pub trust: Trust,
}

/// The golden id of cluster number `cluster`.
pub fn golden_id(cluster: u32) -> String {
    format!("G{:08}", cluster + 1)
}

/// Fields whose candidates are voted on (the divisions follow the address).
const VOTED: [Field; 15] = [
    Field::Name,
    Field::Gender,
    Field::BirthDate,
    Field::IdNumber,
    Field::Uscc,
    Field::Mobile,
    Field::Phone,
    Field::Email,
    Field::Address,
    Field::Employer,
    Field::Industry,
    Field::ContactName,
    Field::ContactMobile,
    Field::CreditLimit,
    Field::NameEn,
];

/// A value one record holds for a field.
#[derive(Debug, Clone)]
struct Candidate {
    record: usize,
    value: Text,
    /// What two writings of one value share.
    key: Text,
    /// Why the value cannot be right, when it cannot.
    invalid: Option<&'static str>,
}

fn valid(record: usize, value: Text) -> Candidate {
    Candidate {
        record,
        key: value.clone(),
        value,
        invalid: None,
    }
}

fn candidates(records: &[Record], members: &[usize], field: Field) -> Vec<Candidate> {
    let mut out = Vec::new();
    for &i in members {
        let r = &records[i];
        let text = |s: &str| (!s.is_empty()).then(|| valid(i, s.into()));
        match field {
            Field::Name => out.extend(text(r.name())),
            Field::Gender => out.extend(r.gender.map(|g| valid(i, gender_word(g).into()))),
            Field::BirthDate => out.extend(
                r.birth_date
                    .map(|d| valid(i, eco_format!("{}", d.format("%Y-%m-%d")))),
            ),
            Field::IdNumber => {
                out.extend(r.id_number().map(|v| valid(i, v.into())));
                out.extend(r.id_number_invalid().map(|v| Candidate {
                    invalid: Some("身份证校验码错误 (check digit wrong)"),
                    ..valid(i, v.into())
                }));
            }
            Field::Uscc => {
                out.extend(r.uscc().map(|v| valid(i, v.into())));
                out.extend(r.uscc_invalid().map(|v| Candidate {
                    invalid: Some("统一社会信用代码校验位错误 (check character wrong)"),
                    ..valid(i, v.into())
                }));
            }
            Field::Mobile => {
                out.extend(r.mobiles().iter().map(|m| valid(i, m.into())));
                out.extend(r.mobiles_invalid().iter().map(|m| Candidate {
                    invalid: Some("不是有效的手机号 (not a valid mobile number)"),
                    ..valid(i, m.into())
                }));
            }
            Field::Phone => out.extend(r.phones().iter().map(|p| valid(i, p.into()))),
            Field::Email => out.extend(r.emails().iter().map(|e| valid(i, e.into()))),
            Field::Address if !r.address_detail().is_empty() => out.push(Candidate {
                record: i,
                value: address::full_address(
                    r.shown_province(),
                    r.shown_city(),
                    r.shown_district(),
                    r.address_display(),
                )
                .into(),
                key: r.address_detail().into(),
                invalid: None,
            }),
            Field::Employer => out.extend(text(r.employer())),
            Field::Industry => out.extend(text(r.industry())),
            Field::ContactName if !r.contact_name().is_empty() => out.push(Candidate {
                invalid: name::title_only(r.contact_name())
                    .map(|_| "只有称呼没有姓名 (a title, not a name)"),
                ..valid(i, r.contact_name().into())
            }),
            Field::ContactMobile => out.extend(r.contact_mobile().map(|m| valid(i, m.into()))),
            Field::CreditLimit => out.extend(r.credit_limit.map(|c| valid(i, eco_format!("{c}")))),
            Field::NameEn => out.extend(text(r.name_en())),
            _ => {}
        }
    }
    out
}

fn gender_word(g: char) -> &'static str {
    if g == 'M' {
        "男"
    } else {
        "女"
    }
}

/// The candidates of one key, ranked.
#[derive(Debug, Clone)]
struct Group {
    key: Text,
    value: Text,
    records: Vec<usize>,
    votes: f64,
    newest: Option<NaiveDate>,
    invalid: Option<&'static str>,
}

/// Groups candidates by key and ranks the groups: valid, votes, recency, file order.
fn rank(records: &[Record], trust: &Trust, field: Field, cands: &[Candidate]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for c in cands {
        let r = &records[c.record];
        let w = trust.weight(r.source, field);
        match groups.iter_mut().find(|g| g.key == c.key) {
            Some(g) => {
                if !g.records.contains(&c.record) {
                    g.records.push(c.record);
                    g.votes += w;
                }
                g.newest = g.newest.max(r.as_of);
            }
            None => groups.push(Group {
                key: c.key.clone(),
                value: c.value.clone(),
                records: vec![c.record],
                votes: w,
                newest: r.as_of,
                invalid: c.invalid,
            }),
        }
    }
    // Stable sort: equal groups keep file order (candidates come in member order).
    groups.sort_by(|a, b| {
        a.invalid
            .is_some()
            .cmp(&b.invalid.is_some())
            .then(b.votes.total_cmp(&a.votes))
            .then(b.newest.cmp(&a.newest))
    });
    groups
}

/// Why the first group won over the second.
/// `all n records agree` for the cluster sizes most runs have, written once and shared by every
/// golden value they explain.
static AGREE: LazyLock<Vec<Text>> = LazyLock::new(|| {
    (0..64)
        .map(|n| eco_format!("all {n} records agree"))
        .collect()
});

/// A fixed rule, written once and shared by every value it explains.
macro_rules! fixed {
    ($text:literal) => {{
        static TEXT: LazyLock<Text> = LazyLock::new(|| Text::from($text));
        TEXT.clone()
    }};
}

fn why(groups: &[Group]) -> Text {
    let win = &groups[0];
    let Some(next) = groups.get(1) else {
        return match win.records.len() {
            1 => "only value".into(),
            n => match AGREE.get(n) {
                Some(text) => text.clone(),
                None => eco_format!("all {n} records agree"),
            },
        };
    };
    if next.invalid.is_some() && win.invalid.is_none() {
        return fixed!("validity: the only valid value");
    }
    if (win.votes - next.votes).abs() > 1e-9 {
        return eco_format!(
            "trust-weighted vote: {:.2} ({} records) vs {:.2}",
            win.votes,
            win.records.len(),
            next.votes
        );
    }
    match (win.newest, next.newest) {
        (Some(a), b) if Some(a) > b => eco_format!("recency: {a} is the newest"),
        _ => fixed!("file order: equal votes and dates"),
    }
}

fn loser_reason(win: &Group, g: &Group) -> String {
    if let Some(why) = g.invalid {
        return format!("invalid: {why}");
    }
    if (win.votes - g.votes).abs() > 1e-9 {
        return format!("outvoted: {:.2} vs {:.2}", g.votes, win.votes);
    }
    match (g.newest, win.newest) {
        (a, Some(b)) if Some(b) > a => format!(
            "older: newest {} vs {b}",
            a.map_or("unknown".into(), |d| d.to_string())
        ),
        _ => "file order".into(),
    }
}

/// Everything survivorship decides for one cluster.
pub struct Decided {
    pub golden: GoldenRecord,
    pub conflicts: Vec<Conflict>,
}

/// The records of each cluster (indexes into the run's records, in file order).
pub fn members_of(cluster_of: &[u32], clusters: usize) -> Vec<Vec<usize>> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); clusters];
    for (i, &c) in cluster_of.iter().enumerate() {
        members[c as usize].push(i);
    }
    members
}

/// Golden records for all clusters (ordered by golden id) and their conflicts, with the source
/// trust learned from the clusters. `pinned` are trust weights the job sets: (source index,
/// field, weight).
pub fn survive(
    records: &[Record],
    cluster_of: &[u32],
    clusters: usize,
    source_names: &[String],
    pinned: &[(usize, Field, f64)],
) -> Survivorship {
    let members = members_of(cluster_of, clusters);
    let trust = learn_trust(records, &members, source_names, pinned);
    survive_with(records, &members, trust, Vec::new())
}

/// Golden records for all clusters with the given trust; a cluster with a `kept` golden record
/// (one survivorship made before, with this trust, of the very same records) takes it over.
pub fn survive_with(
    records: &[Record],
    members: &[Vec<usize>],
    trust: Trust,
    kept: Vec<Option<Decided>>,
) -> Survivorship {
    // Clusters past the end of `kept` take nothing over (a run without a store passes none).
    let missing = members.len().saturating_sub(kept.len());
    let kept = kept
        .into_par_iter()
        .chain(rayon::iter::repeat_n((), missing).map(|()| None));
    // Golden records and their conflicts collected side by side, each list in one allocation of
    // its final size: a run holds a golden record per customer.
    let (golden, found): (Vec<GoldenRecord>, Vec<Vec<Conflict>>) = members
        .par_iter()
        .zip(kept)
        .enumerate()
        .map(|(c, (m, kept))| {
            crate::progress::tick(1);
            let d = kept.unwrap_or_else(|| decide(records, &trust, c, m));
            (d.golden, d.conflicts)
        })
        .unzip();
    let mut conflicts = Vec::with_capacity(found.iter().map(Vec::len).sum());
    conflicts.extend(found.into_iter().flatten());
    Survivorship {
        golden,
        conflicts,
        trust,
    }
}

/// The source trust learned from the run's multi-source clusters (and pinned by the job).
pub fn learn_trust(
    records: &[Record],
    members: &[Vec<usize>],
    source_names: &[String],
    pinned: &[(usize, Field, f64)],
) -> Trust {
    let tally = members
        .par_iter()
        .filter(|m| m.iter().any(|&i| records[i].source != records[m[0]].source))
        .fold(Tally::default, |mut tally, m| {
            for field in VOTED {
                let cands = candidates(records, m, field);
                // One observation per record: its first valid value.
                let mut seen: Vec<usize> = Vec::new();
                let mut obs: Vec<Observation> = Vec::new();
                for c in cands.iter().filter(|c| c.invalid.is_none()) {
                    if !seen.contains(&c.record) {
                        seen.push(c.record);
                        obs.push(Observation {
                            source: records[c.record].source,
                            key: &c.key,
                        });
                    }
                }
                tally.add(field, &obs);
            }
            tally
        })
        .reduce(Tally::default, Tally::merge);
    tally.into_trust(source_names, pinned)
}

/// The golden record of cluster `c` with members `m`.
fn decide(records: &[Record], trust: &Trust, c: usize, m: &[usize]) -> Decided {
    let party = party_of(records, m);
    let mut values = vec![Survivor::default(); Field::ALL.len()];
    let mut conflicts = Vec::new();
    let mut vote =
        |field: Field, cands: Vec<Candidate>, values: &mut Vec<Survivor>| -> Option<Group> {
            let groups = rank(records, trust, field, &cands);
            let win = groups.first()?.clone();
            if groups.len() > 1 {
                for (k, g) in groups.iter().enumerate() {
                    conflicts.push(Conflict {
                        golden: c,
                        field,
                        value: g.value.clone(),
                        chosen: k == 0,
                        records: g.records.clone(),
                        reason: if k == 0 {
                            why(&groups)
                        } else {
                            loser_reason(&win, g).into()
                        },
                    });
                }
            }
            if win.invalid.is_none() {
                values[field as usize] = Survivor {
                    value: win.value.clone(),
                    record: Some(win.records[0] as u32),
                    rule: why(&groups),
                };
            }
            Some(win)
        };
    values[Field::Type as usize] = Survivor {
        value: if party == Party::Person {
            "person"
        } else {
            "company"
        }
        .into(),
        record: m.first().map(|&i| i as u32),
        rule: fixed!("party of the records"),
    };
    for field in [
        Field::Name,
        Field::IdNumber,
        Field::Uscc,
        Field::Gender,
        Field::BirthDate,
    ] {
        if field.applies_to(party) {
            vote(field, candidates(records, m, field), &mut values);
        }
    }
    if party == Party::Person {
        derive_from_id(&mut values);
    }
    let address = vote(
        Field::Address,
        candidates(records, m, Field::Address),
        &mut values,
    );
    assemble_address(records, trust, address.as_ref(), &mut values);
    let area_code = phone::area_code_for_city(&values[Field::City as usize].value);
    let phones: Vec<Candidate> = candidates(records, m, Field::Phone)
        .into_iter()
        .map(|c| with_area_code(c, area_code))
        .collect();
    vote(Field::Phone, phones, &mut values);
    for field in [
        Field::Mobile,
        Field::Email,
        Field::Employer,
        Field::Industry,
        Field::ContactName,
        Field::ContactMobile,
        Field::CreditLimit,
        Field::NameEn,
    ] {
        if field.applies_to(party) {
            let mut cands = candidates(records, m, field);
            if field == Field::Employer {
                prefer_full_company_names(&mut cands);
            }
            vote(field, cands, &mut values);
        }
    }
    if party == Party::Person && values[Field::NameEn as usize].value.is_empty() {
        let from = &values[Field::Name as usize];
        if let Some(en) = name::name_en_of(&from.value) {
            values[Field::NameEn as usize] = Survivor {
                value: en.into(),
                record: from.record,
                rule: fixed!("derived: pinyin of the name"),
            };
        }
    }
    for f in Field::ALL {
        if !f.applies_to(party) {
            values[f as usize] = Survivor::default();
        }
    }
    Decided {
        golden: GoldenRecord::new(golden_id(c as u32), party, m.to_vec(), values),
        conflicts,
    }
}

/// A company's name without its legal form (华信科技 for 华信科技有限公司) is a short form, not its
/// name: when some record has the full name, the short forms lose on validity.
fn prefer_full_company_names(cands: &mut [Candidate]) {
    let full = |v: &str| company::parse(v).is_some_and(|c| c.legal_form.is_some());
    if !cands.iter().any(|c| full(&c.value)) {
        return;
    }
    for c in cands.iter_mut().filter(|c| !full(&c.value)) {
        c.invalid
            .get_or_insert("简称，缺少组织形式 (a short form without 有限公司…)");
    }
}

/// The party most records say; a cluster whose records say nothing goes by its name's shape.
fn party_of(records: &[Record], m: &[usize]) -> Party {
    let persons = m
        .iter()
        .filter(|&&i| records[i].party == Some(Party::Person))
        .count();
    let companies = m
        .iter()
        .filter(|&&i| records[i].party == Some(Party::Company))
        .count();
    if persons != companies {
        return if persons > companies {
            Party::Person
        } else {
            Party::Company
        };
    }
    m.iter()
        .find_map(|&i| {
            records[i]
                .party
                .or_else(|| party_from_name(records[i].name()))
        })
        .unwrap_or(Party::Person)
}

/// Gender and birth date are facts of a valid 身份证: derived from it when there is one.
fn derive_from_id(values: &mut [Survivor]) {
    let id = &values[Field::IdNumber as usize];
    let Some(info) = id_card::strict_info(&id.value) else {
        return;
    };
    let record = id.record;
    let rule = fixed!("derived: from the 身份证");
    values[Field::Gender as usize] = Survivor {
        value: if info.sex == id_card::Sex::Male {
            "男"
        } else {
            "女"
        }
        .into(),
        record,
        rule: rule.clone(),
    };
    values[Field::BirthDate as usize] = Survivor {
        value: eco_format!("{}", info.birth_date.format("%Y-%m-%d")),
        record,
        rule,
    };
}

/// Province, city and district: voted among the records holding the winning address, then filled
/// from the region code of the 身份证 or USCC; the full address is re-assembled from them.
fn assemble_address(
    records: &[Record],
    trust: &Trust,
    address: Option<&Group>,
    values: &mut [Survivor],
) {
    let holders: &[usize] = address.map_or(&[], |g| g.records.as_slice());
    // The trust-weighted tally of `part` among the holders `within`, most votes first, each value
    // with the first record that holds it.
    let vote = |part: &dyn Fn(&Record) -> &str,
                within: &dyn Fn(&Record) -> bool|
     -> Vec<(String, f64, usize)> {
        let mut tally: Vec<(String, f64, usize)> = Vec::new();
        for &i in holders {
            let r = &records[i];
            let v = part(r);
            if v.is_empty() || !within(r) {
                continue;
            }
            let w = trust.weight(r.source, Field::Address);
            match tally.iter_mut().find(|t| t.0 == v) {
                Some(t) => t.1 += w,
                None => tally.push((v.to_string(), w, i)),
            }
        }
        tally.sort_by(|a, b| b.1.total_cmp(&a.1));
        tally
    };
    let pick =
        |part: fn(&Record) -> &str, within: &dyn Fn(&Record) -> bool| -> Option<(String, usize)> {
            vote(&part, within)
                .into_iter()
                .next()
                .map(|(v, _, i)| (v, i))
        };
    // A division voted by its key, shown as the records holding that key write it most (a
    // capitalised `San Francisco` before `SAN FRANCISCO` or `san francisco` when as many write
    // each): (key, shown, a record showing it).
    let division = |key: fn(&Record) -> &str,
                    shown: fn(&Record) -> &str,
                    within: &dyn Fn(&Record) -> bool|
     -> Option<(String, String, usize)> {
        let (winner, _) = pick(key, within)?;
        let mut forms = vote(&shown, &|r: &Record| key(r) == winner && within(r));
        // Stable: among equal weights, a capitalised form first, then the order met.
        forms.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(one_case(&a.0).cmp(&one_case(&b.0)))
        });
        let (form, _, i) = forms.into_iter().next()?;
        Some((winner, form, i))
    };
    let rule = fixed!("taken from the records holding the chosen address");
    let set = |field: Field, v: Option<(String, usize)>, values: &mut [Survivor]| {
        if let Some((value, i)) = v {
            values[field as usize] = Survivor {
                value: value.into(),
                record: Some(i as u32),
                rule: rule.clone(),
            };
        }
    };
    let shown = |d: &Option<(String, String, usize)>| d.clone().map(|(_, form, i)| (form, i));
    let key = |d: Option<(String, String, usize)>| d.map(|(k, _, _)| k).unwrap_or_default();
    let province = division(|r| r.province(), |r| r.shown_province(), &|_| true);
    set(Field::Province, shown(&province), values);
    let p = key(province);
    let city = division(|r| r.city(), |r| r.shown_city(), &|r| r.province() == p);
    set(Field::City, shown(&city), values);
    let ct = key(city);
    let district = division(|r| r.district(), |r| r.shown_district(), &|r| {
        r.city() == ct
    });
    set(Field::District, shown(&district), values);
    fill_from_region_code(values);
    let detail = pick(|r| r.address_display(), &|_| true);
    if let Some((detail, i)) = detail {
        let full = address::full_address(
            &values[Field::Province as usize].value,
            &values[Field::City as usize].value,
            &values[Field::District as usize].value,
            &detail,
        );
        let rule = address.map_or(String::new(), |g| {
            format!(
                "{}; re-assembled from its divisions",
                why(std::slice::from_ref(g))
            )
        });
        let keep = values[Field::Address as usize].rule.clone();
        values[Field::Address as usize] = Survivor {
            value: full.into(),
            record: Some(i as u32),
            rule: if keep.is_empty() {
                rule.into()
            } else {
                eco_format!("{keep}; re-assembled from its divisions")
            },
        };
    }
}

/// Whether a text is written in one case only (`SAN FRANCISCO`, `san francisco`): such a form of a
/// name comes after a capitalised one.
fn one_case(s: &str) -> bool {
    !(s.chars().any(char::is_uppercase) && s.chars().any(char::is_lowercase))
}

/// Divisions the address left out, from the region code in the 身份证 (positions 1–6) or the USCC
/// (positions 3–8): only what agrees with what is already known.
fn fill_from_region_code(values: &mut [Survivor]) {
    let id = &values[Field::IdNumber as usize];
    let uscc = &values[Field::Uscc as usize];
    let (code, record, what) = if id.value.len() == 18 {
        (id.value[..6].to_string(), id.record, "身份证")
    } else if uscc.value.len() == 18 {
        (uscc.value[2..8].to_string(), uscc.record, "USCC")
    } else {
        return;
    };
    let Some(region) = division::region_of_code(&code) else {
        return;
    };
    let rule = eco_format!("derived: region code of the {what}");
    let (p, c) = (
        values[Field::Province as usize].value.clone(),
        values[Field::City as usize].value.clone(),
    );
    if (!p.is_empty() && p != region.province) || (!c.is_empty() && c != region.city) {
        return;
    }
    let district = region.district.clone().unwrap_or_default();
    for (field, value) in [
        (Field::Province, region.province),
        (Field::City, region.city),
        (Field::District, district),
    ] {
        if values[field as usize].value.is_empty() && !value.is_empty() {
            values[field as usize] = Survivor {
                value: value.into(),
                record,
                rule: rule.clone(),
            };
        }
    }
}

/// A landline written without its area code gets the golden city's.
fn with_area_code(mut c: Candidate, area_code: Option<&str>) -> Candidate {
    let Some(code) = area_code else { return c };
    // A number written with a leading 0 (and no 0086) is a landline with its area code or no
    // Chinese number at all, never a local one: no need to parse it again.
    if c.value.starts_with('0') && !c.value.starts_with("0086") {
        return c;
    }
    let parsed = phone::parse(&c.value);
    if parsed.kind == phone::PhoneKind::Local {
        let full = phone::with_area_code(&parsed, code);
        if full.kind == phone::PhoneKind::Landline {
            c.value = full.canonical.into();
            c.key = c.value.clone();
        }
    }
    c
}

#[cfg(test)]
mod tests;
