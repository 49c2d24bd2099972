//! The study's code lists: stable codes with English and Chinese labels.

use super::model::{list, CodeList};

/// Every code list of the study.
pub fn code_lists() -> Vec<CodeList> {
    vec![
        list("sex", &[("male", "Male", "男"), ("female", "Female", "女")]),
        list(
            "diagnosis_basis",
            &[
                ("histology", "Histology / cytology", "组织学/细胞学"),
                (
                    "clinical",
                    "Clinical criteria (CNLC / AASLD / EASL)",
                    "临床诊断标准（CNLC/AASLD/EASL）",
                ),
            ],
        ),
        list(
            "etiology",
            &[
                ("hbv", "HBV", "乙型肝炎病毒"),
                ("hcv", "HCV", "丙型肝炎病毒"),
                ("alcohol", "Alcohol", "酒精"),
                ("masld", "MASLD / NAFLD", "代谢相关脂肪性肝病"),
                ("other", "Other", "其他"),
            ],
        ),
        list(
            "prior_treatment",
            &[
                ("resection", "Resection", "手术切除"),
                ("ablation", "Ablation", "消融"),
                ("tace", "TACE", "TACE"),
                ("radiotherapy", "Radiotherapy", "放疗"),
                ("systemic", "Systemic therapy", "系统治疗"),
            ],
        ),
        list(
            "comorbidity",
            &[
                ("hypertension", "Hypertension", "高血压"),
                ("diabetes", "Diabetes", "糖尿病"),
                ("coronary", "Coronary heart disease", "冠心病"),
                ("ckd", "Chronic kidney disease", "慢性肾病"),
                ("other", "Other", "其他"),
            ],
        ),
        list(
            "tumor_number",
            &[
                ("1", "1", "1 个"),
                ("2", "2", "2 个"),
                ("3", "3", "3 个"),
                ("gt3", "More than 3", "多于 3 个"),
            ],
        ),
        list(
            "distribution",
            &[
                ("unilobar", "Unilobar", "单叶"),
                ("bilobar", "Bilobar", "双叶"),
            ],
        ),
        list(
            "vascular_invasion",
            &[
                ("none", "None", "无"),
                ("pvtt", "Portal vein tumor thrombus", "门静脉癌栓"),
                ("hepatic_vein", "Hepatic vein / IVC", "肝静脉/下腔静脉"),
            ],
        ),
        list(
            "cheng_type",
            &[
                ("I", "Cheng I", "程氏 I 型"),
                ("II", "Cheng II", "程氏 II 型"),
                ("III", "Cheng III", "程氏 III 型"),
                ("IV", "Cheng IV", "程氏 IV 型"),
            ],
        ),
        list(
            "vp_type",
            &[
                ("Vp1", "Vp1", "Vp1"),
                ("Vp2", "Vp2", "Vp2"),
                ("Vp3", "Vp3", "Vp3"),
                ("Vp4", "Vp4", "Vp4"),
            ],
        ),
        list(
            "extrahepatic_site",
            &[
                ("lung", "Lung", "肺"),
                ("bone", "Bone", "骨"),
                ("lymph_node", "Lymph node", "淋巴结"),
                ("adrenal", "Adrenal", "肾上腺"),
                ("peritoneum", "Peritoneum", "腹膜"),
                ("other", "Other", "其他"),
            ],
        ),
        list(
            "ascites",
            &[
                ("none", "None", "无"),
                ("mild", "Mild", "少量"),
                ("moderate_severe", "Moderate to severe", "中到大量"),
            ],
        ),
        list(
            "encephalopathy",
            &[
                ("none", "None", "无"),
                ("grade_1_2", "Grade 1-2", "1-2 级"),
                ("grade_3_4", "Grade 3-4", "3-4 级"),
            ],
        ),
        list(
            "ecog",
            &[
                ("0", "0", "0"),
                ("1", "1", "1"),
                ("2", "2", "2"),
                ("3", "3", "3"),
                ("4", "4", "4"),
            ],
        ),
        list(
            "tace_technique",
            &[
                ("ctace", "cTACE (lipiodol)", "传统 TACE（碘油）"),
                ("deb_tace", "DEB-TACE", "载药微球 TACE"),
                ("bland_tae", "Bland TAE", "单纯栓塞"),
            ],
        ),
        list(
            "chemo_agent",
            &[
                ("epirubicin", "Epirubicin", "表柔比星"),
                ("pirarubicin", "Pirarubicin", "吡柔比星"),
                ("idarubicin", "Idarubicin", "伊达比星"),
                ("lobaplatin", "Lobaplatin", "洛铂"),
                ("oxaliplatin", "Oxaliplatin", "奥沙利铂"),
                ("raltitrexed", "Raltitrexed", "雷替曲塞"),
                ("other", "Other", "其他"),
            ],
        ),
        list(
            "selectivity",
            &[
                ("lobar", "Lobar", "肝叶"),
                ("segmental", "Segmental", "肝段"),
                ("subsegmental", "Subsegmental", "亚肝段"),
            ],
        ),
        list(
            "systemic_agent",
            &[
                ("lenvatinib", "Lenvatinib (TKI)", "仑伐替尼（TKI）"),
                ("sorafenib", "Sorafenib (TKI)", "索拉非尼（TKI）"),
                ("donafenib", "Donafenib (TKI)", "多纳非尼（TKI）"),
                ("apatinib", "Apatinib (TKI)", "阿帕替尼（TKI）"),
                ("regorafenib", "Regorafenib (TKI)", "瑞戈非尼（TKI）"),
                ("cabozantinib", "Cabozantinib (TKI)", "卡博替尼（TKI）"),
                (
                    "bevacizumab",
                    "Bevacizumab or biosimilar (anti-VEGF)",
                    "贝伐珠单抗及类似药（抗 VEGF）",
                ),
                (
                    "camrelizumab",
                    "Camrelizumab (anti-PD-1)",
                    "卡瑞利珠单抗（抗 PD-1）",
                ),
                (
                    "sintilimab",
                    "Sintilimab (anti-PD-1)",
                    "信迪利单抗（抗 PD-1）",
                ),
                (
                    "tislelizumab",
                    "Tislelizumab (anti-PD-1)",
                    "替雷利珠单抗（抗 PD-1）",
                ),
                (
                    "toripalimab",
                    "Toripalimab (anti-PD-1)",
                    "特瑞普利单抗（抗 PD-1）",
                ),
                (
                    "atezolizumab",
                    "Atezolizumab (anti-PD-L1)",
                    "阿替利珠单抗（抗 PD-L1）",
                ),
                (
                    "durvalumab",
                    "Durvalumab (anti-PD-L1)",
                    "度伐利尤单抗（抗 PD-L1）",
                ),
                (
                    "pembrolizumab",
                    "Pembrolizumab (anti-PD-1)",
                    "帕博利珠单抗（抗 PD-1）",
                ),
                (
                    "nivolumab",
                    "Nivolumab (anti-PD-1)",
                    "纳武利尤单抗（抗 PD-1）",
                ),
                (
                    "serplulimab",
                    "Serplulimab (anti-PD-1)",
                    "斯鲁利单抗（抗 PD-1）",
                ),
                (
                    "penpulimab",
                    "Penpulimab (anti-PD-1)",
                    "派安普利单抗（抗 PD-1）",
                ),
                (
                    "tremelimumab",
                    "Tremelimumab (anti-CTLA-4)",
                    "替西木单抗（抗 CTLA-4）",
                ),
                (
                    "ipilimumab",
                    "Ipilimumab (anti-CTLA-4)",
                    "伊匹木单抗（抗 CTLA-4）",
                ),
                ("other", "Other", "其他"),
            ],
        ),
        list(
            "stop_reason",
            &[
                ("progression", "Progression", "疾病进展"),
                ("toxicity", "Toxicity", "毒性"),
                ("patient_decision", "Patient decision", "患者意愿"),
                ("completed", "Planned course completed", "按计划完成"),
                ("death", "Death", "死亡"),
                ("other", "Other", "其他"),
            ],
        ),
        list(
            "modality",
            &[
                ("ct", "Contrast CT", "增强 CT"),
                ("mri", "Contrast MRI", "增强 MRI"),
            ],
        ),
        list(
            "response",
            &[
                ("CR", "Complete response (CR)", "完全缓解（CR）"),
                ("PR", "Partial response (PR)", "部分缓解（PR）"),
                ("SD", "Stable disease (SD)", "疾病稳定（SD）"),
                ("PD", "Progressive disease (PD)", "疾病进展（PD）"),
                ("NE", "Not evaluable (NE)", "无法评价（NE）"),
            ],
        ),
        list(
            "ae_grade",
            &[
                ("1", "Grade 1", "1 级"),
                ("2", "Grade 2", "2 级"),
                ("3", "Grade 3", "3 级"),
                ("4", "Grade 4", "4 级"),
                ("5", "Grade 5", "5 级"),
            ],
        ),
        list(
            "relation",
            &[
                ("unrelated", "Unrelated", "无关"),
                ("unlikely", "Unlikely", "可能无关"),
                ("possible", "Possible", "可能有关"),
                ("probable", "Probable", "很可能有关"),
                ("definite", "Definite", "肯定有关"),
            ],
        ),
        list(
            "sae_criterion",
            &[
                ("death", "Results in death", "导致死亡"),
                ("life_threatening", "Life-threatening", "危及生命"),
                (
                    "hospitalization",
                    "Requires or prolongs hospitalisation",
                    "导致住院或住院时间延长",
                ),
                (
                    "disability",
                    "Persistent or significant disability",
                    "导致持续或显著的残疾",
                ),
                (
                    "congenital_anomaly",
                    "Congenital anomaly / birth defect",
                    "导致先天性异常/出生缺陷",
                ),
                (
                    "important_medical_event",
                    "Other important medical event",
                    "其他重要医学事件",
                ),
            ],
        ),
        list(
            "ae_decision",
            &[
                (
                    "confirmed",
                    "Confirmed as an adverse event",
                    "确认为不良事件",
                ),
                ("dismissed", "Dismissed", "不予采纳"),
            ],
        ),
        list(
            "ae_action",
            &[
                ("none", "None", "无"),
                ("interrupted", "Interrupted", "暂停"),
                ("reduced", "Dose reduced", "减量"),
                ("withdrawn", "Withdrawn", "停药"),
            ],
        ),
        list(
            "ae_outcome",
            &[
                ("recovered", "Recovered", "痊愈"),
                ("recovering", "Recovering", "好转"),
                ("not_recovered", "Not recovered", "未恢复"),
                ("sequelae", "Recovered with sequelae", "痊愈伴后遗症"),
                ("fatal", "Fatal", "死亡"),
                ("unknown", "Unknown", "未知"),
            ],
        ),
        list(
            "progression_criteria",
            &[
                ("mrecist", "mRECIST", "mRECIST"),
                ("recist11", "RECIST 1.1", "RECIST 1.1"),
                ("clinical", "Clinical", "临床判断"),
            ],
        ),
        list(
            "progression_site",
            &[
                ("intrahepatic_growth", "Intrahepatic growth", "肝内病灶增大"),
                (
                    "new_intrahepatic",
                    "New intrahepatic lesion",
                    "肝内新发病灶",
                ),
                ("vascular_invasion", "Vascular invasion", "血管侵犯"),
                ("extrahepatic", "Extrahepatic", "肝外转移"),
            ],
        ),
        list(
            "vital_status",
            &[
                ("alive", "Alive", "存活"),
                ("dead", "Dead", "死亡"),
                ("lost", "Lost to follow-up", "失访"),
            ],
        ),
        list(
            "death_cause",
            &[
                ("hcc", "HCC progression", "肝癌进展"),
                ("liver_failure", "Liver failure", "肝功能衰竭"),
                ("treatment", "Treatment-related", "治疗相关"),
                ("other", "Other", "其他"),
            ],
        ),
        list(
            "eos_reason",
            &[
                ("completed", "Completed 24 months", "完成 24 个月随访"),
                ("death", "Death", "死亡"),
                ("withdrawal", "Withdrawal of consent", "撤回知情同意"),
                ("lost", "Lost to follow-up", "失访"),
                ("investigator", "Investigator decision", "研究者决定"),
                ("other", "Other", "其他"),
            ],
        ),
    ]
}
