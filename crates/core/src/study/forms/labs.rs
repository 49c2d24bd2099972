//! The labs form's fields: each lab value with its unit, hard and soft ranges, and its lower and
//! upper limits of normal (units of Chinese practice; another common unit named so that a value
//! in it is caught, `docs/units.md`).

use crate::study::model::{date, dec, l, Field, Label};

/// A lab value with its unit and ranges, and its lower and upper limits of normal.
fn lab(
    fields: &mut Vec<Field>,
    (id, label): (&'static str, Label),
    unit: &'static str,
    decimals: u8,
    hard: (f64, f64),
    soft: (f64, f64),
) {
    fields.push(dec(id, label, unit, decimals, hard, Some(soft)));
    fields.push(dec(
        leak(id, "_lln"),
        l("Lower limit of normal", "正常值下限"),
        unit,
        decimals,
        hard,
        None,
    ));
    fields.push(dec(
        leak(id, "_uln"),
        l("Upper limit of normal", "正常值上限"),
        unit,
        decimals,
        hard,
        None,
    ));
}

/// Marks the lab just added (its value and its limits) as commonly reported in `unit` too,
/// `1 unit = factor` of its own (`study::units`; the choices in `docs/units.md`).
fn alt(fields: &mut [Field], unit: &'static str, factor: f64) {
    let n = fields.len();
    for f in &mut fields[n - 3..] {
        *f = f.alt(unit, factor);
    }
}

/// Field ids are `&'static str`; the limits' ids are made once per definition build.
fn leak(id: &str, suffix: &str) -> &'static str {
    // The definition is built once per process (see `study()`), so this is bounded.
    Box::leak(format!("{id}{suffix}").into_boxed_str())
}

pub(super) fn labs() -> Vec<Field> {
    let mut f = vec![date("date", l("Sample date", "采样日期")).req()];
    lab(
        &mut f,
        ("afp", l("AFP", "甲胎蛋白")),
        "ng/mL",
        1,
        (0.0, 2_000_000.0),
        (0.0, 100_000.0),
    );
    lab(
        &mut f,
        ("pivka", l("PIVKA-II", "异常凝血酶原")),
        "mAU/mL",
        0,
        (0.0, 500_000.0),
        (0.0, 75_000.0),
    );
    lab(
        &mut f,
        ("bili", l("Total bilirubin", "总胆红素")),
        "umol/L",
        1,
        (0.1, 1000.0),
        (2.0, 200.0),
    );
    alt(&mut f, "mg/dL", 17.1);
    lab(
        &mut f,
        ("alb", l("Albumin", "白蛋白")),
        "g/L",
        1,
        (10.0, 80.0),
        (20.0, 55.0),
    );
    alt(&mut f, "g/dL", 10.0);
    lab(
        &mut f,
        ("alt", l("ALT", "谷丙转氨酶")),
        "U/L",
        0,
        (0.0, 20_000.0),
        (3.0, 1000.0),
    );
    lab(
        &mut f,
        ("ast", l("AST", "谷草转氨酶")),
        "U/L",
        0,
        (0.0, 20_000.0),
        (3.0, 1000.0),
    );
    lab(
        &mut f,
        ("alp", l("ALP", "碱性磷酸酶")),
        "U/L",
        0,
        (0.0, 10_000.0),
        (20.0, 1500.0),
    );
    lab(
        &mut f,
        ("ggt", l("GGT", "谷氨酰转肽酶")),
        "U/L",
        0,
        (0.0, 10_000.0),
        (5.0, 2000.0),
    );
    lab(
        &mut f,
        ("creat", l("Creatinine", "肌酐")),
        "umol/L",
        0,
        (20.0, 2000.0),
        (30.0, 300.0),
    );
    alt(&mut f, "mg/dL", 88.4);
    lab(
        &mut f,
        ("inr", l("INR", "国际标准化比值")),
        "",
        2,
        (0.5, 10.0),
        (0.8, 3.0),
    );
    lab(
        &mut f,
        ("wbc", l("White blood cells", "白细胞")),
        "10^9/L",
        2,
        (0.0, 200.0),
        (1.0, 30.0),
    );
    alt(&mut f, "/mm3", 0.001);
    lab(
        &mut f,
        ("neut", l("Neutrophils", "中性粒细胞")),
        "10^9/L",
        2,
        (0.0, 100.0),
        (0.5, 25.0),
    );
    alt(&mut f, "/mm3", 0.001);
    lab(
        &mut f,
        ("lym", l("Lymphocytes", "淋巴细胞")),
        "10^9/L",
        2,
        (0.0, 100.0),
        (0.2, 10.0),
    );
    alt(&mut f, "/mm3", 0.001);
    lab(
        &mut f,
        ("plt", l("Platelets", "血小板")),
        "10^9/L",
        0,
        (0.0, 2000.0),
        (20.0, 800.0),
    );
    alt(&mut f, "/mm3", 0.001);
    lab(
        &mut f,
        ("hgb", l("Haemoglobin", "血红蛋白")),
        "g/L",
        0,
        (20.0, 250.0),
        (60.0, 190.0),
    );
    alt(&mut f, "g/dL", 10.0);
    lab(
        &mut f,
        ("sodium", l("Sodium", "钠")),
        "mmol/L",
        1,
        (90.0, 200.0),
        (120.0, 155.0),
    );
    lab(
        &mut f,
        ("potassium", l("Potassium", "钾")),
        "mmol/L",
        2,
        (1.0, 10.0),
        (2.8, 6.0),
    );
    lab(
        &mut f,
        ("tsh", l("TSH", "促甲状腺激素")),
        "mIU/L",
        2,
        (0.0, 500.0),
        (0.05, 20.0),
    );
    lab(
        &mut f,
        ("ft4", l("Free T4", "游离甲状腺素")),
        "pmol/L",
        1,
        (0.0, 200.0),
        (5.0, 50.0),
    );
    f.push(dec(
        "hbv_dna",
        l("HBV DNA", "乙肝病毒 DNA"),
        "IU/mL",
        0,
        (0.0, 1e10),
        Some((0.0, 1e8)),
    ));
    f
}
