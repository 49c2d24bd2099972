//! The flat tables of a state: every cell is the state's value, quoted where it must be.

use std::collections::{BTreeMap, BTreeSet};

use super::fixtures::{demo, tiny};
use crate::dates::parse_date;
use crate::export::flat::{form_tables, header};
use crate::export::value::{coded, labels};
use crate::i18n::Lang;
use crate::log::State;
use crate::record::date_field;
use crate::study::study;

/// Every cell of every table is the state's value of that instance and field.
fn check_flat(state: &State, lang: Lang) {
    let s = study();
    let tables = form_tables(state, lang);
    assert_eq!(
        tables.iter().map(|t| t.form.as_str()).collect::<Vec<_>>(),
        s.forms.iter().map(|f| f.id).collect::<Vec<_>>()
    );
    for t in &tables {
        let form = s.form(&t.form).unwrap();
        assert!(!t.csv.starts_with('\u{feff}'), "no byte-order mark");
        let mut reader = csv::Reader::from_reader(t.csv.as_bytes());
        let head: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(head, header(form));
        let mut seen = BTreeSet::new();
        let mut order = Vec::new();
        for record in reader.records() {
            let record = record.unwrap();
            let row: BTreeMap<&str, &str> =
                head.iter().map(String::as_str).zip(record.iter()).collect();
            let instance = row["instance"];
            let f = state.form(instance).unwrap();
            assert!(!f.deleted && f.form == form.id && f.patient == row["subject"]);
            assert!(seen.insert(instance.to_owned()));
            for field in &form.fields {
                let v = state.value(instance, field.id);
                let want = v.map(|v| coded(&field.kind, v)).unwrap_or_default();
                assert_eq!(row[field.id], want, "{instance} {}", field.id);
                if let Some(label) = row.get(format!("{}_label", field.id).as_str()) {
                    let want = v
                        .and_then(|v| labels(s, &field.kind, v, lang))
                        .unwrap_or_default();
                    assert_eq!(*label, want, "{instance} {} label", field.id);
                }
            }
            let date = date_field(form.id).and_then(|d| parse_date(row[d]).ok());
            order.push((
                row["subject"].to_owned(),
                date.is_none(),
                date,
                instance.to_owned(),
            ));
        }
        let live = state
            .forms()
            .filter(|(_, f)| !f.deleted && f.form == form.id)
            .count();
        assert_eq!(seen.len(), live, "{} rows", form.id);
        assert!(order.windows(2).all(|p| p[0] <= p[1]), "{} sorted", form.id);
    }
}

#[test]
fn every_cell_of_the_demo_tables_is_the_state_value() {
    let state = demo();
    check_flat(&state, Lang::ZhCn);
    check_flat(&state, Lang::En);
    let labs = form_tables(&state, Lang::En)
        .into_iter()
        .find(|t| t.form == "labs")
        .unwrap();
    assert!(labs.csv.lines().count() > 20);
}

#[test]
fn the_hand_made_tables_quote_and_label_what_they_must() {
    let state = tiny();
    check_flat(&state, Lang::ZhCn);
    check_flat(&state, Lang::En);
    let tables = form_tables(&state, Lang::ZhCn);
    let table = |form: &str| tables.iter().find(|t| t.form == form).unwrap().csv.clone();
    let tace = table("tace");
    assert!(tace.contains("\"Pain, \"\"mild\"\";\nfever"), "{tace}");
    assert!(
        tace.contains(",oxaliplatin;epirubicin,奥沙利铂;表柔比星,"),
        "{tace}"
    );
    let ae = table("adverse_event");
    assert!(ae.contains(",yes,是,"), "{ae}");
    assert!(ae.contains(
        r#""[{""action"":""interrupted"",""agent"":""lenvatinib"",""relation"":""probable""}]""#
    ));
    assert!(ae
        .lines()
        .next()
        .unwrap()
        .starts_with("subject,instance,term,term_other,grade,grade_label,"));
    assert!(
        table("labs").lines().count() == 1,
        "the deleted labs form is left out"
    );
    let survival = table("survival");
    assert_eq!(
        survival.lines().nth(1),
        Some(format!("HCC-900-0002,i-sur{}", ",".repeat(7)).as_str())
    );
    assert!(survival.ends_with("\r\n"));
    let dem = table("demographics");
    assert!(
        dem.contains("HCC-900-0001,i-dem,male,男,1960-05-01,171,56\r\n"),
        "{dem}"
    );
}
