//! The reports' own words in both languages (headings, column heads, notes); names the core
//! already gives (groups, endpoints, factors, fields and codes of the forms, statuses) come from
//! where the core defines them.

use crate::i18n::Lang;

/// Declares [`T`] with its English and Chinese text.
macro_rules! texts {
    ($($name:ident => ($en:expr, $zh:expr $(,)?)),+ $(,)?) => {
        /// A text of the reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum T {
            $(
                #[doc = $en]
                $name
            ),+
        }

        impl T {
            /// Every text, for tests.
            #[cfg(test)]
            pub(crate) const ALL: &'static [T] = &[$(T::$name),+];

            /// The text in `lang`.
            pub(crate) fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$name, Lang::En) => $en,
                      (T::$name, Lang::ZhCn) => $zh,)+
                }
            }
        }
    };
}

texts! {
    StudyTitle => ("Study report: TACE + targeted therapy / immunotherapy for unresectable HCC",
        "研究报告：不可切除肝癌 TACE 联合靶向/免疫治疗"),
    Generated => ("Generated on", "生成日期"),
    StudyNote => ("Every number below is computed by the eCRF's core from the study's records, as the app's analysis and safety pages show it; intervals are 95%.",
        "以下所有数字均由 eCRF 核心根据研究记录计算，与应用的统计分析页和安全性页面一致；区间均为 95%。"),
    Enrolled => ("enrolled patients", "例已入组患者"),
    EnrollmentTitle => ("Enrollment over time", "入组进度"),
    EnrollmentNote => ("Patients enrolled per month (enrollment date of the eligibility form).",
        "每月入组患者数（以入选表的入组日期计）。"),
    Year => ("Year", "年份"),
    Total => ("Total", "合计"),
    Cumulative => ("Cumulative", "累计"),
    PatientsEnrolled => ("Patients enrolled", "入组例数"),
    GroupsTitle => ("Patients by treatment group", "各治疗组患者数"),
    GroupsNote => ("Groups from the systemic agents started between enrollment and the first progression; patients not yet treated are in no group.",
        "组别按入组至首次进展期间开始使用的系统治疗药物确定；尚未治疗的患者不属于任何组别。"),
    Group => ("Group", "组别"),
    Patients => ("Patients", "例数"),
    Percent => ("%", "%"),
    Overall => ("Overall", "合计"),
    KmTitle => ("Kaplan-Meier estimates by treatment group", "各治疗组 Kaplan-Meier 估计"),
    KmNote => ("Time from enrollment, months (days / 30.4375); 24-month cut-off; 95% log-log confidence intervals; ticks on the curves mark censoring.",
        "自入组起的时间，月（天数 / 30.4375）；截至 24 个月；95% 置信区间（log-log）；曲线上的短竖线表示删失。"),
    Months => ("Months", "月"),
    MonthsShort => ("months", "个月"),
    SurvivalProbability => ("Survival probability", "生存概率"),
    N => ("n", "例数"),
    Events => ("Events", "事件数"),
    Median => ("Median, months (95% CI)", "中位时间，月（95% CI）"),
    Rate => ("Survival rate (95% CI)", "生存率（95% CI）"),
    Rmst => ("RMST to 24 months ± SE", "24 个月限制平均生存时间 ± 标准误"),
    AtRisk => ("Number at risk", "风险人数"),
    LogRank => ("Log-rank test", "Log-rank 检验"),
    NotReached => ("not reached", "未达到"),
    NotEnoughData => ("Not enough data for this analysis yet.", "数据尚不足以进行此项分析。"),
    NotYetTreatedLeftOut => ("not yet treated (no systemic therapy started): in no group's curve.",
        "例尚未治疗（未开始系统治疗）：不纳入任何组别曲线。"),
    CoxTitle => ("Cox proportional hazards, vs TACE + TKI", "Cox 比例风险模型（以 TACE + TKI 为参照）"),
    Term => ("Term", "变量"),
    Crude => ("Unadjusted HR (95% CI), p", "未校正 HR（95% CI），p"),
    Adjusted => ("Adjusted HR (95% CI), p", "校正后 HR（95% CI），p"),
    CoxNote => ("Efron ties. Unadjusted: the groups together, each factor alone (univariable); adjusted: the groups with the factors (multivariable, complete cases). Factors:",
        "Efron 结点处理。未校正：各组别一起、各因素单独（单因素）；校正后：各组别与各因素（多因素，完整病例）。校正因素："),
    ResponseTitle => ("Tumor response by treatment group", "各治疗组肿瘤疗效"),
    Orr => ("Objective response rate (confirmed CR + PR)", "客观缓解率（确认的 CR + PR）"),
    Dcr => ("Disease control rate (confirmed CR + PR + SD)", "疾病控制率（确认的 CR + PR + SD）"),
    Dor => ("Median duration of response, months (95% CI)", "中位缓解持续时间，月（95% CI）"),
    RatesNote => ("n/N (%) [95% Clopper-Pearson CI]; N: enrolled patients with a baseline lesion table; best overall response confirmed after 28 days.",
        "n/N（%）[95% Clopper-Pearson 置信区间]；N：有基线病灶表的入组患者；最佳总体疗效需 28 天后确认。"),
    SafetyTitle => ("Safety: adverse events by CTCAE v5.0", "安全性：按 CTCAE 5.0 统计的不良事件"),
    SafetyNote => ("Patients with at least one such event: n (%) [95% Clopper-Pearson CI]; denominators are enrolled patients; worst grade per patient.",
        "至少发生一次该事件的患者：n（%）[95% Clopper-Pearson 置信区间]；分母为入组患者；每位患者取最严重分级。"),
    SafetySummary => ("Summary", "汇总"),
    FrequentTerms => ("Most frequent adverse events, any grade", "最常见的不良事件（所有级别）"),
    FrequentTermsG3 => ("Most frequent adverse events, grade >= 3", "最常见的 3 级及以上不良事件"),
    TermsNote => ("The most frequent terms first (at most 15); Chinese names are the project's own translations of CTCAE terms.",
        "按发生频率排序（最多 15 项）；中文名称为本项目对 CTCAE 术语的翻译。"),
    NoEvents => ("None recorded.", "无记录。"),
    PatientTitle => ("Patient summary", "患者小结"),
    PatientNote => ("Identified by subject ID only. Derived values, responses and endpoints are computed by the eCRF's core from the saved forms.",
        "仅以受试者编号标识。衍生指标、疗效和终点由 eCRF 核心根据已保存的表单计算。"),
    SubjectId => ("Subject ID", "受试者编号"),
    Status => ("Status", "状态"),
    EnrollmentDate => ("Enrollment date", "入组日期"),
    NotEnrolled => ("not enrolled", "未入组"),
    BaselineTitle => ("Baseline", "基线"),
    NormalRange => ("Normal range (LLN – ULN)", "正常值范围（下限 – 上限）"),
    LiverTitle => ("Liver function and staging at baseline", "基线肝功能与分期"),
    Value => ("Value", "数值"),
    Item => ("Item", "项目"),
    Rule => ("Rule, or what is missing", "规则或缺少的数据"),
    Age => ("Age at enrollment", "入组年龄"),
    Years => ("years", "岁"),
    ChildPugh => ("Child-Pugh", "Child-Pugh 分级"),
    Albi => ("ALBI", "ALBI 评分"),
    Bclc => ("BCLC stage", "BCLC 分期"),
    Cnlc => ("CNLC stage", "CNLC 分期"),
    UpToSeven => ("Up-to-seven", "Up-to-seven 标准"),
    Bmi => ("BMI", "体重指数"),
    Nlr => ("NLR", "中性粒细胞/淋巴细胞比值"),
    Plr => ("PLR", "血小板/淋巴细胞比值"),
    Points => ("points", "分"),
    Within => ("within", "符合"),
    Beyond => ("beyond", "超出"),
    TreatmentsTitle => ("Treatments", "治疗"),
    ResponsesTitle => ("Tumor response by timepoint", "各时间点肿瘤疗效"),
    ResponsesNote => ("Computed from the lesion tables: mRECIST (Lencioni & Llovet 2010) and RECIST 1.1 (Eisenhauer 2009); CR/PR confirmed after 28 days.",
        "根据病灶表计算：mRECIST（Lencioni 与 Llovet 2010）和 RECIST 1.1（Eisenhauer 2009）；CR/PR 需 28 天后确认。"),
    NoBaseline => ("No baseline lesion table.", "无基线病灶表。"),
    Date => ("Date", "日期"),
    SumMm => ("Sum, mm", "径线和，mm"),
    FromBaseline => ("vs baseline", "较基线"),
    FromNadir => ("vs nadir", "较最低值"),
    Target => ("Target", "靶病灶"),
    NonTarget => ("Non-target", "非靶病灶"),
    NewLesions => ("New lesions", "新病灶"),
    OverallResponse => ("Overall response", "总体疗效"),
    BaselineSum => ("Baseline sum, mm", "基线径线和，mm"),
    BestResponse => ("Best overall response: unconfirmed / confirmed", "最佳总体疗效：未确认 / 已确认"),
    AeTitle => ("Adverse events", "不良事件"),
    AeTerm => ("Term (CTCAE v5.0)", "术语（CTCAE 5.0）"),
    Grade => ("Grade", "分级"),
    Onset => ("Onset", "发生日期"),
    Resolution => ("Resolution", "结束日期"),
    Ongoing => ("ongoing", "持续中"),
    Serious => ("Serious", "严重"),
    RelationTace => ("Relation to TACE", "与 TACE 的关系"),
    Agents => ("Systemic agents: relation, action", "系统治疗药物：相关性，措施"),
    Outcome => ("Outcome", "转归"),
    EndpointsTitle => ("Endpoints", "终点"),
    EndpointsNote => ("From enrollment; 24-month cut-off. PFS: progression or death, whichever first; otherwise censored at the last date known alive.",
        "自入组起计；截至 24 个月。PFS：进展或死亡（先发生者）；否则在最后确认存活日期删失。"),
    Endpoint => ("Endpoint", "终点"),
    Time => ("Time", "时间"),
    Days => ("days", "天"),
    Event => ("event", "事件"),
    Censored => ("censored", "删失"),
    NoFollowUp => ("No follow-up after enrollment yet.", "入组后尚无随访。"),
    Yes => ("Yes", "是"),
    No => ("No", "否"),
}
