//! The UI's one i18n mechanism: every string a view shows is a [`Msg`], translated here into
//! Simplified Chinese and English. Views hold no literals.

use ecrf_core::i18n::Lang;
use gloo::storage::Storage as _;
use leptos::prelude::*;

/// Declares a message enum (`Msg`, and one per screen family) with its English and Chinese
/// text, and its `ALL` list.
macro_rules! messages {
    ($enum:ident; $($name:ident => ($en:expr, $zh:expr $(,)?)),+ $(,)?) => {
        /// UI strings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum $enum {
            $($name),+
        }

        impl $enum {
            /// Every message, for tests.
            pub const ALL: &'static [$enum] = &[$($enum::$name),+];

            /// The message in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($enum::$name, Lang::En) => $en,
                      ($enum::$name, Lang::ZhCn) => $zh,)+
                }
            }
        }
    };
}

/// The UI's languages, each named in itself, in the order the header offers them.
pub const LANGUAGES: [(Lang, &str); 2] = [(Lang::ZhCn, "中文"), (Lang::En, "English")];

mod admin;
mod carry;
mod export;
mod lock;
pub use admin::{role_name, AdminMsg};
pub use carry::CarryMsg;
pub use export::ExportMsg;
pub use lock::LockMsg;

messages! {
    Msg;
    AppTitle => ("uHCC TACE Study eCRF", "不可切除肝癌 TACE 联合治疗研究 eCRF"),
    AppSubtitle => ("TACE + targeted therapy / immunotherapy, prospective observational study",
                "TACE 联合靶向/免疫治疗 前瞻性观察性研究"),
    Language => ("Language", "语言"),
    Online => ("Online", "在线"),
    Offline => ("Offline: everything is saved on this tablet", "离线：所有数据均保存在本设备"),
    UpdateReady => ("A new version of the app is ready.", "应用新版本已就绪。"),
    UpdateReload => ("Reload to update", "重新加载以更新"),
    StorageTitle => ("Storage on this device", "本设备存储"),
    StorageUsed => ("used of", "已用 / 可用"),
    StoragePersisted => ("Persistent: the browser will not evict the data",
                "持久存储：浏览器不会自动清除数据"),
    StorageNotPersisted => ("Not persistent: the browser may evict data when storage runs short, and this device holds the only copy",
                "非持久存储：存储空间不足时浏览器可能清除数据，而本设备上的数据是唯一副本"),
    ForkRepaired => ("changes saved by two tabs at the same moment (before this version) were re-applied on this tablet's chain; the audit trail names them (\"Repair of a forked chain\").", "项修改曾由两个标签页同时保存（本版本之前），现已在本设备的记录链上重新应用；审计轨迹中可见（“Repair of a forked chain”）。"),
    SetAside => ("Records that do not open on this tablet (damaged, or sealed wrongly by their sender), set aside: kept, not shown in any form:", "本设备上无法打开的记录（已损坏，或发送方加密有误），已搁置：仍保留，但不显示在任何表单中："),
    SetAsideHint => ("Tell the data manager: a copy sent to the study's server, or held by another tablet, is not affected.", "请告知数据管理员：已发送到研究服务器或由其他设备保存的副本不受影响。"),
    SetAsideOwn => ("One of them was saved on this tablet: if the study's server does not have it yet, the changes saved after it cannot be sent until the data manager restores it. Keep this tablet's records until then.", "其中有本设备保存的记录：若研究服务器尚未收到，之后保存的更改在数据管理员恢复它之前无法发送。在此之前请保留本设备的记录。"),
    SyncTitle => ("The study's server", "研究服务器"),
    SyncSignInHint => ("Sign in with your study account: this tablet's records are then sent to the study's server, sealed with the study's key (the server cannot read them), and the other tablets' records are received.", "使用研究账号登录：本设备的记录将以研究密钥加密后发送到研究服务器（服务器无法读取），并接收其他设备的记录。"),
    SyncUser => ("User name", "用户名"),
    SyncPassphrase => ("Passphrase", "口令"),
    SyncSignIn => ("Sign in", "登录"),
    SyncSigningIn => ("Signing in: deriving the key takes a few seconds…", "正在登录：密钥推导需要几秒钟……"),
    SyncSignedInAs => ("Signed in as", "已登录："),
    SyncNow => ("Send and receive now", "立即发送和接收"),
    SyncSignOut => ("Sign out", "退出登录"),
    SyncRunning => ("Sending and receiving…", "正在发送和接收……"),
    SyncUnsent => ("changes not yet sent", "项修改尚未发送"),
    SyncNever => ("not yet exchanged with the server", "尚未与服务器交换数据"),
    SyncLast => ("last exchange", "上次交换"),
    SyncSent => ("sent", "项已发送"),
    SyncReceived => ("received", "项已接收"),
    SyncFailed => ("Not exchanged:", "未能交换："),
    SyncErrNetwork => ("the server cannot be reached (offline?). Nothing is lost: the records stay on this tablet until the next exchange.", "无法连接服务器（离线？）。不会丢失任何数据：记录保存在本设备，下次交换时发送。"),
    SyncErrCredentials => ("wrong user name or passphrase.", "用户名或口令错误。"),
    SyncErrRateLimited => ("too many attempts; wait a few minutes and try again.", "尝试次数过多，请等几分钟再试。"),
    SyncErrNoStudy => ("the server has no study yet: the data manager creates it first.", "服务器上尚未创建研究：请数据管理员先创建。"),
    SyncErrRevoked => ("this account or this tablet has been revoked by the data manager.", "此账号或此设备已被数据管理员停用。"),
    SyncErrChangePassphrase => ("your passphrase is temporary: change it first (ask the data manager how).", "您的口令是临时口令：请先修改（请咨询数据管理员）。"),
    SyncErrStuck => ("the server refused a change:", "服务器拒绝了一项修改："),
    SyncErrStuckHint => ("The other records are still received; tell the data manager, who can see why.", "其他记录仍会接收；请告知数据管理员查明原因。"),
    SyncMustChange => ("Your passphrase is temporary: choose your own now (at least 8 characters). Only you will know it.", "您的口令是临时口令：请现在设置自己的口令（至少 8 个字符）。只有您本人知道。"),
    SyncNewPassphrase => ("New passphrase", "新口令"),
    SyncNewPassphraseAgain => ("New passphrase again", "再次输入新口令"),
    SyncChangePassphrase => ("Set my passphrase", "设置我的口令"),
    SyncPassShort => ("The passphrase needs at least 8 characters.", "口令至少需要 8 个字符。"),
    SyncPassMismatch => ("The two passphrases differ.", "两次输入的口令不一致。"),
    SyncReadOnly => ("A monitor's account only receives: changes made on this tablet are not sent.", "监查员账号只接收数据：本设备上的修改不会发送。"),
    SyncUnknownAuthors => ("Changes made under names that are not users of the study (name: changes):", "作者不是本研究用户的更改（姓名：更改数）："),
    SyncUnknownAuthorsHint => ("The study's users are the accounts that sign in to its server: sign in on the tablet before saving, and ask the data manager about these names. The changes are kept.", "研究用户即登录研究服务器的账号：请先在本设备登录再保存，并就这些姓名咨询数据管理员。这些更改仍会保留。"),
    SyncErrSignInAgain => ("the session has ended: sign in again.", "会话已结束：请重新登录。"),
    WhereDataIs => ("Changes not yet sent are saved on this device only: until they reach the study's server (sign in below), this tablet holds the only copy. Never clear the browser's data.",
                    "尚未发送的修改仅保存在本设备：在发送到研究服务器之前（请在下方登录），本设备保存的是唯一副本。切勿清除浏览器数据。"),
    WhereDataSynced => ("Everything entered on this tablet is also on the study's server, sealed with the study's key.", "本设备录入的全部内容也已加密保存在研究服务器。"),
    StorageUnknown => ("Storage estimate unavailable", "无法获取存储用量"),
    StorageOpening => ("Opening the local database…", "正在打开本地数据库…"),
    RegisterTitle => ("Register a patient", "登记患者"),
    SubjectId => ("Subject ID", "受试者编号"),
    SubjectIdHint => ("HCC-<site>-<number>, e.g. HCC-001-0007", "HCC-中心号-顺序号，如 HCC-001-0007"),
    EnrollmentDate => ("Enrollment date", "入组日期"),
    AddPatient => ("Add patient", "添加患者"),
    Saving => ("Saving…", "正在保存…"),
    Saved => ("Saved on this device", "已保存到本设备"),
    PatientsTitle => ("Patients", "患者列表"),
    NoPatients => ("No patients registered yet.", "尚未登记患者。"),
    PatientCount => ("patients", "名患者"),
    ShowMorePatients => ("Show {n} more", "再显示 {n} 名"),
    SearchPlaceholder => ("Search by subject ID", "按受试者编号搜索"),
    Build => ("Build", "版本"),
    ErrQuota => ("The device's storage is full. Nothing was lost: your entry is still in the form. Free space on the device, then save again.",
                "设备存储空间已满。数据未丢失：输入内容仍在表单中。请释放设备空间后重新保存。"),
    ErrBlocked => ("Another tab holds an older version of the database. Close the other tabs of this app, then reload.",
                "另一个标签页正在使用旧版本数据库。请关闭本应用的其他标签页后重新加载。"),
    ErrUnavailable => ("This browser offers no local database (private mode?). Data cannot be saved here.",
                "此浏览器无法使用本地数据库（是否为隐私模式？）。无法在此保存数据。"),
    ErrTooNew => ("The local database was written by a newer version of the app. Reload to update.",
                "本地数据库由更新版本的应用写入。请重新加载以更新。"),
    ErrOther => ("The local database reported an error:", "本地数据库出错："),
    ErrSealed => ("A record on this tablet does not open with its key: it is damaged or was altered. Nothing was changed or deleted; records already sent are safe on the study's server. Ask the data manager before clearing anything.",
                  "本设备上有一条记录无法用其密钥打开：已损坏或被篡改。未做任何更改或删除；已发送的记录在研究服务器上是安全的。清除任何数据前请先联系数据管理员。"),
    ErrLocked => ("The study is locked: unlock it first.", "研究数据已锁定：请先解锁。"),
    ErrNoRandom => ("This browser has no secure random generator (Web Crypto): nothing can be encrypted here.",
                    "此浏览器没有安全随机数生成器（Web Crypto）：无法在此加密。"),
    ErrNotSaved => ("Not saved.", "未保存。"),
    NavPatients => ("Patients", "患者"),
    NavAnalyses => ("Analyses", "统计分析"),
    AnalysesTitle => ("Survival analyses, computed on this device", "生存分析（在本设备上计算）"),
    DemoNotice => (
        "DEMO: a synthetic study of 120 patients (seed 2026), generated on this device. Not patient data.",
        "演示数据：在本设备上生成的 120 例合成研究数据（种子 2026），并非真实患者数据。",
    ),
    StudyDataNotice => (
        "The study's data on this tablet: every enrolled patient, endpoints derived from the saved forms (24-month cut-off).",
        "本设备上的研究数据：所有已入组患者，终点由已保存的表单推导（截至 24 个月）。",
    ),
    EnrolledAnalysed => ("enrolled patients analysed.", "例已入组患者纳入分析。"),
    NotEnoughData => (
        "Not enough data for this analysis yet (it needs patients in at least one group with follow-up).",
        "数据尚不足以进行此项分析（至少需要一组有随访数据的患者）。",
    ),
    PfsMrecist => ("PFS (mRECIST)", "无进展生存期（mRECIST）"),
    PfsRecist11 => ("PFS (RECIST 1.1)", "无进展生存期（RECIST 1.1）"),
    Os => ("Overall survival", "总生存期"),
    Compute => ("Compute", "计算"),
    Computing => ("Computing…", "正在计算…"),
    ComputedIn => ("computed in", "计算用时"),
    Months => ("Months", "月"),
    Survival => ("Survival probability", "生存概率"),
    AtRisk => ("Number at risk", "风险人数"),
    Group => ("Group", "组别"),
    Events => ("Events", "事件数"),
    Patients => ("n", "例数"),
    CoxTitle => ("Cox proportional hazards, vs TACE + TKI", "Cox 比例风险模型（以 TACE + TKI 为参照）"),
    Term => ("Term", "变量"),
    Crude => ("Unadjusted HR (95% CI), p", "未校正 HR（95% CI），p"),
    Adjusted => ("Adjusted HR (95% CI), p", "校正后 HR（95% CI），p"),
    CoxNote => (
        "Efron ties; adjusted for BCLC C-D, AFP >= 400 ng/mL, macrovascular invasion and ALBI grade 2-3 (complete cases).",
        "Efron 结点处理；校正因素：BCLC C-D 期、AFP ≥ 400 ng/mL、大血管侵犯、ALBI 2-3 级（完整病例）。",
    ),
    Median => ("Median, months (95% CI)", "中位时间，月（95% CI）"),
    Rate12 => ("12-month rate (95% CI)", "12 个月生存率（95% CI）"),
    NotReached => ("not reached", "未达到"),
    LogRank => ("Log-rank test", "Log-rank 检验"),
    NavConflicts => ("Conflicts", "冲突"),
    NavSafety => ("Safety", "安全性"),
    AeTimelineTitle => ("Adverse events", "不良事件"),
    AeTimelineNote => ("Bars span onset to resolution over the 24 months after enrollment; colour by grade.",
                "条形表示入组后 24 个月内自发生至结束的时间；颜色表示分级。"),
    Ongoing => ("ongoing", "持续中"),
    SeriousShort => ("SAE", "严重"),
    IptwCurves => ("IPTW-weighted Kaplan-Meier curves of", "IPTW 加权 Kaplan-Meier 曲线："),
    Dor => ("Median duration of response, months (95% CI)", "中位缓解持续时间，月（95% CI）"),
    IptwTitle => ("IPTW-adjusted hazard ratios, vs TACE + TKI", "逆概率加权（IPTW）校正后的风险比（以 TACE + TKI 为参照）"),
    IptwHr => ("IPTW HR (95% robust CI), p", "IPTW HR（95% 稳健 CI），p"),
    SmdBeforeAfter => ("Largest |SMD|, before → after weighting", "最大 |SMD|，加权前 → 加权后"),
    IptwNote => ("Per pair of groups: propensity by logistic regression on the factors chosen above (complete cases), stabilized weights truncated at the 1st/99th percentiles, weighted Cox with robust (sandwich) errors.",
                "每对组别：以上方所选因素做 logistic 回归估计倾向评分（完整病例），稳定化权重截断于第 1/99 百分位，加权 Cox 模型采用稳健（三明治）标准误。"),
    EndpointsTitle => ("Endpoints (so far)", "终点（截至目前）"),
    EndpointsNote => ("From enrollment; 24-month cut-off. PFS: progression or death, whichever first; otherwise censored at the last date known alive. The rules are in the study's statistics manual.",
                "自入组起计；截至 24 个月。PFS：进展或死亡（先发生者）；否则在最后确认存活日期删失。规则见研究统计手册。"),
    Ttp => ("Time to progression (mRECIST)", "疾病进展时间（mRECIST）"),
    ProgressionQueriesTitle => ("Data query: progression", "数据质疑：疾病进展"),
    ProgressionQueriesHint => ("PFS takes the first PD computed from the tumor assessments (or a clinical progression). Record the Progression form with the imaging date, or correct the lesion tables.",
                "PFS 取肿瘤评估计算出的首次 PD（或临床进展）。请按影像日期填写疾病进展表，或更正病灶表。"),
    MonthsShort => ("months", "个月"),
    EventHappened => ("event", "事件"),
    Censored => ("censored", "删失"),
    ReasonProgression => ("progression on", "进展于"),
    ReasonDeath => ("death on", "死亡于"),
    ReasonCutoff => ("24-month cut-off on", "24 个月截止于"),
    ReasonLastAlive => ("last known alive on", "最后确认存活于"),
    ExportPng => ("Save as PNG", "保存为 PNG"),
    MonthRate => ("-month rate (95% CI)", "个月生存率（95% CI）"),
    Rmst => ("RMST to 24 months ± SE", "24 个月限制平均生存时间 ± 标准误"),
    CoxNoteChosen => ("Efron ties. Unadjusted: the groups together, each factor alone (univariable); adjusted: the groups with the factors chosen above (multivariable, complete cases).",
                "Efron 结点处理。未校正：各组别一起、各因素单独（单因素）；校正后：各组别与上方所选因素（多因素，完整病例）。"),
    ForestTitle => ("Hazard ratios (95% CI), log scale", "风险比（95% CI），对数刻度"),
    CrudeShort => ("unadjusted", "未校正"),
    AdjustedShort => ("adjusted", "校正后"),
    BclcFilter => ("Patients", "患者"),
    AllStages => ("all BCLC stages", "所有 BCLC 分期"),
    GroupsShown => ("Groups:", "组别："),
    AdjustFor => ("Adjust for:", "校正因素："),
    MergedInto => ("merged into", "已融合入"),
    SplitHint => ("A lesion that split: type its fragments as 12 + 8. A lesion merged into another: choose \"merged into\".",
                "病灶分裂：按 12 + 8 的格式输入各部分。病灶融合：选择“已融合入”。"),
    Effusion => ("Effusion", "积液"),
    EffusionNone => ("none new or increased", "无新发或增多"),
    Ascites => ("ascites", "腹水"),
    Pleural => ("pleural effusion", "胸腔积液"),
    EffusionNew => ("new", "新发"),
    EffusionIncreased => ("increased", "增多"),
    EffusionStable => ("stable", "稳定"),
    CytologyNotDone => ("cytology not done", "未行细胞学检查"),
    CytologyNegative => ("cytology negative", "细胞学阴性"),
    CytologyPositive => ("cytology positive", "细胞学阳性"),
    NoAgents => ("No systemic therapy recorded before the onset date.", "发生日期前未记录系统治疗。"),
    Agent => ("Agent", "药物"),
    Relation => ("Relation", "相关性"),
    ActionTaken => ("Action taken", "采取的措施"),
    Weeks => ("Weeks since enrollment", "入组后周数"),
    ExportSvg => ("Save as SVG", "保存为 SVG"),
    Orr => ("Objective response rate (confirmed CR + PR)", "客观缓解率（确认的 CR + PR）"),
    Dcr => ("Disease control rate (confirmed CR + PR + SD)", "疾病控制率（确认的 CR + PR + SD）"),
    ResponseAnalysisTitle => ("Tumor response by treatment group", "各治疗组肿瘤疗效"),
    RatesNote => ("n/N (%) [95% Clopper-Pearson CI]; N: enrolled patients with a baseline lesion table; best overall response confirmed after 28 days.",
                "n/N（%）[95% Clopper-Pearson 置信区间]；N：有基线病灶表的入组患者；最佳总体疗效需 28 天后确认。"),
    WaterfallTitle => ("Best change of the target sum from baseline, per patient", "各患者靶病灶径线和较基线的最佳变化"),
    SpiderTitle => ("Change of the target sum over time", "靶病灶径线和随时间的变化"),
    LesionTimepoint => ("This assessment is", "本次评估为"),
    LesionBaseline => ("Baseline (choose the lesions)", "基线（选择病灶）"),
    LesionFollowUp => ("Follow-up (measure the baseline lesions)", "随访（测量基线病灶）"),
    Target => ("Target", "靶病灶"),
    NonTarget => ("Non-target", "非靶病灶"),
    Organ => ("Organ / site", "器官/部位"),
    Nodal => ("Node", "淋巴结"),
    DiameterMm => ("Longest diameter, mm (RECIST 1.1)", "最长径，mm（RECIST 1.1）"),
    ViableMm => ("Viable diameter, mm (mRECIST)", "存活肿瘤最长径，mm（mRECIST）"),
    Enhancing => ("Arterial enhancement", "动脉期强化"),
    AddTarget => ("+ Target lesion", "+ 靶病灶"),
    AddNonTarget => ("+ Non-target lesion", "+ 非靶病灶"),
    Kind => ("Kind", "类型"),
    NoBaselineLesions => ("No baseline lesion table yet: record the baseline assessment first.", "尚无基线病灶表：请先录入基线评估。"),
    Measured => ("measured", "已测量"),
    TooSmall => ("too small to measure", "太小无法测量"),
    NotEvaluated => ("not evaluated", "未评估"),
    StatusPresent => ("present", "存在"),
    StatusAbsent => ("absent", "消失"),
    StatusUnequivocalPd => ("unequivocal progression", "明确进展"),
    NewLesion => ("New lesions", "新病灶"),
    SizeMm => ("Size, mm", "大小，mm"),
    TypicalHcc => ("Typical HCC pattern", "典型肝癌强化方式"),
    Certainty => ("Certainty", "确定性"),
    Unequivocal => ("unequivocal", "明确"),
    Equivocal => ("equivocal", "可疑"),
    RemoveRow => ("Remove", "删除"),
    AddNewLesion => ("+ New lesion", "+ 新病灶"),
    AtBaseline => ("At baseline (diameter / viable)", "基线（最长径/存活径）"),
    ResponsesTitle => ("Tumor response, computed on this device", "肿瘤疗效（在本设备上计算）"),
    ResponsesNote => ("mRECIST (Lencioni & Llovet 2010) and RECIST 1.1 (Eisenhauer 2009); confirmation of CR/PR after 28 days, SD at least 42 days after enrollment. The rules are in the study's response manual.",
                "mRECIST（Lencioni 与 Llovet 2010）和 RECIST 1.1（Eisenhauer 2009）；CR/PR 需 28 天后确认，SD 需入组后至少 42 天。规则见研究疗效评价手册。"),
    BestUnconfirmed => ("Best overall response, unconfirmed", "最佳总体疗效（未确认）"),
    BestConfirmed => ("confirmed", "已确认"),
    BaselineSum => ("baseline sum", "基线径线和"),
    SumMm => ("Sum, mm", "径线和，mm"),
    FromBaseline => ("vs baseline", "较基线"),
    FromNadir => ("vs nadir", "较最低值"),
    ProposalsTitle => ("Proposed adverse events (from lab values)", "建议的不良事件（来自实验室检查）"),
    ProposalsHint => ("Lab values after enrollment that reach CTCAE v5.0 grade 1 or more. Confirm to open the adverse event form, or dismiss with a reason; nothing is recorded without your decision.",
                "入组后达到 CTCAE 5.0 一级及以上的实验室数值。确认后打开不良事件表单，或填写原因后不予采纳；未经您决定不会记录任何内容。"),
    ConfirmAe => ("Confirm as AE", "确认为不良事件"),
    Dismiss => ("Dismiss", "不予采纳"),
    TermNoMatch => ("No CTCAE term found. Try a shorter or more general word (血小板, liver), the English name, an abbreviation (ALT, HFSR), or the organ system's \"Other, specify\" term.",
                "未找到 CTCAE 术语。请尝试更短或更通用的词（如 血小板、肝），英文名称，缩写（如 ALT、HFSR），或相应系统的“其他，请注明”术语。"),
    TermSearch => ("Search CTCAE terms (English, Chinese or abbreviation, e.g. HFSR, ALT, 血小板)", "搜索 CTCAE 术语（英文、中文或缩写，如 HFSR、ALT、血小板）"),
    TermGrades => ("Grades of the chosen term", "所选术语的分级标准（CTCAE v5.0 英文原文）"),
    SafetyTitle => ("Safety: adverse events by CTCAE v5.0", "安全性：按 CTCAE 5.0 统计的不良事件"),
    SafetyNote => ("Patients with at least one such event: n (%) [95% Clopper-Pearson CI]; denominators are enrolled patients; worst grade per patient.",
                "至少发生一次该事件的患者：n（%）[95% Clopper-Pearson 置信区间]；分母为入组患者；每位患者取最严重分级。"),
    SafetySummary => ("Summary", "汇总"),
    SafetyByTerm => ("Grade >= 3, by system organ class and term", "3 级及以上，按系统器官分类和术语"),
    SafetyAnyGrade => ("Any grade, by system organ class and term", "所有级别，按系统器官分类和术语"),
    Overall => ("Overall", "合计"),
    DeleteForm => ("Delete this form", "删除此表单"),
    DeleteReason => ("Reason for deleting", "删除原因"),
    DeleteHint => ("The form disappears from the patient's record; its values stay in the audit trail.",
                "表单将从患者记录中移除；其数据仍保留在稽查轨迹中。"),
    ConfirmLeave => ("This form has unsaved changes. Leave without saving?", "表单有未保存的修改。确定不保存就离开吗？"),
    ErrBusy => ("Another save is still being written; try again in a moment.", "上一次保存仍在写入，请稍后再试。"),
    Yes => ("Yes", "是"),
    No => ("No", "否"),
    NoChanges => ("Nothing changed since the last save.", "自上次保存以来没有修改。"),
    NeedReason => ("Not saved: a change to a saved form needs a reason.", "未保存：修改已保存的表单须填写修改原因。"),
    NeedUser => ("Enter your name (who is entering data) first.", "请先填写您的姓名（数据录入人）。"),
    BackToPatient => ("← Patient", "← 返回患者"),
    BackToList => ("← Patients", "← 患者列表"),
    ReasonForChange => ("Reason for change", "修改原因"),
    ReasonHint => ("Required for any change after the first save; kept in the audit trail.",
                "首次保存后的任何修改均须填写，记入稽查轨迹。"),
    SaveForm => ("Save form", "保存表单"),
    Save => ("Save", "保存"),
    Unsaved => ("Unsaved changes", "有未保存的修改"),
    ProblemOne => ("Not saved: 1 problem to fix, shown above.", "未保存：有 1 处需要处理，已定位到该处。"),
    ProblemsMany => ("Not saved: {n} problems to fix; the first is shown above.", "未保存：有 {n} 处需要处理，已定位到第一处。"),
    ConfirmedAsMeasured => ("confirmed as measured", "已确认为实测值"),
    ConfirmValue => ("I confirm this value", "确认此数值无误"),
    History => ("History", "修改记录"),
    Conflict => ("Conflict", "冲突"),
    Cleared => ("(cleared)", "（已清除）"),
    Value => ("Value", "数值"),
    User => ("User", "用户"),
    When => ("When", "时间"),
    Device => ("Device", "设备"),
    Reason => ("Reason", "原因"),
    DerivedTitle => ("Derived values at baseline", "基线衍生指标"),
    DerivedNote => ("Computed on this device from the saved forms and the form on screen; read-only.",
                "根据已保存的表单及当前表单在本设备上计算；只读。"),
    ChildPugh => ("Child-Pugh", "Child-Pugh 分级"),
    Albi => ("ALBI", "ALBI 评分"),
    Bclc => ("BCLC stage", "BCLC 分期"),
    Cnlc => ("CNLC stage", "CNLC 分期"),
    UpToSeven => ("Up-to-seven", "Up-to-seven 标准"),
    Bmi => ("BMI", "体重指数"),
    Nlr => ("NLR", "中性粒细胞/淋巴细胞比值"),
    Plr => ("PLR", "血小板/淋巴细胞比值"),
    Age => ("Age at enrollment", "入组年龄"),
    Points => ("points", "分"),
    Within => ("within", "符合"),
    Beyond => ("beyond", "超出"),
    NotYetTreatedLeftOut => ("not yet treated (no systemic therapy started): in no group's curve.",
                "例尚未治疗（未开始系统治疗）：不纳入任何组别曲线。"),
    VisitDone => ("done", "已完成"),
    VisitDue => ("due", "待随访"),
    VisitOverdue => ("overdue", "已超期"),
    VisitMissed => ("missed", "已错过"),
    VisitUpcoming => ("upcoming", "未到期"),
    StatusHeader => ("Status", "状态"),
    NextVisit => ("Next visit", "下次随访"),
    Sync => ("Where saved", "保存位置"),
    Unsynced => ("only on this device", "仅保存在本设备"),
    UnsyncedHint => ("These changes exist on this tablet only: there is no copy elsewhere yet.",
                "这些修改只存在于本平板：目前没有其他副本。"),
    UserTitle => ("Who is entering data", "数据录入人"),
    UserName => ("Your name", "您的姓名"),
    UserHint => ("Every save is signed with this name, this device and the time (audit trail).",
                "每次保存都会记录此姓名、本设备及时间（稽查轨迹）。"),
    Change => ("Change", "更改"),
    FormsTitle => ("Forms", "表单"),
    TimelineTitle => ("Timeline", "时间线"),
    ConflictsTitle => ("Conflicting values", "数据冲突"),
    ConflictsHint => ("The same field was changed on two devices that had not seen each other's change. The latest value is shown until you keep one.",
                "同一字段在两台设备上被分别修改，彼此未看到对方的修改。在您选定保留值之前，显示最新的值。"),
    NoConflicts => ("No conflicts.", "没有冲突。"),
    KeepValue => ("Keep this value", "保留此值"),
    ConflictResolved => ("Conflict resolved", "冲突已解决"),
    DemoTitle => ("Demo study", "演示研究"),
    DemoExplain => ("Load a synthetic study of 120 patients into a separate DEMO database to try the app. It never leaves this device and is never mixed with the study's data.",
                "将 120 例合成患者数据载入单独的演示数据库以试用本应用。演示数据不会离开本设备，也不会与研究数据混合。"),
    DemoLoad => ("Load the demo study", "载入演示研究"),
    DemoFile => ("…or load a demo file made by the ecrf command-line tool (any size, any seed):", "……或载入由 ecrf 命令行工具生成的演示文件（任意规模、任意种子）："),
    DemoGenerating => ("Generating the demo study on this device…", "正在本设备上生成演示研究…"),
    DemoWriting => ("Writing commits to the demo database:", "正在写入演示数据库，提交数："),
    DemoBanner => ("DEMO database: synthetic data, not patients. It stays on this device.", "演示数据库：合成数据，并非真实患者。仅保存在本设备。"),
    DemoLeave => ("Back to the study", "返回研究数据"),
    StorageCommits => ("commits on this device; state rebuilt in", "条提交记录保存在本设备；状态重建用时"),
    CiNote => (
        "Kaplan-Meier with 95% log-log confidence bands; + marks censoring.",
        "Kaplan-Meier 曲线，阴影为 95% 置信带（log-log）；+ 表示删失。",
    ),
}

/// What a refused save says in the form's action bar: how many problems there are (plural-aware).
pub fn problems(n: usize, lang: Lang) -> String {
    match n {
        1 => Msg::ProblemOne.text(lang).to_owned(),
        n => Msg::ProblemsMany.text(lang).replace("{n}", &n.to_string()),
    }
}

/// A treatment group's name (codes from `ecrf_core::endpoints::treatment_group`, and
/// `not_yet_treated` for an enrolled patient in no group yet).
pub fn group_label(code: &str, lang: Lang) -> String {
    ecrf_core::study::plan::group_label(code)
        .get(lang)
        .to_owned()
}

/// The UI language, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    /// The current language.
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// A reactive translation of `msg`.
    pub fn t(self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || msg.text(self.lang.get())
    }
}

const LANG_KEY: &str = "ecrf.lang";

/// Provides the language context, starting from the saved choice or the browser's language,
/// and keeps `<html lang>` and the saved choice in step with it.
pub fn provide_i18n_context() -> I18n {
    let saved = gloo::storage::LocalStorage::raw()
        .get_item(LANG_KEY)
        .ok()
        .flatten()
        .or_else(|| web_sys::window().and_then(|w| w.navigator().language()));
    let lang = RwSignal::new(saved.map(|t| Lang::from_tag(&t)).unwrap_or_default());
    Effect::new(move |_| {
        let tag = lang.get().tag();
        // Failing to remember the language only costs the user one tap next time.
        let _ = gloo::storage::LocalStorage::raw().set_item(LANG_KEY, tag);
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", tag);
        }
    });
    let i18n = I18n { lang };
    provide_context(i18n);
    i18n
}

/// The language context.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn every_message_has_both_languages() {
        for &msg in Msg::ALL {
            assert!(!msg.text(Lang::En).is_empty());
            assert!(!msg.text(Lang::ZhCn).is_empty());
            assert_ne!(msg.text(Lang::En), msg.text(Lang::ZhCn));
        }
        for &msg in LockMsg::ALL {
            assert!(!msg.text(Lang::En).is_empty());
            assert_ne!(msg.text(Lang::En), msg.text(Lang::ZhCn));
        }
        for &msg in ExportMsg::ALL {
            assert!(!msg.text(Lang::En).is_empty());
            assert_ne!(msg.text(Lang::En), msg.text(Lang::ZhCn));
        }
        for &msg in CarryMsg::ALL {
            assert!(!msg.text(Lang::En).is_empty());
            assert_ne!(msg.text(Lang::En), msg.text(Lang::ZhCn));
        }
        for &msg in AdminMsg::ALL {
            assert!(!msg.text(Lang::En).is_empty());
            assert_ne!(msg.text(Lang::En), msg.text(Lang::ZhCn));
        }
    }
}
