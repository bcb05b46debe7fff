//! Industries: the informal words clerks type (IT, 贸易, 生产制造) mapped to the section names of the
//! national classification GB/T 4754-2017 (信息传输、软件和信息技术服务业, 批发和零售业, 制造业), so that
//! one industry has one name in a golden record. Unknown words are kept as written.

use super::text;

/// (informal word, GB/T 4754 section).
const SECTIONS: &[(&str, &str)] = &[
    ("it", "信息传输、软件和信息技术服务业"),
    ("信息技术", "信息传输、软件和信息技术服务业"),
    ("软件信息", "信息传输、软件和信息技术服务业"),
    ("软件", "信息传输、软件和信息技术服务业"),
    ("互联网", "信息传输、软件和信息技术服务业"),
    ("制造", "制造业"),
    ("生产制造", "制造业"),
    ("工业", "制造业"),
    ("商贸", "批发和零售业"),
    ("贸易", "批发和零售业"),
    ("批发零售", "批发和零售业"),
    ("零售", "批发和零售业"),
    ("技术服务", "科学研究和技术服务业"),
    ("科技服务", "科学研究和技术服务业"),
    ("工程", "建筑业"),
    ("建筑", "建筑业"),
    ("房地产", "房地产业"),
    ("餐饮", "住宿和餐饮业"),
    ("物流", "交通运输、仓储和邮政业"),
    ("运输", "交通运输、仓储和邮政业"),
    ("医疗", "卫生和社会工作"),
    ("农业", "农、林、牧、渔业"),
];

/// The GB/T 4754 section name of an industry as written; cleaned text when it is not known.
pub fn section(raw: &str) -> String {
    let cleaned = text::to_simplified(&text::clean(raw));
    let key = cleaned.to_lowercase().replace(' ', "");
    SECTIONS
        .iter()
        .find(|(word, _)| *word == key)
        .map_or(cleaned, |(_, s)| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn informal_words_become_sections() {
        for (raw, want) in [
            ("IT", "信息传输、软件和信息技术服务业"),
            ("贸易", "批发和零售业"),
            ("生产制造", "制造业"),
            ("科学研究和技术服务业", "科学研究和技术服务业"),
            ("製造業", "制造业"),
            ("宠物美容", "宠物美容"),
        ] {
            assert_eq!(section(raw), want, "{raw}");
        }
    }
}
