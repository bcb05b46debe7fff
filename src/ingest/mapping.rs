//! Header → canonical field mapping.
//!
//! Exports name the same thing a dozen ways (客户名称 / 单位名称 / customer_name …). A built-in synonym
//! table maps the common Chinese and English CRM headers to one canonical `Field`; a job file can
//! override any column. Nested JSON paths (`负责人.手机`) are mapped by their last segment, read in the
//! context of the object holding it: a 手机 under 负责人 is the contact's mobile, not the customer's.
//! A column that maps to nothing is kept as an extra attribute, never dropped.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

macro_rules! fields {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// A canonical field of a customer record.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Field { $($variant),* }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Field::$variant => $name),* }
            }
        }
    };
}

fields! {
    RecordId => "record_id",
    CustomerType => "customer_type",
    Name => "name",
    PersonName => "person_name",
    FirstName => "first_name",
    LastName => "last_name",
    Organization => "organization",
    Employer => "employer",
    Gender => "gender",
    BirthDate => "birth_date",
    IdNumber => "id_number",
    Uscc => "uscc",
    IdOrUscc => "id_or_uscc",
    OtherId => "other_id",
    ContactName => "contact_name",
    ContactMobile => "contact_mobile",
    ContactPhone => "contact_phone",
    ContactEmail => "contact_email",
    Mobile => "mobile",
    Phone => "phone",
    Email => "email",
    Address => "address",
    AddressDetail => "address_detail",
    AddressLine2 => "address_line2",
    StreetNumber => "street_number",
    Province => "province",
    City => "city",
    District => "district",
    Postcode => "postcode",
    Industry => "industry",
    NameEn => "name_en",
    CreditLimit => "credit_limit",
    CreatedAt => "created_at",
    UpdatedAt => "updated_at",
    Note => "note",
    Status => "status",
    SalesRep => "sales_rep",
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Field {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Field::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown field `{s}`; known fields: {}", names.join(", "))
            })
    }
}

/// Synonyms per field, compared after `header_key` (NFKC, lower case, no spaces/punctuation).
const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::RecordId,
        &[
            "客户编号",
            "客户编码",
            "客户代码",
            "客户id",
            "客户号",
            "编号",
            "序号",
            "编码",
            "代码",
            "id",
            "customerid",
            "recid",
            "uniqueid",
            "custid",
            "recordid",
            "accountid",
            "clientid",
            "no",
        ],
    ),
    (
        Field::CustomerType,
        &[
            "客户类型",
            "客户类别",
            "客户性质",
            "类型",
            "类别",
            "customertype",
            "type",
            "category",
            "kind",
        ],
    ),
    (
        Field::Name,
        &[
            "客户名称",
            "单位名称",
            "公司名称",
            "企业名称",
            "客户全称",
            "客户姓名",
            "客户",
            "名称",
            "全称",
            "customername",
            "customer",
            "companyname",
            "accountname",
            "clientname",
            "fullname",
            "name",
        ],
    ),
    (Field::PersonName, &["姓名", "人员姓名", "personname"]),
    (
        Field::FirstName,
        &["firstname", "givenname", "forename", "名"],
    ),
    (
        Field::LastName,
        &["lastname", "surname", "familyname", "姓"],
    ),
    (
        Field::Organization,
        &[
            "单位",
            "公司",
            "所在单位",
            "organization",
            "organisation",
            "company",
        ],
    ),
    (
        Field::Employer,
        &[
            "工作单位",
            "就职单位",
            "任职单位",
            "雇主",
            "employer",
            "workplace",
        ],
    ),
    (Field::Gender, &["性别", "gender", "sex"]),
    (
        Field::BirthDate,
        &[
            "出生日期",
            "出生年月",
            "生日",
            "出生年月日",
            "dob",
            "dateofbirth",
            "birthdate",
            "birthday",
        ],
    ),
    (
        Field::IdNumber,
        &[
            "身份证号",
            "身份证",
            "身份证号码",
            "证件号码",
            "证件号",
            "个人证件号",
            "idcard",
            "idnumber",
            "idno",
        ],
    ),
    (
        Field::OtherId,
        &[
            "ssn",
            "socsecid",
            "socialsecurity",
            "socialsecuritynumber",
            "nationalid",
            "nino",
            "passport",
            "passportno",
            "护照号",
            "会员号",
            "会员编号",
            "membershipno",
        ],
    ),
    (
        Field::Uscc,
        &[
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "税号",
            "纳税人识别号",
            "营业执照号",
            "uscc",
            "creditcode",
            "taxid",
            "taxnumber",
            "vat",
            "vatnumber",
        ],
    ),
    (
        Field::IdOrUscc,
        &["税号证件号", "证件号税号", "证照号码", "证件号码税号"],
    ),
    (
        Field::ContactName,
        &[
            "联系人",
            "联系人姓名",
            "负责人",
            "对接人",
            "contact",
            "contactname",
            "contactperson",
        ],
    ),
    (
        Field::ContactMobile,
        &["联系人手机", "联系人手机号", "contactmobile"],
    ),
    (Field::ContactPhone, &["联系人电话", "contactphone"]),
    (Field::ContactEmail, &["联系人邮箱", "contactemail"]),
    (
        Field::Mobile,
        &[
            "手机",
            "手机号",
            "手机号码",
            "移动电话",
            "mobile",
            "mobilephone",
            "cell",
            "cellphone",
            "mobileno",
        ],
    ),
    (
        Field::Phone,
        &[
            "电话",
            "联系电话",
            "座机",
            "固定电话",
            "固话",
            "办公电话",
            "电话号码",
            "联系方式",
            "phone",
            "telephone",
            "tel",
            "landline",
            "phonenumber",
        ],
    ),
    (
        Field::Email,
        &[
            "电子邮件",
            "邮箱",
            "电子邮箱",
            "邮件",
            "email",
            "mail",
            "emailaddress",
        ],
    ),
    (
        Field::Address,
        &[
            "地址",
            "详细地址",
            "通讯地址",
            "联系地址",
            "住址",
            "家庭住址",
            "公司地址",
            "注册地址",
            "办公地址",
            "address",
            "addr",
            "streetaddress",
            "address1",
        ],
    ),
    (Field::AddressDetail, &["街道地址", "街道", "street"]),
    (
        Field::AddressLine2,
        &["地址2", "address2", "addressline2", "addr2"],
    ),
    (
        Field::StreetNumber,
        &[
            "门牌号",
            "streetnumber",
            "streetno",
            "housenumber",
            "houseno",
        ],
    ),
    (
        Field::Province,
        &["省", "省份", "所在省", "province", "state"],
    ),
    (
        Field::City,
        &["市", "城市", "所在城市", "地市", "city", "town", "suburb"],
    ),
    (
        Field::District,
        &["区", "区县", "县区", "所在区县", "district", "county"],
    ),
    (
        Field::Postcode,
        &[
            "邮编",
            "邮政编码",
            "postcode",
            "zip",
            "zipcode",
            "postalcode",
        ],
    ),
    (
        Field::Industry,
        &["所属行业", "行业", "行业类别", "industry", "sector"],
    ),
    (
        Field::NameEn,
        &[
            "英文名",
            "英文名称",
            "英文姓名",
            "拼音",
            "englishname",
            "nameen",
        ],
    ),
    (
        Field::CreditLimit,
        &[
            "信用额度",
            "授信额度",
            "信用限额",
            "额度",
            "creditlimit",
            "credit",
        ],
    ),
    (
        Field::CreatedAt,
        &[
            "建档日期",
            "建档时间",
            "创建时间",
            "创建日期",
            "录入日期",
            "录入时间",
            "登记日期",
            "created",
            "createdat",
            "createtime",
            "createdate",
            "registrationdate",
        ],
    ),
    (
        Field::UpdatedAt,
        &[
            "最后跟进时间",
            "更新时间",
            "修改时间",
            "最后更新",
            "最后修改时间",
            "调查日期",
            "updated",
            "updatedat",
            "lastmodified",
            "modified",
            "surveydate",
        ],
    ),
    (
        Field::Note,
        &[
            "备注",
            "说明",
            "意见建议",
            "备注信息",
            "remark",
            "remarks",
            "note",
            "notes",
            "comment",
            "comments",
        ],
    ),
    (Field::Status, &["状态", "客户状态", "status"]),
    (
        Field::SalesRep,
        &[
            "业务员",
            "跟进人",
            "销售",
            "销售员",
            "客户经理",
            "salesrep",
            "owner",
            "accountmanager",
        ],
    ),
];

/// Parent objects whose members describe the customer's contact person.
const CONTACT_PARENTS: &[&str] = &["负责人", "联系人", "对接人", "contact", "contactperson"];
/// Parent objects whose members describe the internal sales rep (never customer data).
const REP_PARENTS: &[&str] = &["跟进人", "业务员", "销售", "客户经理", "salesrep", "owner"];
/// Parent objects whose members are parts of an address.
const ADDRESS_PARENTS: &[&str] = &["地址", "address", "通讯地址", "联系地址"];

/// The comparison form of a header: NFKC, lower case, without whitespace, `_ - / ( ) .` and the
/// like, so that `E-mail`, `email ` and `Ｅｍａｉｌ` are one header.
pub fn header_key(header: &str) -> String {
    header
        .nfkc()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn lookup(key: &str) -> Option<Field> {
    SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&key))
        .map(|(f, _)| *f)
}

/// Map a header (or a dotted JSON path) to its canonical field.
pub fn map_header(header: &str) -> Option<Field> {
    let whole = header_key(header);
    if let Some(f) = lookup(&whole) {
        return Some(f);
    }
    let segments: Vec<&str> = header.split('.').collect();
    if segments.len() < 2 {
        // A header that merely adds a unit or note in brackets: 信用额度(元), 手机号（必填）.
        let base = header
            .split(['(', '（', '[', '【'])
            .next()
            .unwrap_or(header);
        return (base != header)
            .then(|| lookup(&header_key(base)))
            .flatten();
    }
    let leaf = lookup(&header_key(segments[segments.len() - 1]))?;
    let parents: Vec<String> = segments[..segments.len() - 1]
        .iter()
        .map(|s| header_key(s))
        .collect();
    let under = |set: &[&str]| parents.iter().any(|p| set.contains(&p.as_str()));
    if under(REP_PARENTS) {
        return matches!(leaf, Field::Name | Field::PersonName).then_some(Field::SalesRep);
    }
    if under(CONTACT_PARENTS) {
        return Some(match leaf {
            Field::Name | Field::PersonName | Field::ContactName => Field::ContactName,
            Field::Mobile => Field::ContactMobile,
            Field::Phone => Field::ContactPhone,
            Field::Email => Field::ContactEmail,
            other => other,
        });
    }
    if under(ADDRESS_PARENTS) && leaf == Field::Address {
        return Some(Field::AddressDetail);
    }
    Some(leaf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_flat_headers_in_chinese_and_english() {
        let cases = [
            ("客户名称", Some(Field::Name)),
            ("单位名称", Some(Field::Name)),
            ("姓名", Some(Field::PersonName)),
            ("手机号", Some(Field::Mobile)),
            ("移动电话", Some(Field::Mobile)),
            ("联系电话", Some(Field::Phone)),
            ("身份证号", Some(Field::IdNumber)),
            ("统一社会信用代码", Some(Field::Uscc)),
            ("税号/证件号", Some(Field::IdOrUscc)),
            ("电子邮件", Some(Field::Email)),
            ("E-mail", Some(Field::Email)),
            ("Ｅｍａｉｌ", Some(Field::Email)),
            ("first_name", Some(Field::FirstName)),
            ("Surname", Some(Field::LastName)),
            ("DOB", Some(Field::BirthDate)),
            ("详细地址", Some(Field::Address)),
            ("信用额度(元)", Some(Field::CreditLimit)),
            ("账期(天)", None),
            ("满意度", None),
        ];
        for (header, want) in cases {
            assert_eq!(map_header(header), want, "{header}");
        }
    }

    #[test]
    fn maps_json_paths_by_their_parent() {
        let cases = [
            ("客户.名称", Some(Field::Name)),
            ("客户.证件号码", Some(Field::IdNumber)),
            ("客户.统一社会信用代码", Some(Field::Uscc)),
            ("负责人.姓名", Some(Field::ContactName)),
            ("负责人.手机", Some(Field::ContactMobile)),
            ("负责人.座机", Some(Field::ContactPhone)),
            ("负责人.邮箱", Some(Field::ContactEmail)),
            ("地址.省", Some(Field::Province)),
            ("地址.详细地址", Some(Field::AddressDetail)),
            ("跟进人.姓名", Some(Field::SalesRep)),
            ("跟进人.部门", None),
            ("contact.email", Some(Field::ContactEmail)),
        ];
        for (header, want) in cases {
            assert_eq!(map_header(header), want, "{header}");
        }
    }

    #[test]
    fn field_names_round_trip() {
        for f in Field::ALL {
            assert_eq!(f.as_str().parse::<Field>(), Ok(*f));
        }
        assert!("nonsense"
            .parse::<Field>()
            .unwrap_err()
            .contains("known fields"));
    }
}
