//! Unit mix-ups: a lab value entered in the other common unit of its quantity (bilirubin
//! 1.2 mg/dL typed into the umol/L field) is recognised and named, with the conversion, before it
//! changes a score. The rule is general: a value outside the field's usual range whose
//! conversion from the other unit falls inside it "looks like" the other unit. The ranges
//! (`forms.rs`) decide whether such a value is refused or needs confirmation; the choices are in
//! `docs/units.md`.

use super::model::{Field, FieldKind};
use crate::i18n::Text;

/// A value that looks like it was entered in the field's other unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitHint {
    /// The unit the value is likely in.
    pub likely_unit: &'static str,
    /// The value converted to the field's unit, rounded to the field's decimals.
    pub converted: f64,
    /// "1.2 looks like mg/dL: 1 mg/dL = 17.1 umol/L, i.e. 20.5 umol/L", in both languages.
    pub message: Text,
}

/// `value unit`, with `x` before a power of ten (`1.8 x 10^9/L`).
fn amount(value: f64, unit: &str) -> String {
    if unit.starts_with("10^") {
        format!("{value} x {unit}")
    } else {
        format!("{value} {unit}")
    }
}

fn round(value: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(i32::from(decimals));
    (value * scale).round() / scale
}

/// The hint for `value` entered in field `f`, when it is outside the field's usual range (the
/// soft range, or the hard range when there is none) and its conversion from the field's other
/// unit is inside it. `None` for fields without another unit.
pub fn likely_other_unit(f: &Field, value: f64) -> Option<UnitHint> {
    let alt = f.alt_unit?;
    let FieldKind::Decimal {
        unit,
        decimals,
        range,
    } = f.kind
    else {
        return None;
    };
    let (lo, hi) = range.soft.unwrap_or(range.hard);
    let usual = |x: f64| x >= lo && x <= hi;
    let converted = value * alt.factor;
    if !value.is_finite() || usual(value) || !usual(converted) {
        return None;
    }
    let converted = round(converted, decimals);
    // 1 mg/dL = 17.1 umol/L; 1000 /mm3 = 1 x 10^9/L.
    let rule = if alt.factor >= 1.0 {
        format!("1 {} = {}", alt.unit, amount(alt.factor, unit))
    } else {
        format!(
            "{} = {}",
            amount(1.0 / alt.factor, alt.unit),
            amount(1.0, unit)
        )
    };
    let converted_text = amount(converted, unit);
    Some(UnitHint {
        likely_unit: alt.unit,
        converted,
        message: Text::new(
            format!(
                "{value} looks like {}: {rule}, i.e. {converted_text}.",
                alt.unit
            ),
            format!(
                "{value} 似乎是以 {} 为单位：{rule}，即 {converted_text}。",
                alt.unit
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::study;

    fn labs(id: &str) -> &'static Field {
        study().form("labs").unwrap().field(id).unwrap()
    }

    #[test]
    fn bilirubin_in_mg_per_dl_is_named_with_its_conversion() {
        let h = likely_other_unit(labs("bili"), 1.2).unwrap();
        assert_eq!(h.likely_unit, "mg/dL");
        assert_eq!(
            h.message.en,
            "1.2 looks like mg/dL: 1 mg/dL = 17.1 umol/L, i.e. 20.5 umol/L."
        );
        assert!(h.message.zh.contains("mg/dL") && h.message.zh.contains("20.5 umol/L"));
        assert_eq!(
            likely_other_unit(labs("bili"), 20.5),
            None,
            "usual in umol/L"
        );
    }

    #[test]
    fn every_lab_with_a_common_other_unit_catches_it() {
        for (field, value, unit, converted) in [
            ("bili", 1.2, "mg/dL", 20.5),
            ("creat", 1.1, "mg/dL", 97.0),
            ("alb", 3.5, "g/dL", 35.0),
            ("hgb", 9.9, "g/dL", 99.0),
            ("plt", 150_000.0, "/mm3", 150.0),
            ("neut", 1800.0, "/mm3", 1.8),
            ("wbc", 4500.0, "/mm3", 4.5),
            ("lym", 1200.0, "/mm3", 1.2),
            ("alb_lln", 3.5, "g/dL", 35.0),
            ("plt_lln", 125_000.0, "/mm3", 125.0),
        ] {
            let h = likely_other_unit(labs(field), value)
                .unwrap_or_else(|| panic!("{field} {value} not caught"));
            assert_eq!((h.likely_unit, h.converted), (unit, converted), "{field}");
        }
        let n = likely_other_unit(labs("neut"), 1800.0).unwrap();
        assert_eq!(
            n.message.en,
            "1800 looks like /mm3: 1000 /mm3 = 1 x 10^9/L, i.e. 1.8 x 10^9/L."
        );
    }

    #[test]
    fn unusual_values_that_are_no_other_unit_get_no_hint() {
        assert_eq!(likely_other_unit(labs("plt"), 900.0), None);
        assert_eq!(likely_other_unit(labs("bili"), 1500.0), None);
        assert_eq!(likely_other_unit(labs("alt"), 3.0), None, "no other unit");
    }
}
