use chrono::NaiveDate;

use super::*;
use crate::record::Fields;

fn person(source: usize, row: usize) -> Fields {
    Fields {
        source,
        row,
        party: Some(Party::Person),
        name: "张伟".into(),
        ..Fields::default()
    }
}

fn run(fields: &[Fields]) -> Survivorship {
    let records: Vec<Record> = fields.iter().cloned().map(Record::from).collect();
    let records = &records[..];
    let cluster_of = vec![0; records.len()];
    let names: Vec<String> = ["access", "erp", "excel"].map(String::from).to_vec();
    survive(records, &cluster_of, 1, &names, &[])
}

#[test]
fn a_valid_id_beats_a_typo_and_gives_gender_and_birth_date() {
    let mut a = person(0, 0);
    a.id_number_invalid = Some("11010519491231002Y".into());
    a.gender = Some('F');
    let mut b = person(1, 0);
    b.id_number = Some("11010519491231002X".into());
    let s = run(&[a, b]);
    let g = &s.golden[0];
    assert_eq!(g.id, "G00000001");
    assert_eq!(g.value(Field::IdNumber), "11010519491231002X");
    assert_eq!(g.get(Field::IdNumber).record, Some(1));
    assert_eq!(g.value(Field::Gender), "女");
    assert_eq!(g.value(Field::BirthDate), "1949-12-31");
    // The ID's region fills the divisions; the typo is a conflict that lost on validity.
    assert_eq!(
        (g.value(Field::Province), g.value(Field::District)),
        ("北京市", "朝阳区")
    );
    let lost: Vec<_> = s
        .conflicts
        .iter()
        .filter(|c| c.field == Field::IdNumber && !c.chosen)
        .collect();
    assert_eq!(lost.len(), 1);
    assert!(lost[0].reason.starts_with("invalid"), "{}", lost[0].reason);
}

#[test]
fn votes_then_recency_then_file_order() {
    let date = |d| NaiveDate::from_ymd_opt(2024, 1, d);
    let mut a = person(0, 0);
    a.mobiles = vec!["13912345678".into()];
    a.as_of = date(1);
    let mut b = person(1, 0);
    b.mobiles = vec!["13812345678".into()];
    b.as_of = date(2);
    let s = run(&[a.clone(), b.clone()]);
    assert_eq!(
        s.golden[0].value(Field::Mobile),
        "13812345678",
        "equal votes: the newer"
    );
    let mut c = person(2, 0);
    c.mobiles = vec!["13912345678".into()];
    let s = run(&[a, b, c]);
    assert_eq!(
        s.golden[0].value(Field::Mobile),
        "13912345678",
        "two records outvote one"
    );
    let chosen = s
        .conflicts
        .iter()
        .find(|c| c.field == Field::Mobile && c.chosen)
        .unwrap();
    assert!(
        chosen.reason.starts_with("trust-weighted vote"),
        "{}",
        chosen.reason
    );
}

#[test]
fn address_is_reassembled_and_local_landline_gets_area_code() {
    let mut a = person(0, 0);
    a.province = "陕西省".into();
    a.city = "西安市".into();
    a.district = "莲湖区".into();
    a.address_detail = address::detail_key("天山中巷6号新村24-6-1901").into();
    a.address_display = address::detail_display("天山中巷6号新村24-6-1901").into();
    a.phones = vec!["62345678".into()];
    let mut b = person(1, 0);
    b.address_detail = address::detail_key("天山中巷6号新村24号楼6单元1901室").into();
    b.address_display = address::detail_display("天山中巷6号新村24号楼6单元1901室").into();
    b.phones = vec!["029-62345678".into()];
    let s = run(&[a, b]);
    let g = &s.golden[0];
    assert_eq!(
        g.value(Field::Address),
        "陕西省西安市莲湖区天山中巷6号新村24号楼6单元1901室"
    );
    assert_eq!(g.value(Field::Phone), "029-62345678");
    assert_eq!(g.value(Field::NameEn), "Zhang Wei");
    assert_eq!(g.value(Field::Uscc), "", "a person has no USCC");
}

#[test]
fn a_contact_title_loses_to_a_name() {
    let company = |source, contact: &str| Fields {
        source,
        party: Some(Party::Company),
        name: "华信科技有限公司".into(),
        contact_name: contact.into(),
        ..Fields::default()
    };
    let s = run(&[company(0, "王总"), company(1, "王建国")]);
    assert_eq!(s.golden[0].value(Field::ContactName), "王建国");
    assert_eq!(s.golden[0].value(Field::Type), "company");
    assert_eq!(s.golden[0].value(Field::NameEn), "");
}

#[test]
fn fields_walk_is_every_field_in_order_pins_included() {
    let a = Fields {
        party: Some(Party::Person),
        name: "张伟".into(),
        mobiles: vec!["13800138000".into()],
        ..Fields::default()
    };
    let mut g = run(&[a]).golden.remove(0);
    g.pin(Field::Industry, "制造业", "pinned");
    g.pin(Field::Type, "person", "pinned");
    g.pin(Field::Email, "", "pinned empty");
    let walked: Vec<(Field, &str)> = g.fields().map(|(f, s)| (f, s.value.as_str())).collect();
    let looked_up: Vec<(Field, &str)> = Field::ALL.iter().map(|&f| (f, g.value(f))).collect();
    assert_eq!(walked, looked_up);
    assert!(walked.contains(&(Field::Industry, "制造业")));
    assert_eq!(walked.len(), Field::ALL.len());
}

#[test]
fn a_latin_town_is_shown_as_most_records_write_it_capitalised_first() {
    let written = |row: usize, town: &str| {
        let mut f = person(0, row);
        f.name = "John Smith".into();
        f.name_key = "john smith".into();
        f.address_detail = "123 market st".into();
        f.address_display = "123 Market St".into();
        (f.city, f.city_display) = crate::normalize::record::column_division(town);
        f
    };
    // One record each: the capitalised form.
    let s = run(&[
        written(0, "SAN FRANCISCO"),
        written(1, "san francisco"),
        written(2, "San Francisco"),
    ]);
    let g = &s.golden[0];
    assert_eq!(g.value(Field::City), "San Francisco");
    assert_eq!(g.get(Field::City).record, Some(2));
    assert_eq!(g.value(Field::Address), "123 Market St, San Francisco");
    // More records writing it in capitals: capitals.
    let s = run(&[
        written(0, "SAN FRANCISCO"),
        written(1, "San Francisco"),
        written(2, "SAN FRANCISCO"),
    ]);
    assert_eq!(s.golden[0].value(Field::City), "SAN FRANCISCO");
    assert_eq!(s.golden[0].get(Field::City).record, Some(0));
}
