//! The ODM document of a state: well formed, OIDs unique and resolved, both languages, every
//! current value left by the transactions and every write with its audit record.

use std::collections::{BTreeMap, BTreeSet};

use super::fixtures::{demo, options, tiny, AWKWARD};
use super::xml::{clinical, parse, Clinical, El, Write};
use crate::export::odm::odm;
use crate::export::value::coded;
use crate::log::State;
use crate::study::study;

/// Every check of the ODM document of `state` that holds for any log.
fn check_odm(state: &State) -> (El, Clinical) {
    let xml = odm(state, &options());
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    let root = parse(&xml);
    assert_eq!(root.name, "ODM");
    assert_eq!(root.attr("xmlns"), Some("http://www.cdisc.org/ns/odm/v1.3"));
    assert_eq!(root.attr("ODMVersion"), Some("1.3.2"));
    assert_eq!(root.attr("FileType"), Some("Transactional"));
    assert_eq!(root.attr("FileOID"), Some("ecrf-test-1"));
    assert_eq!(
        root.attr("CreationDateTime"),
        Some("2027-01-01T19:04:05.000Z")
    );

    // OIDs: unique, and every reference names one.
    let mut all = Vec::new();
    root.walk(&mut all);
    let mut oids = BTreeSet::new();
    for el in &all {
        if let Some(oid) = el.attr("OID") {
            assert!(
                !oid.is_empty() && !oid.contains(char::is_whitespace),
                "OID {oid:?}"
            );
            assert!(oids.insert(oid), "OID {oid} twice");
        }
    }
    for el in &all {
        for (k, v) in &el.attrs {
            if k.ends_with("OID") && k != "OID" && k != "FileOID" {
                assert!(
                    oids.contains(v.as_str()),
                    "{k}={v} on {} names nothing",
                    el.name
                );
            }
        }
    }

    // Both languages on every translated text.
    for el in all
        .iter()
        .filter(|e| e.all("TranslatedText").next().is_some())
    {
        let langs: Vec<_> = el
            .all("TranslatedText")
            .map(|t| t.attr("xml:lang").unwrap())
            .collect();
        assert_eq!(langs, ["en", "zh"], "{}", el.name);
        assert!(el.all("TranslatedText").all(|t| !t.text.trim().is_empty()));
    }
    let s = study();
    let mdv = root.one("Study").one("MetaDataVersion");
    let fields: usize = s.forms.iter().map(|f| f.fields.len()).sum();
    assert_eq!(mdv.all("FormDef").count(), s.forms.len());
    assert_eq!(mdv.all("ItemDef").count(), fields);
    assert!(mdv.all("ItemDef").all(|i| i.all("Question").count() == 1));
    assert!(all
        .iter()
        .any(|e| e.name == "TranslatedText" && e.text == "总胆红素"));

    let c = clinical(&root);
    // Every current value, and nothing else, is what the transactions leave.
    let mut expected = BTreeMap::new();
    for (id, f) in state.forms() {
        let Some(form) = s.form(&f.form) else {
            assert!(
                c.writes.iter().all(|w| w.instance != *id),
                "unknown form exported"
            );
            continue;
        };
        assert_eq!(f.deleted, c.removed.contains(id), "{id} deleted");
        for field in &form.fields {
            let item = format!("I.{}.{}", form.id, field.id);
            if !f.deleted {
                if let Some(v) = state.value(id, field.id) {
                    let v = (!v.is_null()).then(|| coded(&field.kind, v));
                    expected.insert((id.clone(), item.clone()), v);
                }
            }
            // Every write, with its audit record, in the order of the history.
            let history = state.history(id, field.id);
            let written: Vec<&Write> = c
                .writes
                .iter()
                .filter(|w| w.instance == *id && w.item == item)
                .collect();
            assert_eq!(written.len(), history.len(), "{id} {item}");
            for h in &history {
                let w = written
                    .iter()
                    .find(|w| *w.commit == *h.commit)
                    .unwrap_or_else(|| panic!("no audit record of {} on {id} {item}", h.commit));
                assert_eq!(w.subject, f.patient);
                assert_eq!(
                    (w.user.as_str(), w.device.as_str(), w.ms),
                    (&*h.user, &*h.device, h.hlc.wall_ms)
                );
                assert_eq!(w.reason.as_deref(), h.reason.as_deref());
                let value = h
                    .value
                    .as_ref()
                    .filter(|v| !v.is_null())
                    .map(|v| coded(&field.kind, v));
                assert_eq!(w.value, value);
            }
            let ms: Vec<u64> = written.iter().map(|w| w.ms).collect();
            assert!(
                ms.windows(2).all(|p| p[0] <= p[1]),
                "audit records in time order"
            );
        }
    }
    let replayed: BTreeMap<_, _> = c
        .values
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let expected: BTreeMap<_, _> = expected.into_iter().filter(|(_, v)| v.is_some()).collect();
    assert_eq!(replayed, expected);
    (root, c)
}

#[test]
fn the_demo_study_as_odm_replays_to_its_state_with_every_audit_record() {
    let state = demo();
    let (root, c) = check_odm(&state);
    assert!(c.writes.len() > 1000, "{} writes", c.writes.len());
    let subjects = root.one("ClinicalData").all("SubjectData").count();
    assert_eq!(subjects, 20);
    let admin = root.one("AdminData");
    assert_eq!(admin.all("User").count(), 1);
    assert_eq!(admin.one("Location").attr("Name"), Some("demo"));
}

#[test]
fn the_hand_made_log_as_odm_keeps_edits_clears_deletions_and_conflicts() {
    let state = tiny();
    let (root, c) = check_odm(&state);
    let of = |instance: &str, item: &str| -> Vec<Write> {
        c.writes
            .iter()
            .filter(|w| w.instance == instance && w.item == item)
            .cloned()
            .collect()
    };
    let tx = |ws: &[Write]| ws.iter().map(|w| w.transaction.clone()).collect::<Vec<_>>();

    // An edit with its reason.
    let weight = of("i-dem", "I.demographics.weight_kg");
    assert_eq!(tx(&weight), ["Insert", "Update"]);
    assert_eq!(weight[0].value.as_deref(), Some("65"));
    assert_eq!(weight[1].value.as_deref(), Some("56"));
    assert_eq!(weight[0].reason, None);
    assert_eq!(weight[1].reason.as_deref(), Some("typo in weight"));
    // Cleared, then set again.
    let height = of("i-dem", "I.demographics.height_cm");
    assert_eq!(tx(&height), ["Insert", "Remove", "Insert"]);
    assert_eq!(height[1].value, None);
    assert_eq!(height[1].reason.as_deref(), Some("height not measured"));
    // A conflict: both writes, the winner last and current.
    let sbp = of("i-cli", "I.clinical.sbp");
    assert_eq!(tx(&sbp), ["Insert", "Update", "Update"]);
    assert_eq!(sbp[2].value.as_deref(), Some("130"));
    assert_eq!(sbp[2].user, "李医生");
    assert_eq!(
        c.values[&("i-cli".to_owned(), "I.clinical.sbp".to_owned())].as_deref(),
        Some("130")
    );
    // Cleared by both devices at once: the second clear is a set to null.
    assert_eq!(
        tx(&of("i-cli", "I.clinical.dbp")),
        ["Insert", "Remove", "Upsert"]
    );
    assert_eq!(state.value("i-cli", "dbp"), None);
    // The confirmation of an unusual value.
    assert_eq!(of("i-cli", "I.clinical.weight_kg")[0].annotations, 1);
    // A deleted form: its history, then its removal, with who, where, when and why.
    assert!(c.removed.contains("i-lab"));
    assert_eq!(tx(&of("i-lab", "I.labs.afp")), ["Insert"]);
    let xml = odm(&state, &options());
    let removal = xml
        .split("<FormData ")
        .find(|f| f.contains("FormRepeatKey=\"i-lab\" TransactionType=\"Remove\""))
        .expect("the removal");
    let deletion = state.deletions("i-lab")[0];
    assert!(removal.contains("<AuditRecord>"), "{removal}");
    assert!(
        removal.contains("<ReasonForChange>wrong patient</ReasonForChange>"),
        "{removal}"
    );
    assert!(removal.contains(&format!("<SourceID>{}</SourceID>", deletion.commit)));
    assert!(removal.contains("<UserRef") && removal.contains("<LocationRef"));
    // Awkward text, multi-selects, yes/no and tables.
    assert_eq!(
        of("i-tace", "I.tace.complications")[0].value.as_deref(),
        Some(AWKWARD)
    );
    assert_eq!(
        of("i-tace", "I.tace.chemo_agents")[0].value.as_deref(),
        Some("oxaliplatin;epirubicin")
    );
    assert_eq!(
        of("i-tace", "I.tace.end_point")[0].reason.as_deref(),
        Some("补充：疼痛已缓解")
    );
    assert_eq!(
        of("i-ae", "I.adverse_event.serious")[0].value.as_deref(),
        Some("yes")
    );
    assert_eq!(
        of("i-eli", "I.eligibility.measurable_lesion")[0]
            .value
            .as_deref(),
        Some("no")
    );
    assert_eq!(
        of("i-ae", "I.adverse_event.agents")[0].value.as_deref(),
        Some(r#"[{"action":"interrupted","agent":"lenvatinib","relation":"probable"}]"#)
    );
    assert!(of("i-ta", "I.tumor_assessment.lesions")[0]
        .value
        .as_deref()
        .unwrap()
        .starts_with(r#"{"non_targets":[],"targets":[{"diameter_mm":42,"#));
    // A form's creation is audited; a form without values is still there; unknown forms and
    // fields are not.
    assert_eq!(
        c.form_audits["i-eli"],
        ("李医生".to_owned(), "平板 2".to_owned())
    );
    let forms: Vec<_> = root
        .one("ClinicalData")
        .all("SubjectData")
        .flat_map(|s| s.one("StudyEventData").all("FormData"))
        .filter_map(|f| f.attr("FormRepeatKey"))
        .collect();
    assert!(forms.contains(&"i-sur") && !forms.contains(&"i-x"));
    assert!(c.writes.iter().all(|w| !w.item.contains("unknown_field")));
    // Users and devices with names that are no OIDs.
    let admin = root.one("AdminData");
    let logins: Vec<_> = admin
        .all("User")
        .map(|u| u.one("LoginName").text.as_str())
        .collect();
    assert_eq!(logins, ["wang.li", "李医生"]);
    let oids: Vec<_> = admin
        .all("Location")
        .map(|l| l.attr("OID").unwrap())
        .collect();
    assert_eq!(oids, ["LOC.tab-2D1", "LOC.-E5-B9-B3-E6-9D-BF-202"]);
}

#[test]
fn newlines_and_tabs_in_attributes_are_character_references() {
    let xml = odm(&tiny(), &options());
    assert!(
        xml.contains("&#10;fever 38.5\u{2103}&#9;恶心 &lt;grade 1&gt; &amp; &apos;vomiting&apos;")
    );
}

#[test]
fn an_empty_log_is_a_valid_document_with_metadata_only() {
    let root = parse(&odm(&State::default(), &options()));
    assert_eq!(root.one("ClinicalData").children.len(), 0);
    assert_eq!(root.one("AdminData").children.len(), 0);
    assert!(
        root.one("Study")
            .one("MetaDataVersion")
            .all("CodeList")
            .count()
            > 10
    );
}

#[test]
fn the_study_oid_names_the_study_id_of_every_export() {
    assert_eq!(
        crate::export::odm::STUDY_OID,
        format!("S.{}", crate::study::plan::STUDY_ID)
    );
}
