//! The study's forms (STUDY.md "Forms"), field by field. Ranges: hard (refused) and soft (needs
//! confirmation), in the units of Chinese practice (bilirubin umol/L, albumin g/L); labs commonly
//! reported in another unit name it, so that a value in that unit is caught (`docs/units.md`).

mod labs;

use labs::labs;

use super::model::{
    agent_table, choice, date, dec, int, l, lesions, multi, text, yes_no, Field, Form, Timing,
};

fn form(
    id: &'static str,
    en: &'static str,
    zh: &'static str,
    repeatable: bool,
    timing: Timing,
    fields: Vec<Field>,
) -> Form {
    Form {
        id,
        label: l(en, zh),
        repeatable,
        timing,
        fields,
        dated_by: None,
        proves_alive: false,
        internal: false,
    }
}

impl Form {
    /// The form with `field` as the date that places its instances on the timeline.
    fn dated(mut self, field: &'static str) -> Form {
        self.dated_by = Some(field);
        self
    }

    /// The form with its date ([`Form::dated`]) proving the patient alive that day.
    fn proves_alive(mut self) -> Form {
        self.proves_alive = true;
        self
    }
}

/// Every form of the study.
pub fn forms() -> Vec<Form> {
    use Timing::{Baseline, FollowUp};
    vec![
        form(
            "eligibility",
            "Eligibility and enrollment",
            "入选与入组",
            false,
            Baseline,
            vec![
                choice(
                    "diagnosis_basis",
                    l("uHCC diagnosed by", "诊断依据"),
                    "diagnosis_basis",
                )
                .req(),
                yes_no(
                    "unresectable",
                    l(
                        "Not suitable for resection, transplant or ablation",
                        "不适合手术切除、移植或消融",
                    ),
                )
                .req(),
                yes_no(
                    "measurable_lesion",
                    l(
                        "At least one measurable lesion (mRECIST)",
                        "至少一个可测量病灶（mRECIST）",
                    ),
                )
                .req(),
                yes_no(
                    "child_pugh_ok",
                    l("Child-Pugh A or B7", "Child-Pugh A 级或 B7"),
                )
                .req(),
                yes_no("ecog_ok", l("ECOG 0-1", "ECOG 0-1 分")).req(),
                yes_no(
                    "planned_combination",
                    l(
                        "Planned TACE with systemic therapy",
                        "计划 TACE 联合系统治疗",
                    ),
                )
                .req(),
                date("consent_date", l("Informed consent date", "知情同意日期")).req(),
                date("enrollment_date", l("Enrollment date", "入组日期")).req(),
            ],
        )
        .dated("enrollment_date"),
        form(
            "demographics",
            "Demographics",
            "人口学资料",
            false,
            Baseline,
            vec![
                choice("sex", l("Sex", "性别"), "sex").req(),
                date("birth_date", l("Date of birth", "出生日期")).req(),
                dec(
                    "height_cm",
                    l("Height", "身高"),
                    "cm",
                    1,
                    (100.0, 230.0),
                    Some((140.0, 200.0)),
                )
                .req(),
                dec(
                    "weight_kg",
                    l("Weight", "体重"),
                    "kg",
                    1,
                    (25.0, 250.0),
                    Some((35.0, 130.0)),
                )
                .req(),
            ],
        ),
        form(
            "history",
            "Medical history",
            "既往史",
            false,
            Baseline,
            vec![
                multi("etiology", l("Etiology", "病因"), "etiology").req(),
                yes_no("antiviral", l("Antiviral therapy", "抗病毒治疗"))
                    .when("etiology", &["hbv", "hcv"]),
                yes_no("cirrhosis", l("Cirrhosis", "肝硬化")).req(),
                multi(
                    "prior_treatment",
                    l("Prior HCC treatment", "既往肝癌治疗"),
                    "prior_treatment",
                ),
                multi("comorbidity", l("Comorbidities", "合并症"), "comorbidity"),
            ],
        ),
        form(
            "baseline_disease",
            "Baseline disease",
            "基线肿瘤情况",
            false,
            Baseline,
            vec![
                choice(
                    "tumor_number",
                    l("Number of intrahepatic tumors", "肝内肿瘤数目"),
                    "tumor_number",
                )
                .req(),
                int(
                    "tumor_count",
                    l("Count (more than 3)", "肿瘤个数（多于 3 个）"),
                    4.0,
                    100.0,
                )
                .req()
                .when("tumor_number", &["gt3"]),
                dec(
                    "largest_tumor_mm",
                    l("Largest diameter", "最大直径"),
                    "mm",
                    0,
                    (1.0, 300.0),
                    Some((5.0, 250.0)),
                )
                .req(),
                choice("distribution", l("Distribution", "分布"), "distribution").req(),
                choice(
                    "vascular_invasion",
                    l("Macrovascular invasion", "大血管侵犯"),
                    "vascular_invasion",
                )
                .req(),
                choice(
                    "cheng_type",
                    l("PVTT Cheng type", "门静脉癌栓程氏分型"),
                    "cheng_type",
                )
                .when("vascular_invasion", &["pvtt"]),
                choice(
                    "vp_type",
                    l("PVTT Vp type", "门静脉癌栓 Vp 分型"),
                    "vp_type",
                )
                .when("vascular_invasion", &["pvtt"]),
                yes_no("extrahepatic_spread", l("Extrahepatic spread", "肝外转移")).req(),
                multi(
                    "extrahepatic_sites",
                    l("Extrahepatic sites", "肝外转移部位"),
                    "extrahepatic_site",
                )
                .req()
                .when("extrahepatic_spread", &["yes"]),
                choice("ascites", l("Ascites", "腹水"), "ascites").req(),
                choice(
                    "encephalopathy",
                    l("Hepatic encephalopathy", "肝性脑病"),
                    "encephalopathy",
                )
                .req(),
            ],
        ),
        form(
            "labs",
            "Laboratory tests",
            "实验室检查",
            true,
            Baseline,
            labs(),
        )
        .dated("date")
        .proves_alive(),
        form(
            "clinical",
            "Clinical assessment",
            "临床评估",
            true,
            // At screening (ECOG is an inclusion criterion) and at every visit.
            Baseline,
            vec![
                date("date", l("Visit date", "访视日期")).req(),
                choice(
                    "ecog",
                    l("ECOG performance status", "ECOG 体力状态"),
                    "ecog",
                )
                .req(),
                dec(
                    "weight_kg",
                    l("Weight", "体重"),
                    "kg",
                    1,
                    (25.0, 250.0),
                    Some((35.0, 130.0)),
                ),
                int("sbp", l("Systolic blood pressure", "收缩压"), 50.0, 260.0),
                int("dbp", l("Diastolic blood pressure", "舒张压"), 30.0, 160.0),
                choice("ascites", l("Ascites", "腹水"), "ascites").req(),
                choice(
                    "encephalopathy",
                    l("Hepatic encephalopathy", "肝性脑病"),
                    "encephalopathy",
                )
                .req(),
            ],
        )
        .dated("date")
        .proves_alive(),
        form(
            "tace",
            "TACE procedure",
            "TACE 治疗",
            true,
            FollowUp,
            vec![
                date("date", l("Procedure date", "治疗日期")).req(),
                choice("technique", l("Technique", "技术"), "tace_technique").req(),
                multi(
                    "chemo_agents",
                    l("Chemotherapeutic agents", "化疗药物"),
                    "chemo_agent",
                ),
                dec(
                    "chemo_dose_mg",
                    l("Total chemotherapy dose", "化疗药物总剂量"),
                    "mg",
                    1,
                    (0.0, 500.0),
                    Some((0.0, 200.0)),
                ),
                dec(
                    "lipiodol_ml",
                    l("Lipiodol volume", "碘油用量"),
                    "mL",
                    1,
                    (0.0, 40.0),
                    Some((0.0, 20.0)),
                )
                .when("technique", &["ctace"]),
                text(
                    "microsphere",
                    l("Microsphere type and size", "微球类型和粒径"),
                )
                .when("technique", &["deb_tace", "bland_tae"]),
                choice("selectivity", l("Selectivity", "超选择程度"), "selectivity").req(),
                text("end_point", l("Embolization end point", "栓塞终点")),
                text("complications", l("Complications", "并发症")),
            ],
        )
        .dated("date")
        .proves_alive(),
        form(
            "systemic",
            "Systemic therapy",
            "系统治疗",
            true,
            FollowUp,
            vec![
                choice("agent", l("Agent", "药物"), "systemic_agent").req(),
                text("agent_other", l("Other agent", "其他药物"))
                    .req()
                    .when("agent", &["other"]),
                date("start_date", l("Start date", "开始日期")).req(),
                text("dose", l("Dose and schedule", "剂量和用法")).req(),
                text(
                    "modifications",
                    l(
                        "Interruptions and reductions, with reasons",
                        "暂停/减量及原因",
                    ),
                ),
                date("stop_date", l("Stop date", "停药日期")),
                choice(
                    "stop_reason",
                    l("Reason for stopping", "停药原因"),
                    "stop_reason",
                ),
            ],
        )
        .dated("start_date")
        .proves_alive(),
        form(
            "tumor_assessment",
            "Tumor assessment",
            "肿瘤评估",
            true,
            FollowUp,
            vec![
                date("date", l("Imaging date", "影像日期")).req(),
                choice("modality", l("Modality", "检查方式"), "modality").req(),
                choice(
                    "investigator_mrecist",
                    l("Investigator's reading, mRECIST", "研究者评估（mRECIST）"),
                    "response",
                ),
                choice(
                    "investigator_recist11",
                    l(
                        "Investigator's reading, RECIST 1.1",
                        "研究者评估（RECIST 1.1）",
                    ),
                    "response",
                ),
                lesions(
                    "lesions",
                    l(
                        "Lesions (baseline: choose targets; follow-up: measure them)",
                        "病灶（基线：选择靶病灶；随访：测量）",
                    ),
                ),
                text(
                    "query_answer",
                    l(
                        "Answer to the data query (when your reading differs from the computed response)",
                        "数据质疑答复（研究者评估与计算结果不一致时）",
                    ),
                ),
            ],
        )
        .dated("date")
        .proves_alive(),
        form(
            "adverse_event",
            "Adverse event",
            "不良事件",
            true,
            FollowUp,
            vec![
                text("term", l("CTCAE v5.0 term", "CTCAE 5.0 术语")).req(),
                text("term_other", l("Other, specify", "其他（请注明）")),
                choice("grade", l("Grade", "分级"), "ae_grade").req(),
                date("onset_date", l("Onset date", "发生日期")).req(),
                date("resolution_date", l("Resolution date", "结束日期")),
                yes_no("serious", l("Serious", "严重不良事件")).req(),
                multi(
                    "sae_criteria",
                    l("Seriousness criteria", "严重性标准"),
                    "sae_criterion",
                )
                .req()
                .when("serious", &["yes"]),
                choice(
                    "relation_tace",
                    l("Relation to TACE", "与 TACE 的关系"),
                    "relation",
                )
                .req(),
                agent_table(
                    "agents",
                    l(
                        "Each systemic agent received: relation and action taken",
                        "已用每种系统治疗药物：相关性及采取的措施",
                    ),
                ),
                choice("outcome", l("Outcome", "转归"), "ae_outcome").req(),
            ],
        )
        .dated("onset_date")
        .proves_alive(),
        form(
            "progression",
            "Progression",
            "疾病进展",
            true,
            FollowUp,
            vec![
                date("date", l("Date of progression", "进展日期")).req(),
                multi(
                    "criteria",
                    l("Criteria", "判定标准"),
                    "progression_criteria",
                )
                .req(),
                multi("sites", l("Sites", "进展部位"), "progression_site").req(),
                text("imaging_reference", l("Imaging reference", "影像编号")),
            ],
        )
        .dated("date")
        .proves_alive(),
        form(
            "survival",
            "Survival status",
            "生存状态",
            true,
            FollowUp,
            vec![
                date("contact_date", l("Contact date", "随访日期")).req(),
                choice("status", l("Status", "状态"), "vital_status").req(),
                date("death_date", l("Date of death", "死亡日期"))
                    .req()
                    .when("status", &["dead"]),
                choice(
                    "death_cause",
                    l("Cause of death", "死亡原因"),
                    "death_cause",
                )
                .req()
                .when("status", &["dead"]),
                text(
                    "subsequent_therapy",
                    l("Subsequent anticancer therapy", "后续抗肿瘤治疗"),
                ),
            ],
        )
        .dated("contact_date"),
        Form {
            dated_by: None,
            proves_alive: false,
            internal: true,
            ..form(
                "ae_review",
                "Proposed adverse event: decision",
                "建议不良事件：处理决定",
                true,
                FollowUp,
                vec![
                    text("key", l("Proposal", "建议")).req(),
                    choice("decision", l("Decision", "决定"), "ae_decision").req(),
                    text("reason", l("Reason", "原因"))
                        .req()
                        .when("decision", &["dismissed"]),
                    text("ae_instance", l("Adverse event form", "不良事件表单")),
                ],
            )
        },
        form(
            "end_of_study",
            "End of study",
            "研究结束",
            false,
            FollowUp,
            vec![
                date("date", l("End of study date", "研究结束日期")).req(),
                choice("reason", l("Reason", "原因"), "eos_reason").req(),
                date("death_date", l("Date of death", "死亡日期"))
                    .req()
                    .when("reason", &["death"]),
                date(
                    "last_known_alive",
                    l("Last date known alive", "最后确认存活日期"),
                )
                .req(),
            ],
        )
        .dated("date"),
    ]
}
