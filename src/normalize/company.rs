//! Company names: the parts a registered name is built from — region, 字号 (trade name), industry,
//! legal form, and branch — so that spellings of one company share a key and a branch does not.
//!
//! A registered name is `{region}{字号}{industry}{legal form}` (北京华信科技有限公司), also written
//! `{字号}{industry}（{region}）{legal form}` (华信科技（北京）有限公司). Clerks drop or add the region
//! (北京市…), swap 有限公司 / 有限责任公司 / 公司, write 有限責任公司, add spaces, or cut the legal form.
//! The matching key is 字号 + industry (the *core*), which all those variants share, plus the
//! branch (…上海分公司 is another legal entity with its own USCC) when there is one. Region words come
//! from the GB/T 2260 tables; the industry and legal-form lists are the common ones of Chinese
//! business registration.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::normalize::{division, name, placeholder, text};

/// Legal-form suffixes, longest first within each family.
const LEGAL_FORMS: &[(&str, LegalForm)] = &[
    ("集团股份有限公司", LegalForm::JointStock),
    ("股份有限公司", LegalForm::JointStock),
    ("股份公司", LegalForm::JointStock),
    ("集团有限责任公司", LegalForm::LimitedLiability),
    ("集团有限公司", LegalForm::LimitedLiability),
    ("有限责任公司", LegalForm::LimitedLiability),
    ("有限公司", LegalForm::LimitedLiability),
    ("合伙企业(有限合伙)", LegalForm::Partnership),
    ("合伙企业(普通合伙)", LegalForm::Partnership),
    ("(有限合伙)", LegalForm::Partnership),
    ("(普通合伙)", LegalForm::Partnership),
    ("合伙企业", LegalForm::Partnership),
    ("个人独资企业", LegalForm::SoleProprietorship),
    ("经营部", LegalForm::IndividualBusiness),
    ("门市部", LegalForm::IndividualBusiness),
    ("商行", LegalForm::IndividualBusiness),
    ("工作室", LegalForm::IndividualBusiness),
    ("个体工商户", LegalForm::IndividualBusiness),
    ("公司", LegalForm::Company),
];

/// The family a legal form belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalForm {
    /// 有限公司, 有限责任公司 (one family: clerks use them interchangeably).
    LimitedLiability,
    /// 股份有限公司.
    JointStock,
    /// 合伙企业, (有限合伙), (普通合伙).
    Partnership,
    /// 个人独资企业.
    SoleProprietorship,
    /// 个体工商户 forms: 经营部, 门市部, 商行, 工作室.
    IndividualBusiness,
    /// A bare 公司 (有限 dropped).
    Company,
}

/// Branch suffixes: the branch is a separate registered entity.
const BRANCH_SUFFIXES: &[&str] = &[
    "分公司",
    "分店",
    "办事处",
    "分厂",
    "营业部",
    "分部",
    "分行",
    "支行",
    "分院",
    "分校",
];

/// Industry words of registered names (GB/T 4754 vocabulary as names use it), longest match wins.
const INDUSTRY_WORDS: &[&str] = &[
    "科技",
    "网络科技",
    "信息科技",
    "信息技术",
    "电子科技",
    "生物科技",
    "环保科技",
    "教育科技",
    "农业科技",
    "智能科技",
    "医药科技",
    "新材料科技",
    "能源科技",
    "数字科技",
    "软件",
    "软件开发",
    "软件技术",
    "网络",
    "网络技术",
    "信息",
    "电子",
    "电子商务",
    "通信",
    "通讯",
    "数据",
    "传媒",
    "文化传媒",
    "文化传播",
    "广告",
    "设计",
    "装饰工程",
    "装饰设计",
    "装饰",
    "装修工程",
    "建筑工程",
    "建筑",
    "建设工程",
    "建设",
    "工程",
    "建材",
    "房地产开发",
    "房地产",
    "置业",
    "物业管理",
    "物业服务",
    "物业",
    "贸易",
    "商贸",
    "国际贸易",
    "进出口",
    "实业",
    "投资",
    "投资管理",
    "资产管理",
    "企业管理咨询",
    "企业管理",
    "管理咨询",
    "咨询",
    "咨询服务",
    "信息咨询",
    "商务咨询",
    "财务咨询",
    "会计服务",
    "人力资源",
    "劳务",
    "物流",
    "运输",
    "供应链",
    "供应链管理",
    "仓储",
    "快递",
    "汽车销售服务",
    "汽车销售",
    "汽车服务",
    "汽车",
    "机械设备",
    "机械",
    "设备",
    "五金",
    "五金机电",
    "机电",
    "电器",
    "电气",
    "化工",
    "塑料",
    "塑胶",
    "橡胶",
    "纺织",
    "服饰",
    "服装",
    "鞋业",
    "家具",
    "家居",
    "印刷",
    "包装",
    "纸业",
    "食品",
    "餐饮管理",
    "餐饮",
    "酒店管理",
    "酒店",
    "农业",
    "农业开发",
    "林业",
    "畜牧",
    "水产",
    "医疗器械",
    "医药",
    "药业",
    "制药",
    "医疗",
    "健康管理",
    "健康",
    "生物",
    "美容",
    "旅游",
    "旅行社",
    "文化",
    "教育",
    "教育咨询",
    "培训",
    "体育",
    "影视",
    "环保",
    "环境",
    "能源",
    "新能源",
    "电力",
    "矿业",
    "钢铁",
    "金属",
    "材料",
    "新材料",
    "化学",
    "仪器",
    "仪表",
    "光电",
    "照明",
    "安防",
    "智能",
    "自动化",
    "工贸",
    "服务",
    "商务",
    "租赁",
    "融资租赁",
    "电子设备",
    "计算机",
    "系统集成",
    "制造",
    "制品",
    "用品",
    "礼品",
    "工艺品",
    "陶瓷",
    "玻璃",
    "石材",
    "钢结构",
    "园林",
    "园林绿化",
    "绿化",
    "景观",
    "市政",
    "安装",
    "家政",
    "保洁",
    "物资",
    "粮油",
    "茶叶",
    "酒业",
    "乳业",
    "种业",
    "花卉",
    "精密",
    "模具",
    "测控",
    "检测",
    "科技发展",
    "企业服务",
    "营销策划",
    "策划",
    "会展",
    "展览",
    "电子产品",
    "数码",
    "家电",
    "日用品",
    "化妆品",
    "母婴",
    "宠物",
];

/// A company name taken apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyName {
    /// Cleaned full name: NFKC (so `（）` → `()`), T2s, spaces between Chinese characters removed.
    pub canonical: String,
    /// Region words found as prefix or in parentheses, short forms (`北京`, `广东深圳`).
    pub region: Option<String>,
    /// 字号, the trade name (`华信`).
    pub zihao: String,
    /// Industry words (`科技`, `网络科技`), when recognised.
    pub industry: Option<String>,
    /// The legal-form suffix as written (T2s): `有限责任公司`.
    pub legal_form: Option<String>,
    pub legal_form_kind: Option<LegalForm>,
    /// The branch part (`上海分公司`), for branches only.
    pub branch: Option<String>,
    /// Parenthesised text that is not a region.
    pub qualifier: Option<String>,
}

impl CompanyName {
    /// 字号 + industry: what spellings of one company share.
    pub fn core(&self) -> String {
        format!("{}{}", self.zihao, self.industry.as_deref().unwrap_or(""))
    }

    /// The matching key: the core, plus `|branch` for branches.
    pub fn key(&self) -> String {
        match &self.branch {
            Some(b) => format!("{}|{}", self.core(), b),
            None => self.core(),
        }
    }

    pub fn is_branch(&self) -> bool {
        self.branch.is_some()
    }

    /// Pinyin of the core, for homophone-tolerant comparison (`星飞化工` ≈ `星菲化工`).
    pub fn core_pinyin(&self) -> String {
        name::to_pinyin(&self.core())
    }
}

/// Region names for prefix matching (full and short forms of provinces and prefecture-level
/// cities), longest first, each with its short form.
static REGION_WORDS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let mut words: Vec<(String, String)> = Vec::new();
    let mut add = |full: &str| {
        let short = division::short_name(full).to_string();
        for w in [full.to_string(), short.clone()] {
            if w.chars().count() >= 2 && !words.iter().any(|(x, _)| *x == w) {
                words.push((w, short.clone()));
            }
        }
    };
    for p in division::provinces() {
        add(&p.name);
    }
    for (_, c) in division::all_cities() {
        add(&c.name);
    }
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    words
});

/// REGION_WORDS grouped by first character (longest first within a group): prefix look-ups touch
/// a handful of words instead of all of them.
static REGION_BY_FIRST: LazyLock<HashMap<char, Vec<(String, String)>>> = LazyLock::new(|| {
    let mut map: HashMap<char, Vec<(String, String)>> = HashMap::new();
    for (w, short) in REGION_WORDS.iter() {
        if let Some(c) = w.chars().next() {
            map.entry(c).or_default().push((w.clone(), short.clone()));
        }
    }
    map
});

/// The region word the text starts with: (matched text incl. a following 省/市, short form).
fn region_prefix(s: &str) -> Option<(usize, String)> {
    let group = REGION_BY_FIRST.get(&s.chars().next()?)?;
    let (word, short) = group.iter().find(|(w, _)| s.starts_with(w.as_str()))?;
    let mut len = word.len();
    if let Some(c) = s[len..].chars().next().filter(|c| matches!(c, '省' | '市')) {
        len += c.len_utf8();
    }
    Some((len, short.clone()))
}

fn region_word(s: &str) -> Option<String> {
    REGION_WORDS
        .iter()
        .find(|(w, _)| w == s)
        .map(|(_, short)| short.clone())
}

/// Cleans a company name and takes it apart. Returns `None` for empty or placeholder values.
pub fn parse(raw: &str) -> Option<CompanyName> {
    let canonical = text::to_simplified(&text::remove_cjk_inner_spaces(&text::clean(raw)));
    if canonical.is_empty() || placeholder::is_placeholder(&canonical) {
        return None;
    }
    let mut out = CompanyName {
        canonical: canonical.clone(),
        ..CompanyName::default()
    };
    let mut rest = canonical.replace(' ', "");
    if let Some((head, branch)) = split_branch(&rest) {
        out.branch = Some(branch);
        rest = head;
    }
    if let Some((form, kind)) = LEGAL_FORMS
        .iter()
        .find(|(f, _)| rest.ends_with(f) && rest.len() > f.len())
    {
        out.legal_form = Some(form.to_string());
        out.legal_form_kind = Some(*kind);
        rest.truncate(rest.len() - form.len());
    }
    let mut in_parentheses: Vec<String> = Vec::new();
    rest = take_parentheses(&rest, &mut in_parentheses, &mut out.qualifier);
    let mut regions: Vec<String> = Vec::new();
    while let Some((len, short)) = region_prefix(&rest) {
        if rest[len..].chars().count() < 2 {
            break; // 天津绿力 keeps 绿力, but 中山 alone stays a name
        }
        regions.push(short);
        rest = rest[len..].to_string();
    }
    regions.extend(in_parentheses);
    out.region = (!regions.is_empty()).then(|| regions.join(""));
    let (zihao, industry) = split_industry(&rest);
    out.zihao = zihao;
    out.industry = industry;
    Some(out)
}

/// `华信科技有限公司上海分公司` → (`华信科技有限公司`, `上海分公司`); without a legal form before it,
/// the branch is the region word before the suffix (`…网络科技西安分公司` → `西安分公司`).
fn split_branch(s: &str) -> Option<(String, String)> {
    let suffix = BRANCH_SUFFIXES.iter().find(|b| s.ends_with(*b))?;
    let head = &s[..s.len() - suffix.len()];
    for form in ["有限责任公司", "股份有限公司", "有限公司", "公司"] {
        if let Some(i) = head.rfind(form) {
            let end = i + form.len();
            if end < head.len() {
                return Some((s[..end].to_string(), s[end..].to_string()));
            }
        }
    }
    let region = REGION_WORDS
        .iter()
        .find(|(w, _)| head.ends_with(w.as_str()) && head.len() > w.len());
    let cut = match region {
        Some((w, _)) => head.len() - w.len(),
        None => head.char_indices().rev().nth(1).map_or(0, |(i, _)| i),
    };
    Some((s[..cut].to_string(), s[cut..].to_string()))
}

/// Removes `(…)` groups: region words go to `regions`, anything else to `qualifier`.
fn take_parentheses(s: &str, regions: &mut Vec<String>, qualifier: &mut Option<String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let inner = &rest[open + 1..close];
        let inner_key = inner.trim_end_matches(['省', '市']);
        match region_word(inner).or_else(|| region_word(inner_key)) {
            Some(short) => regions.push(short),
            None => *qualifier = Some(inner.to_string()),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `华信网络科技` → (`华信`, `网络科技`); the 字号 keeps at least one character.
fn split_industry(core: &str) -> (String, Option<String>) {
    let best = INDUSTRY_WORDS
        .iter()
        .filter(|w| core.ends_with(*w) && core.len() > w.len())
        .max_by_key(|w| w.len());
    match best {
        Some(w) => (
            core[..core.len() - w.len()].to_string(),
            Some(w.to_string()),
        ),
        None => (core.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str) -> String {
        parse(raw).unwrap().key()
    }

    #[test]
    fn variants_share_a_key() {
        let same = [
            "华信科技（北京）有限公司",
            "华信科技(北京)有限公司",
            "北京华信科技有限公司",
            "北京市华信科技有限责任公司",
            "北京 华信科技 有限公司",
            "華信科技有限責任公司",
            "华信科技公司",
            "华信科技",
            "广东省深圳市华信科技有限公司",
        ];
        for raw in same {
            assert_eq!(key(raw), "华信科技", "{raw}");
        }
        assert_eq!(key("华信科技有限公司上海分公司"), "华信科技|上海分公司");
        assert_eq!(key("华信科技上海分公司"), "华信科技|上海分公司");
        assert_ne!(key("华信科技有限公司上海分公司"), key("华信科技有限公司"));
    }

    #[test]
    fn parts() {
        let c = parse("华信网络科技（北京）股份有限公司").unwrap();
        assert_eq!(c.region.as_deref(), Some("北京"));
        assert_eq!(c.zihao, "华信");
        assert_eq!(c.industry.as_deref(), Some("网络科技"));
        assert_eq!(c.legal_form.as_deref(), Some("股份有限公司"));
        assert_eq!(c.legal_form_kind, Some(LegalForm::JointStock));
        assert!(!c.is_branch());

        let c = parse("菏泽市达力企业管理咨询门市部").unwrap();
        assert_eq!(
            (c.region.as_deref(), c.zihao.as_str()),
            (Some("菏泽"), "达力")
        );
        assert_eq!(c.legal_form_kind, Some(LegalForm::IndividualBusiness));

        let c = parse("呼伦贝尔易通网络科技有限责任公司").unwrap();
        assert_eq!(
            (c.region.as_deref(), c.core().as_str()),
            (Some("呼伦贝尔"), "易通网络科技")
        );

        let c = parse("恩施天优五金有限公司").unwrap();
        assert_eq!(
            (c.region.as_deref(), c.core().as_str()),
            (Some("恩施"), "天优五金")
        );

        let c = parse("成都市第四人民医院").unwrap();
        assert_eq!(
            (
                c.region.as_deref(),
                c.zihao.as_str(),
                c.legal_form.as_deref()
            ),
            (Some("成都"), "第四人民医院", None)
        );

        let c = parse("中山华信贸易(普通合伙)").unwrap();
        assert_eq!(c.legal_form_kind, Some(LegalForm::Partnership));

        assert_eq!(parse("天津绿力").unwrap().zihao, "绿力");
        assert_eq!(parse("不详"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn homophones_share_pinyin() {
        let a = parse("星飞化工（秦皇岛）有限公司").unwrap();
        let b = parse("星菲化工（秦皇岛）有限公司").unwrap();
        assert_ne!(a.key(), b.key());
        assert_eq!(a.core_pinyin(), b.core_pinyin());
    }
}
