//! Record-level normalization: one raw row of a source → one `Record` in canonical form, plus the
//! issues a steward must fix in that row.
//!
//! The field normalizers beside this file judge single values; this module decides what each
//! column *means for this row*. A survey row's 姓名 is the customer for a person but the contact
//! for a company; an ERP 联系电话 is the customer's mobile or its landline; an OA 负责人 is the
//! customer him/herself for an individual. So the party (person or company) is settled first —
//! from the type column, the identifiers and the shape of the name — and the roles follow from it.
//! Every issue names the source's own column, so the steward knows where to look.

use rayon::prelude::*;

use super::{
    address, amount, company, date, email, id_card, industry, name, phone, placeholder, text, uscc,
};
use crate::ingest::mapping::Field;
use crate::record::{Fields, Issue, Party, RawRecord, Record, SourceTable, Text};

/// Kinds reported as warnings: the value is usable, but a steward should look.
const WARNING_KINDS: &[&str] = &[
    "legacy_id_15",
    "legacy_org_code",
    "legacy_reg_no",
    "misplaced_value",
    "gender_id_mismatch",
    "birthdate_id_mismatch",
    "title_only_contact",
];

/// The records of one source, in the order of `table.records`, and the issues found in them.
pub struct Normalized {
    pub records: Vec<Record>,
    pub issues: Vec<Issue>,
    /// How many of `issues` each record has, in order.
    pub per_record: Vec<usize>,
}

/// What the run asks of every row of a source.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Columns that must hold a value; empty = the defaults (a name and a contact number).
    pub required: Vec<String>,
}

/// Rows are independent, so they are normalized in parallel; the results keep the rows' order.
pub fn normalize_table(source: usize, table: &SourceTable, rules: &Rules) -> Normalized {
    normalize_rows(source, table, rules, vec![None; table.records.len()])
}

/// A row's record and issues from the last run, when the row is unchanged (boxed: a run without
/// a store holds one empty slot per row).
pub type Known = Option<Box<(Record, Vec<Issue>)>>;

/// Like [`normalize_table`], but a row with a `known` result (its record and issues from the last
/// run, the row being unchanged) takes that instead of being normalized again.
pub fn normalize_rows(
    source: usize,
    table: &SourceTable,
    rules: &Rules,
    known: Vec<Known>,
) -> Normalized {
    let required = required_columns(table, rules);
    let name: Text = table.name.as_str().into();
    // Records and their issues are collected side by side: a run holds millions of records, and a
    // list of (record, issues) tuples moved into a list of records would hold each twice.
    let (records, found): (Vec<Record>, Vec<Vec<Issue>>) = table
        .records
        .par_iter()
        .zip(known)
        .enumerate()
        .map(|(row, (raw, known))| {
            if let Some(known) = known {
                let (mut record, issues) = *known;
                record.source = source;
                record.row = row;
                return (record, issues);
            }
            let mut ctx = Row {
                table,
                source: &name,
                raw,
                issues: Vec::new(),
            };
            let mut fields = ctx.normalize();
            fields.source = source;
            fields.row = row;
            if !fields.is_test {
                ctx.check_required(&required);
            }
            crate::progress::tick(1);
            (Record::from(fields), ctx.issues)
        })
        .unzip();
    let per_record = found.iter().map(Vec::len).collect();
    let issues = found.into_iter().flatten().collect();
    Normalized {
        records,
        issues,
        per_record,
    }
}

/// The default required columns: the one that names the customer and the first contact number.
fn required_columns(table: &SourceTable, rules: &Rules) -> Vec<usize> {
    if !rules.required.is_empty() {
        return table
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| rules.required.iter().any(|r| r == &c.name))
            .map(|(i, _)| i)
            .collect();
    }
    let first = |fields: &[Field]| {
        fields
            .iter()
            .find_map(|f| table.columns.iter().position(|c| c.field == Some(*f)))
    };
    let name = first(&[Field::Name, Field::PersonName, Field::Organization]);
    let contact = first(&[
        Field::Mobile,
        Field::ContactMobile,
        Field::Phone,
        Field::ContactPhone,
    ]);
    name.into_iter().chain(contact).collect()
}

struct Row<'a> {
    table: &'a SourceTable,
    /// The table's name, shared by the issues of its rows.
    source: &'a Text,
    raw: &'a RawRecord,
    issues: Vec<Issue>,
}

/// Words that make a name an organisation's.
const ORG_WORDS: &[&str] = &[
    "公司",
    "集团",
    "厂",
    "商行",
    "经营部",
    "门市",
    "中心",
    "医院",
    "学校",
    "大学",
    "学院",
    "研究",
    "协会",
    "事务所",
    "工作室",
    "合作社",
    "银行",
    "酒店",
    "宾馆",
    "餐厅",
    "饭店",
    "超市",
    "诊所",
    "幼儿园",
    "委员会",
    "政府",
    "药房",
    "药店",
    "卫生院",
    "商店",
    "专卖",
    "加工",
    "农场",
    "养殖",
    "俱乐部",
    "基金会",
    "分店",
    "小学",
    "中学",
];
const ORG_WORDS_LATIN: &[&str] = &[
    " ltd", " inc", " llc", " co.", " corp", " gmbh", " company", " group", " limited", " plc",
    " trading",
];

fn party_from_type(t: &str) -> Option<Party> {
    let t = t.to_lowercase();
    let person = [
        "个人",
        "私人",
        "自然人",
        "散客",
        "person",
        "individual",
        "private",
        "consumer",
    ];
    let company = [
        "企业",
        "公司",
        "单位",
        "机构",
        "法人",
        "company",
        "corporate",
        "business",
        "organization",
        "b2b",
    ];
    if person.iter().any(|w| t.contains(w)) {
        Some(Party::Person)
    } else if company.iter().any(|w| t.contains(w)) {
        Some(Party::Company)
    } else {
        None
    }
}

/// Person or organisation, from the shape of a name alone.
pub fn party_from_name(n: &str) -> Option<Party> {
    let n = text::match_key(n);
    if n.is_empty() {
        return None;
    }
    if ORG_WORDS.iter().any(|w| n.contains(w))
        || ORG_WORDS_LATIN.iter().any(|w| format!(" {n}").contains(w))
    {
        return Some(Party::Company);
    }
    let cjk = n.chars().filter(|c| text::is_cjk(*c)).count();
    if cjk >= 2
        && cjk == n.chars().count()
        && cjk <= 4
        && name::is_surname(name::split_surname(&n).0)
    {
        return Some(Party::Person);
    }
    if cjk == 0 && n.split_whitespace().count() >= 2 {
        return Some(Party::Person);
    }
    (cjk > 5).then_some(Party::Company)
}

impl<'a> Row<'a> {
    /// Non-empty values of the columns mapped to `field`, with their column index.
    fn values(&self, field: Field) -> Vec<(usize, &'a str)> {
        let (table, raw): (&'a SourceTable, &'a RawRecord) = (self.table, self.raw);
        table
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.field == Some(field))
            .filter_map(|(i, _)| {
                let v = raw.values[i].trim();
                (!v.is_empty()).then_some((i, v))
            })
            .collect()
    }

    fn first(&self, field: Field) -> Option<(usize, &'a str)> {
        self.values(field).into_iter().next()
    }

    fn column_of(&self, field: Field) -> Option<usize> {
        self.table
            .columns
            .iter()
            .position(|c| c.field == Some(field))
    }

    fn issue(
        &mut self,
        column: Option<usize>,
        kind: &str,
        value: &str,
        message: impl Into<String>,
    ) {
        let field: Text = column.map_or("*".into(), |c| self.table.columns[c].name.as_str().into());
        if self
            .issues
            .iter()
            .any(|i| i.field == field && i.kind == kind)
        {
            return;
        }
        self.issues.push(Issue {
            source: self.source.clone(),
            key: self.raw.key.as_str().into(),
            field,
            kind: kind.into(),
            severity: if WARNING_KINDS.contains(&kind) {
                "warning"
            } else {
                "error"
            },
            value: value.into(),
            message: message.into().into(),
        });
    }

    fn normalize(&mut self) -> Fields {
        let mut r = Fields::default();
        let type_party = self
            .first(Field::CustomerType)
            .and_then(|(_, t)| party_from_type(t));
        self.identifiers(&mut r);
        let owned = |x: Option<(usize, &str)>| x.map(|(c, v)| (c, v.to_string()));
        let name_col = owned(self.first(Field::Name));
        let person_col = owned(self.first(Field::PersonName)).or_else(|| self.latin_name());
        let org_col = owned(self.first(Field::Organization));
        r.party = type_party
            .or_else(|| r.uscc.as_ref().map(|_| Party::Company))
            .or_else(|| r.id_number.as_ref().map(|_| Party::Person))
            .or_else(|| name_col.as_ref().and_then(|(_, n)| party_from_name(n)))
            .or_else(|| {
                org_col
                    .as_ref()
                    .map(|_| Party::Company)
                    .filter(|_| person_col.is_none())
            })
            .or_else(|| org_col.as_ref().and_then(|_| self.party_from_email()))
            .or_else(|| {
                person_col
                    .as_ref()
                    .filter(|_| org_col.is_none())
                    .map(|_| Party::Person)
            });
        self.mixed_identifier(&mut r);
        // A row naming a person and an organisation with nothing to say which is the customer
        // (a survey row without 客户类型): a private customer and employer, or a company and its
        // contact. It stays undecided, carrying both, and matching tells.
        let undecided =
            r.party.is_none() && name_col.is_none() && person_col.is_some() && org_col.is_some();
        let company = r.party == Some(Party::Company);
        // The customer's name, and who else the row names.
        let (customer, other_person) = match (&name_col, company) {
            (Some(n), _) => (Some(n.clone()), person_col.clone()),
            (None, true) => (
                org_col.clone().or(person_col.clone()),
                org_col.as_ref().and(person_col.clone()),
            ),
            (None, false) => (person_col.clone().or(org_col.clone()), None),
        };
        if let Some((col, raw)) = &customer {
            self.customer_name(&mut r, *col, raw);
        }
        if undecided {
            r.party = None;
            if let Some(c) = org_col.as_ref().and_then(|(_, org)| company::parse(org)) {
                r.company_core = c.zihao.as_str().into();
                r.branch = c.branch.unwrap_or_default().into();
            }
        }
        if !company && (name_col.is_some() || person_col.is_some()) {
            if let Some((_, org)) = &org_col {
                r.employer = company::parse(org)
                    .map(|c| c.canonical)
                    .unwrap_or_else(|| text::match_key(org))
                    .into();
            }
        }
        let contact =
            owned(self.first(Field::ContactName)).or(if company { other_person } else { None });
        if let Some((col, raw)) = &contact {
            self.contact_name(&mut r, *col, raw);
        }
        if let Some((_, e)) = self.first(Field::Employer) {
            r.employer = company::parse(e)
                .map(|c| c.canonical)
                .unwrap_or_else(|| text::match_key(e))
                .into();
        }
        self.phones(&mut r);
        self.emails(&mut r);
        self.address(&mut r);
        self.person_facts(&mut r);
        self.other_fields(&mut r);
        r.is_test = self.test_record(&r);
        if r.is_test {
            // A test row is junk as a whole: one issue says so, its fields need no separate report.
            self.issues.retain(|i| i.kind == "test_record");
        }
        r
    }

    /// A row naming both a person and an organisation, with no type: the person's contact for a
    /// company writes from a company domain, a private customer from a public mail service.
    fn party_from_email(&self) -> Option<Party> {
        let domain = [Field::Email, Field::ContactEmail]
            .iter()
            .flat_map(|f| self.values(*f))
            .find_map(|(_, v)| {
                email::normalize(v)
                    .canonical()
                    .and_then(|e| e.split('@').nth(1).map(str::to_string))
            })?;
        Some(if email::is_public_mail_domain(&domain) {
            Party::Person
        } else {
            Party::Company
        })
    }

    /// `first_name` + `last_name` of Latin exports, as one name column.
    fn latin_name(&self) -> Option<(usize, String)> {
        let (col, first) = self.first(Field::FirstName)?;
        Some(match self.first(Field::LastName) {
            Some((_, last)) => (col, format!("{first} {last}")),
            None => (col, first.to_string()),
        })
    }

    fn identifiers(&mut self, r: &mut Fields) {
        if let Some((col, v)) = self.first(Field::OtherId) {
            let id: String = text::clean(v)
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            if placeholder::is_placeholder(v) || placeholder::is_repeated_digit(&id) {
                self.issue(
                    Some(col),
                    "placeholder",
                    v,
                    "证件号为占位值 (placeholder identifier)",
                );
            } else if !id.is_empty() {
                r.other_id = Some(id.to_uppercase().into());
            }
        }
        for (col, v) in self.values(Field::IdNumber) {
            let outcome = id_card::normalize(v);
            match &outcome {
                id_card::IdCard::LooksLikeUscc(code) => {
                    r.uscc.get_or_insert(code.as_str().into());
                }
                id_card::IdCard::ChecksumError { value, .. } => {
                    r.id_number_invalid = Some(value.as_str().into())
                }
                _ => {}
            }
            if let Some(info) = outcome.info() {
                r.id_number = Some(info.number.as_str().into());
            }
            if let Some(kind) = outcome.error_kind() {
                self.issue(Some(col), kind, v, id_message(&outcome));
            }
        }
        for (col, v) in self.values(Field::Uscc) {
            let outcome = uscc::normalize(v);
            if let Some(code) = outcome.canonical() {
                r.uscc = Some(code.to_string().into());
            }
            match &outcome {
                uscc::Uscc::LooksLikeIdCard(id) => {
                    r.id_number.get_or_insert(id.as_str().into());
                }
                uscc::Uscc::ChecksumError { value, .. } => {
                    r.uscc_invalid = Some(value.as_str().into())
                }
                _ => {}
            }
            if let Some(kind) = outcome.error_kind() {
                self.issue(Some(col), kind, v, uscc_message(&outcome));
            }
        }
    }

    /// A column holding USCC for companies and 身份证 for persons (ERP 税号/证件号).
    fn mixed_identifier(&mut self, r: &mut Fields) {
        let party = match r.party {
            Some(Party::Person) => uscc::Party::Person,
            Some(Party::Company) => uscc::Party::Company,
            None => uscc::Party::Unknown,
        };
        for (col, v) in self.values(Field::IdOrUscc) {
            let outcome = uscc::tax_or_id(v, party);
            let message = match &outcome {
                uscc::TaxOrId::IdCard(id) => {
                    if let Some(info) = id.info() {
                        r.id_number = Some(info.number.as_str().into());
                    } else if let id_card::IdCard::ChecksumError { value, .. } = id {
                        r.id_number_invalid = Some(value.as_str().into());
                    }
                    id_message(id)
                }
                uscc::TaxOrId::Uscc(u) => {
                    if let Some(code) = u.canonical() {
                        r.uscc = Some(code.to_string().into());
                    } else if let uscc::Uscc::ChecksumError { value, .. } = u {
                        r.uscc_invalid = Some(value.as_str().into());
                    }
                    uscc_message(u)
                }
                uscc::TaxOrId::Empty => String::new(),
            };
            if let Some(kind) = outcome.error_kind() {
                self.issue(Some(col), kind, v, message);
            }
        }
        if r.party.is_none() {
            r.party = r
                .uscc
                .as_ref()
                .map(|_| Party::Company)
                .or_else(|| r.id_number.as_ref().map(|_| Party::Person));
        }
    }

    fn customer_name(&mut self, r: &mut Fields, col: usize, raw: &str) {
        if placeholder::is_placeholder(raw) {
            self.issue(
                Some(col),
                "placeholder",
                raw,
                "名称为占位值 (placeholder instead of a name)",
            );
            return;
        }
        let party = r.party.or_else(|| party_from_name(raw));
        if r.party.is_none() {
            r.party = party;
        }
        if party == Some(Party::Company) {
            let parsed = company::parse(raw);
            r.name = parsed
                .as_ref()
                .map_or_else(|| name::clean(raw), |c| c.canonical.clone())
                .into();
            if let Some(c) = parsed {
                r.company_core = c.zihao.as_str().into();
                r.branch = c.branch.unwrap_or_default().into();
            }
        } else {
            r.name = name::clean(raw).into();
            if text::has_cjk(&r.name) {
                r.name_pinyin = name::to_pinyin(&r.name).into();
            }
        }
        r.name_key = text::match_key(&r.name).replace([' ', '·'], "").into();
        if !text::has_cjk(&r.name) {
            r.name_key = text::match_key(&r.name).into();
        }
    }

    fn contact_name(&mut self, r: &mut Fields, col: usize, raw: &str) {
        // An individual's 负责人 repeats the customer's own name, faults included: not a second finding.
        let repeats_customer = r.party == Some(Party::Person)
            && self
                .first(Field::Name)
                .is_some_and(|(_, n)| n.trim() == raw.trim());
        if repeats_customer {
            return;
        }
        match name::person(raw) {
            name::PersonName::Name(n) => r.contact_name = n.into(),
            name::PersonName::TitleOnly { canonical, .. } => {
                self.issue(
                    Some(col),
                    "title_only_contact",
                    raw,
                    "联系人只有称呼没有姓名 (a title such as 王总 instead of the contact's name)",
                );
                r.contact_name = canonical.into();
            }
            name::PersonName::Placeholder => self.issue(
                Some(col),
                "placeholder",
                raw,
                "联系人为占位值 (placeholder instead of a name)",
            ),
            name::PersonName::Empty => {}
        }
        // An individual's 负责人 is the customer him/herself.
        if r.party == Some(Party::Person) && r.contact_name == r.name {
            r.contact_name.clear();
        }
    }

    fn phones(&mut self, r: &mut Fields) {
        let company = r.party == Some(Party::Company);
        let mobile_col = self.column_of(Field::Mobile);
        let mobile_empty = mobile_col.is_some_and(|c| self.raw.values[c].trim().is_empty());
        let contact_is_other = !r.contact_name.is_empty() && r.contact_name != r.name;
        let fields = [
            Field::Mobile,
            Field::Phone,
            Field::ContactMobile,
            Field::ContactPhone,
        ];
        for field in fields {
            for (col, v) in self.values(field) {
                let as_contact = company
                    || (contact_is_other
                        && matches!(field, Field::ContactMobile | Field::ContactPhone));
                for p in phone::parse_field(v) {
                    match p.kind {
                        phone::PhoneKind::Mobile => {
                            if p.kind == phone::PhoneKind::Mobile
                                && field == Field::Phone
                                && mobile_empty
                            {
                                self.issue(
                                    mobile_col,
                                    "misplaced_value",
                                    v,
                                    format!("手机号码填在了{}列 (a mobile number in the landline column)", self.table.columns[col].name),
                                );
                            }
                            if as_contact {
                                r.contact_mobile.get_or_insert(p.canonical.into());
                            } else if !r.mobiles.iter().any(|x| *x == p.canonical) {
                                r.mobiles.push(p.canonical.into());
                            }
                        }
                        phone::PhoneKind::Landline
                        | phone::PhoneKind::Foreign
                        | phone::PhoneKind::Local
                        | phone::PhoneKind::TollFree => {
                            if !r.phones.iter().any(|x| *x == p.canonical) {
                                r.phones.push(p.canonical.into());
                            }
                        }
                        phone::PhoneKind::Invalid(reason) => {
                            let digits = text::digits(v);
                            if (10..=12).contains(&digits.len()) && digits.starts_with('1') {
                                r.mobiles_invalid.push(digits.into());
                            }
                            self.issue(
                                Some(col),
                                "invalid_phone",
                                v,
                                format!("电话号码无效 (invalid phone number: {reason:?})"),
                            );
                        }
                        phone::PhoneKind::Placeholder => self.issue(
                            Some(col),
                            "placeholder",
                            v,
                            "电话为占位值 (placeholder instead of a number)",
                        ),
                        phone::PhoneKind::Empty => {}
                    }
                }
            }
        }
    }

    fn emails(&mut self, r: &mut Fields) {
        for field in [Field::Email, Field::ContactEmail] {
            for (col, v) in self.values(field) {
                match email::normalize(v) {
                    email::Email::Valid(e) => {
                        if !r.emails.iter().any(|x| *x == e) {
                            r.emails.push(e.into());
                        }
                    }
                    email::Email::Invalid {
                        error, suggestion, ..
                    } => {
                        let hint = suggestion
                            .map(|s| format!("; did you mean {s}?"))
                            .unwrap_or_default();
                        self.issue(
                            Some(col),
                            "invalid_email",
                            v,
                            format!("邮箱格式错误 (invalid e-mail: {error:?}{hint})"),
                        );
                    }
                    email::Email::Placeholder => self.issue(
                        Some(col),
                        "placeholder",
                        v,
                        "邮箱为占位值 (placeholder e-mail)",
                    ),
                    email::Email::Empty => {}
                }
            }
        }
    }

    fn address(&mut self, r: &mut Fields) {
        let province = self
            .first(Field::Province)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        let city = self
            .first(Field::City)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        let district = self
            .first(Field::District)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        let detail = self
            .first(Field::AddressDetail)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        let key = |v: Option<(usize, &str)>| v.map(|(_, v)| text::match_key(v)).unwrap_or_default();
        r.street_number = key(self.first(Field::StreetNumber)).into();
        r.address_line2 = key(self.first(Field::AddressLine2)).into();
        r.postcode = key(self.first(Field::Postcode)).into();
        let (col, written) = match self.first(Field::Address) {
            Some((c, v)) => (Some(c), v.to_string()),
            None => (None, format!("{province}{city}{district}{detail}")),
        };
        if written.trim().is_empty() {
            return;
        }
        match address::parse(&written) {
            address::AddressValue::Parsed(a) => {
                // Exports with a street in one column and the town in another (Latin data
                // mostly): the columns fill what the street text does not say, matched by their
                // key and shown as written.
                let fill = |parsed: &Option<String>, written: &str| -> (Text, Text) {
                    match parsed {
                        Some(division) => (division.as_str().into(), Text::new()),
                        None => column_division(written),
                    }
                };
                (r.province, r.province_display) = fill(&a.province, &province);
                (r.city, r.city_display) = fill(&a.city, &city);
                (r.district, r.district_display) = fill(&a.district, &district);
                r.address_detail = address::detail_key(&a.detail).into();
                r.address_display = address::detail_display(&a.detail).into();
            }
            address::AddressValue::Placeholder => {
                let col = col.or_else(|| self.column_of(Field::AddressDetail));
                self.issue(
                    col,
                    "placeholder",
                    &written,
                    "地址为占位值 (placeholder address)",
                );
            }
            address::AddressValue::Empty => {}
        }
    }

    /// Gender and birth date, cross-checked with the 身份证.
    fn person_facts(&mut self, r: &mut Fields) {
        let info = r.id_number.as_deref().and_then(id_card::strict_info);
        if let Some((col, v)) = self.first(Field::BirthDate) {
            match date::parse(v) {
                date::DateValue::Valid(w) => {
                    r.birth_date = Some(w.date);
                    if let Some(i) = info.as_ref().filter(|i| i.birth_date != w.date) {
                        let msg =
                            format!("出生日期与身份证不符 (the 身份证 says {})", i.birth_date);
                        self.issue(Some(col), "birthdate_id_mismatch", v, msg);
                    }
                }
                date::DateValue::Invalid(e) => self.issue(
                    Some(col),
                    "invalid_date",
                    v,
                    format!("日期无效 (invalid date: {e:?})"),
                ),
                date::DateValue::Placeholder => self.issue(
                    Some(col),
                    "placeholder",
                    v,
                    "日期为占位值 (placeholder date)",
                ),
                date::DateValue::Empty => {}
            }
        }
        if let Some((col, v)) = self.first(Field::Gender) {
            r.gender = gender(v);
            if let (Some(g), Some(i)) = (r.gender, info.as_ref()) {
                let id_gender = if i.sex == id_card::Sex::Male {
                    'M'
                } else {
                    'F'
                };
                if g != id_gender {
                    let msg = format!("性别与身份证不符 (the 身份证 says {})", i.sex.as_chinese());
                    self.issue(Some(col), "gender_id_mismatch", v, msg);
                }
            }
        }
        if let Some(i) = info {
            r.birth_date.get_or_insert(i.birth_date);
            r.gender.get_or_insert(if i.sex == id_card::Sex::Male {
                'M'
            } else {
                'F'
            });
        }
    }

    fn other_fields(&mut self, r: &mut Fields) {
        if let Some((_, v)) = self.first(Field::Industry) {
            r.industry = industry::section(v).into();
        }
        if let Some((col, v)) = self.first(Field::CreditLimit) {
            match amount::parse(v) {
                amount::Amount::Valid(y) => r.credit_limit = Some(y.whole_yuan()),
                amount::Amount::Invalid(e) => self.issue(
                    Some(col),
                    "invalid_amount",
                    v,
                    format!("金额无法识别 (unreadable amount: {e:?})"),
                ),
                _ => {}
            }
        }
        if let Some((_, v)) = self.first(Field::NameEn) {
            let chinese = (!r.name.is_empty()).then_some(r.name.as_str());
            if let Some(n) = name::name_en(v, chinese) {
                r.name_en = n.canonical.into();
            }
        }
        for field in [Field::UpdatedAt, Field::CreatedAt] {
            for (col, v) in self.values(field) {
                match date::parse(v) {
                    date::DateValue::Valid(w) => r.as_of = r.as_of.max(Some(w.date)),
                    date::DateValue::Invalid(e) => self.issue(
                        Some(col),
                        "invalid_date",
                        v,
                        format!("日期无效 (invalid date: {e:?})"),
                    ),
                    _ => {}
                }
            }
        }
    }

    fn test_record(&mut self, r: &Fields) -> bool {
        // The name as written: a test row's name is often itself a placeholder (test, 测试).
        let name = [Field::Name, Field::PersonName, Field::Organization]
            .iter()
            .find_map(|f| self.first(*f))
            .map_or(r.name.as_str(), |(_, v)| v);
        let mut contact: Vec<&str> = Vec::new();
        for f in [
            Field::Mobile,
            Field::Phone,
            Field::ContactMobile,
            Field::Email,
            Field::IdNumber,
        ] {
            contact.extend(self.values(f).into_iter().map(|(_, v)| v));
        }
        let Some(t) = placeholder::test_record(name, &contact) else {
            return false;
        };
        let name = name.to_string();
        self.issue(
            None,
            "test_record",
            &name,
            format!("测试或垃圾数据 (a test record: {t:?})"),
        );
        true
    }

    /// Required columns left empty. A placeholder or a misplaced value already said what is wrong.
    fn check_required(&mut self, required: &[usize]) {
        for &col in required {
            let name = &self.table.columns[col].name;
            if !self.raw.values[col].trim().is_empty()
                || self.issues.iter().any(|i| &i.field == name)
            {
                continue;
            }
            let msg = format!("必填字段 {name} 为空 (required value missing)");
            self.issue(Some(col), "missing_required", "", msg);
        }
    }
}

fn gender(v: &str) -> Option<char> {
    match text::clean(v).to_lowercase().as_str() {
        "男" | "m" | "male" | "男性" | "先生" => Some('M'),
        "女" | "f" | "female" | "女性" | "女士" => Some('F'),
        _ => None,
    }
}

fn id_message(outcome: &id_card::IdCard) -> String {
    match outcome {
        id_card::IdCard::Legacy15 { info, .. } => format!(
            "15位旧身份证号，已升级为 {} (legacy 15-digit number)",
            info.number
        ),
        id_card::IdCard::ChecksumError { expected, .. } => {
            format!("身份证校验码错误，应为 {expected} (check digit wrong: a typo?)")
        }
        id_card::IdCard::FormatError { reason, .. } => {
            format!("身份证号格式错误 (not an ID number: {reason:?})")
        }
        id_card::IdCard::Placeholder => "身份证号为占位值 (placeholder)".into(),
        id_card::IdCard::LooksLikeUscc(code) => {
            format!("此列应为身份证号，但填的是统一社会信用代码 {code} (misplaced)")
        }
        _ => String::new(),
    }
}

fn uscc_message(outcome: &uscc::Uscc) -> String {
    match outcome {
        uscc::Uscc::LegacyOrgCode { code, .. } => {
            format!("旧组织机构代码 {code}，请更新为统一社会信用代码 (legacy code)")
        }
        uscc::Uscc::LegacyRegNo { number, .. } => {
            format!("旧工商注册号 {number}，请更新为统一社会信用代码 (legacy code)")
        }
        uscc::Uscc::ChecksumError { expected, .. } => {
            format!("统一社会信用代码校验位错误，应为 {expected} (check character wrong: a typo?)")
        }
        uscc::Uscc::FormatError { reason, .. } => format!("统一社会信用代码格式错误 ({reason:?})"),
        uscc::Uscc::Placeholder => "统一社会信用代码为占位值 (placeholder)".into(),
        uscc::Uscc::LooksLikeIdCard(id) => {
            format!("此列应为统一社会信用代码，但填的是身份证号 {id} (misplaced)")
        }
        _ => String::new(),
    }
}

/// A division written in a column of its own that the address parser does not know (a Latin
/// town, state or county): its match key, and the written text when it differs from the key
/// only in letter case (`San Francisco`, `san francisco`). Other differences (traditional
/// characters, full-width letters) are the key's to settle: the key is shown then.
pub(crate) fn column_division(written: &str) -> (Text, Text) {
    let key = text::match_key(written);
    let display = text::clean(written);
    let shown = if display != key && display.to_lowercase() == key {
        display.into()
    } else {
        Text::new()
    };
    (key.into(), shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_division_from_its_own_column_is_keyed_and_shown_as_written() {
        let pair = |k: &str, d: &str| (Text::from(k), Text::from(d));
        assert_eq!(
            column_division("San Francisco"),
            pair("san francisco", "San Francisco")
        );
        assert_eq!(
            column_division(" SAN  FRANCISCO "),
            pair("san francisco", "SAN FRANCISCO")
        );
        // Written as its key: nothing more to keep.
        assert_eq!(column_division("san francisco"), pair("san francisco", ""));
        // Other differences are the key's to settle (traditional characters are shown simplified).
        let (key, shown) = column_division("臺北");
        assert_eq!(
            (key.as_str(), shown.as_str()),
            (text::match_key("臺北").as_str(), "")
        );
    }

    #[test]
    fn party_from_names() {
        for (n, want) in [
            ("张伟", Some(Party::Person)),
            ("欧阳靖雯", Some(Party::Person)),
            ("北京华信科技有限公司", Some(Party::Company)),
            ("温州市第八人民医院", Some(Party::Company)),
            ("枣庄市荣致商贸商行", Some(Party::Company)),
            ("Acme Trading Ltd", Some(Party::Company)),
            ("Jon Smith", Some(Party::Person)),
            ("", None),
        ] {
            assert_eq!(party_from_name(n), want, "{n}");
        }
    }

    #[test]
    fn party_from_type_words() {
        assert_eq!(party_from_type("个人客户"), Some(Party::Person));
        assert_eq!(party_from_type("企业客户"), Some(Party::Company));
        assert_eq!(party_from_type("代理商"), None);
    }
}
