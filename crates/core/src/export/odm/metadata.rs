//! The ODM `Study` element: global variables, units and the metadata version of the study
//! definition (`study::study()`), in both languages (sections "Study" to "CodeListItem").

use std::collections::BTreeSet;
use std::io;

use super::{
    code_list_oid, form_oid, item_group_oid, item_oid, unit_oid, Xml, METADATA_VERSION_OID,
    STUDY_EVENT_OID, STUDY_OID,
};
use crate::export::value::{MULTI_SEPARATOR, YES_NO_LABELS};
use crate::study::{study, Field, FieldKind, Form, Range};

/// The code list of yes/no fields (the study's lists have none: a yes/no is a boolean).
pub(super) const YES_NO_LIST: &str = "yes_no";

/// `<Study>` with everything but data.
pub(super) fn study_element(x: &mut Xml) -> io::Result<()> {
    let s = study();
    x.open("Study", &[("OID", STUDY_OID)])?;
    x.open("GlobalVariables", &[])?;
    x.text("StudyName", &[], "uHCC TACE Study")?;
    x.text(
        "StudyDescription",
        &[],
        "TACE + targeted therapy / immunotherapy in unresectable hepatocellular carcinoma, \
         prospective observational study",
    )?;
    x.text("ProtocolName", &[], "uHCC TACE Study")?;
    x.close("GlobalVariables")?;
    let units: BTreeSet<&str> = s
        .forms
        .iter()
        .flat_map(|f| &f.fields)
        .filter_map(|f| unit(f))
        .collect();
    x.open("BasicDefinitions", &[])?;
    for u in units {
        x.open("MeasurementUnit", &[("OID", &unit_oid(u)), ("Name", u)])?;
        x.translated("Symbol", u, u)?;
        x.close("MeasurementUnit")?;
    }
    x.close("BasicDefinitions")?;
    x.open(
        "MetaDataVersion",
        &[
            ("OID", METADATA_VERSION_OID),
            ("Name", "uHCC TACE Study forms"),
            (
                "Description",
                "The study definition of the eCRF (study::forms)",
            ),
        ],
    )?;
    x.open("Protocol", &[])?;
    x.translated(
        "Description",
        "TACE + targeted therapy / immunotherapy, prospective observational study",
        "TACE 联合靶向/免疫治疗 前瞻性观察性研究",
    )?;
    x.empty(
        "StudyEventRef",
        &[
            ("StudyEventOID", STUDY_EVENT_OID),
            ("OrderNumber", "1"),
            ("Mandatory", "Yes"),
        ],
    )?;
    x.close("Protocol")?;
    x.open(
        "StudyEventDef",
        &[
            ("OID", STUDY_EVENT_OID),
            ("Name", "Study"),
            ("Repeating", "No"),
            ("Type", "Common"),
        ],
    )?;
    x.translated(
        "Description",
        "Every form of the study: the app has no visits of its own (the schedule follows the dates)",
        "本研究的全部表单：应用不设固定访视（随访计划由日期推算）",
    )?;
    for (i, form) in s.forms.iter().enumerate() {
        x.empty(
            "FormRef",
            &[
                ("FormOID", &form_oid(form.id)),
                ("OrderNumber", &(i + 1).to_string()),
                ("Mandatory", "No"),
            ],
        )?;
    }
    x.close("StudyEventDef")?;
    for form in &s.forms {
        form_def(x, form)?;
    }
    for form in &s.forms {
        item_group_def(x, form)?;
    }
    for form in &s.forms {
        for field in &form.fields {
            item_def(x, form, field)?;
        }
    }
    code_lists(x)?;
    x.close("MetaDataVersion")?;
    x.close("Study")
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "Yes"
    } else {
        "No"
    }
}

/// A decimal field's unit (none for a unitless ratio such as the INR).
fn unit(f: &Field) -> Option<&'static str> {
    match f.kind {
        FieldKind::Decimal { unit, .. } if !unit.is_empty() => Some(unit),
        _ => None,
    }
}

fn form_def(x: &mut Xml, form: &Form) -> io::Result<()> {
    x.open(
        "FormDef",
        &[
            ("OID", &form_oid(form.id)),
            ("Name", form.label.en),
            ("Repeating", yes_no(form.repeatable)),
        ],
    )?;
    x.label("Description", form.label)?;
    x.empty(
        "ItemGroupRef",
        &[
            ("ItemGroupOID", &item_group_oid(form.id)),
            ("OrderNumber", "1"),
            ("Mandatory", "Yes"),
        ],
    )?;
    x.close("FormDef")
}

fn item_group_def(x: &mut Xml, form: &Form) -> io::Result<()> {
    x.open(
        "ItemGroupDef",
        &[
            ("OID", &item_group_oid(form.id)),
            ("Name", form.id),
            ("Repeating", "No"),
        ],
    )?;
    x.label("Description", form.label)?;
    for (i, f) in form.fields.iter().enumerate() {
        x.empty(
            "ItemRef",
            &[
                ("ItemOID", &item_oid(form.id, f.id)),
                ("OrderNumber", &(i + 1).to_string()),
                // A field required only when shown is not mandatory.
                ("Mandatory", yes_no(f.required && f.visible_if.is_none())),
            ],
        )?;
    }
    x.close("ItemGroupDef")
}

/// The `DataType` of a field's values.
fn data_type(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Integer { .. } => "integer",
        FieldKind::Decimal { .. } => "float",
        FieldKind::Date => "date",
        _ => "text",
    }
}

/// What an `ItemDef`'s `Description` says beyond its question, in both languages: when it is
/// asked, and how a multi-select or a table is written.
fn notes(f: &Field) -> (Vec<String>, Vec<String>) {
    let (mut en, mut zh) = (Vec::new(), Vec::new());
    if let Some(c) = f.visible_if {
        let codes = c.any_of.join(", ");
        let required = if f.required {
            ("; then required", "，此时必填")
        } else {
            ("", "")
        };
        en.push(format!(
            "Asked only when {} is one of: {codes}{}.",
            c.field, required.0
        ));
        zh.push(format!(
            "仅当 {} 为 {codes} 之一时填写{}。",
            c.field, required.1
        ));
    }
    match f.kind {
        FieldKind::MultiChoice { list } => {
            en.push(format!(
                "Multi-select: the codes of {} chosen, in the order entered, separated by \"{MULTI_SEPARATOR}\".",
                code_list_oid(list)
            ));
            zh.push(format!(
                "多选：所选 {} 代码，按录入顺序，以“{MULTI_SEPARATOR}”分隔。",
                code_list_oid(list)
            ));
        }
        FieldKind::Lesions => {
            en.push(
                "The lesion table as canonical JSON (keys sorted). Baseline: {\"timepoint\": \
                 \"baseline\", \"targets\": [{\"id\", \"organ\", \"diameter_mm\", ...}], \
                 \"non_targets\": [{\"id\", \"organ\", \"kind\", ...}]}; follow-up: \
                 {\"timepoint\": \"follow_up\", \"targets\": {id: {\"diameter_mm\", \
                 \"viable_diameter_mm\", ...}}, \"non_targets\": {id: status}, \"new_lesions\": \
                 [...], \"effusion\": {...}} (response::model::FormLesions)."
                    .to_owned(),
            );
            zh.push(
                "病灶表，规范 JSON（键排序）。基线：timepoint = baseline，targets 为靶病灶列表，\
                 non_targets 为非靶病灶列表；随访：timepoint = follow_up，targets 与 non_targets \
                 按病灶编号给出测量值与状态，另有 new_lesions 与 effusion。"
                    .to_owned(),
            );
        }
        FieldKind::AgentTable => {
            en.push(format!(
                "Per systemic agent, as canonical JSON: [{{\"agent\": a code of {}, \"relation\": \
                 a code of {}, \"action\": a code of {}}}].",
                code_list_oid("systemic_agent"),
                code_list_oid("relation"),
                code_list_oid("ae_action")
            ));
            zh.push(format!(
                "每种系统治疗药物一行，规范 JSON：[{{\"agent\": {} 代码, \"relation\": {} 代码, \
                 \"action\": {} 代码}}]。",
                code_list_oid("systemic_agent"),
                code_list_oid("relation"),
                code_list_oid("ae_action")
            ));
        }
        _ => {}
    }
    (en, zh)
}

fn item_def(x: &mut Xml, form: &Form, f: &Field) -> io::Result<()> {
    let oid = item_oid(form.id, f.id);
    let mut attrs = vec![
        ("OID", oid.as_str()),
        ("Name", f.id),
        ("DataType", data_type(&f.kind)),
    ];
    let digits;
    if let FieldKind::Decimal { decimals, .. } = f.kind {
        digits = decimals.to_string();
        attrs.push(("SignificantDigits", &digits));
    }
    x.open("ItemDef", &attrs)?;
    let (en, zh) = notes(f);
    if !en.is_empty() {
        x.translated("Description", &en.join(" "), &zh.join(""))?;
    }
    x.label("Question", f.label)?;
    if let Some(u) = unit(f) {
        x.empty(
            "MeasurementUnitRef",
            &[("MeasurementUnitOID", &unit_oid(u))],
        )?;
    }
    if let FieldKind::Integer { range } | FieldKind::Decimal { range, .. } = f.kind {
        range_checks(x, range, unit(f))?;
    }
    match f.kind {
        FieldKind::Choice { list } => {
            x.empty("CodeListRef", &[("CodeListOID", &code_list_oid(list))])?;
        }
        FieldKind::YesNo => {
            x.empty(
                "CodeListRef",
                &[("CodeListOID", &code_list_oid(YES_NO_LIST))],
            )?;
        }
        FieldKind::MultiChoice { list } => {
            x.empty(
                "Alias",
                &[
                    ("Context", "ecrf:multiSelectCodeList"),
                    ("Name", &code_list_oid(list)),
                ],
            )?;
        }
        _ => {}
    }
    x.close("ItemDef")
}

/// The hard range (refused outside) and the soft one (confirmed outside), each as `GE` and `LE`
/// checks in the field's unit.
fn range_checks(x: &mut Xml, range: Range, unit: Option<&str>) -> io::Result<()> {
    let mut checks = vec![("Hard", range.hard)];
    if let Some(soft) = range.soft {
        checks.push(("Soft", soft));
    }
    for (kind, (lo, hi)) in checks {
        for (comparator, bound) in [("GE", lo), ("LE", hi)] {
            x.open(
                "RangeCheck",
                &[("Comparator", comparator), ("SoftHard", kind)],
            )?;
            // `f64`'s `Display` never uses an exponent: `10000000000`, `0.05` (xs:decimal).
            x.text("CheckValue", &[], &bound.to_string())?;
            if let Some(u) = unit {
                x.empty(
                    "MeasurementUnitRef",
                    &[("MeasurementUnitOID", &unit_oid(u))],
                )?;
            }
            x.close("RangeCheck")?;
        }
    }
    Ok(())
}

fn code_lists(x: &mut Xml) -> io::Result<()> {
    let s = study();
    let lists = s
        .code_lists
        .iter()
        .map(|l| (l.id, l.codes.iter().map(|c| (c.code, c.label)).collect()))
        .chain([(YES_NO_LIST, YES_NO_LABELS.to_vec())]);
    for (id, codes) in lists {
        let codes: Vec<_> = codes;
        x.open(
            "CodeList",
            &[
                ("OID", &code_list_oid(id)),
                ("Name", id),
                ("DataType", "text"),
            ],
        )?;
        for (i, (code, label)) in codes.into_iter().enumerate() {
            x.open(
                "CodeListItem",
                &[("CodedValue", code), ("OrderNumber", &(i + 1).to_string())],
            )?;
            x.label("Decode", label)?;
            x.close("CodeListItem")?;
        }
        x.close("CodeList")?;
    }
    Ok(())
}
