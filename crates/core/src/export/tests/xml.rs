//! The ODM document read back with `quick-xml`'s reader (which fails on XML that is not well
//! formed), and its clinical data replayed: the writes in document order and the values the
//! transactions leave.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// An element read back.
#[derive(Debug, Default)]
pub(super) struct El {
    pub(super) name: String,
    pub(super) attrs: BTreeMap<String, String>,
    pub(super) text: String,
    pub(super) children: Vec<El>,
}

impl El {
    pub(super) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).map(String::as_str)
    }

    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub(super) fn one(&self, name: &str) -> &El {
        let mut it = self.children.iter().filter(|c| c.name == name);
        let first = it
            .next()
            .unwrap_or_else(|| panic!("no {name} in {}", self.name));
        assert!(it.next().is_none(), "two {name} in {}", self.name);
        first
    }

    pub(super) fn walk<'a>(&'a self, out: &mut Vec<&'a El>) {
        out.push(self);
        for c in &self.children {
            c.walk(out);
        }
    }
}

fn element(e: &BytesStart) -> El {
    let mut el = El {
        name: e.name().as_ref().to_owned(),
        ..El::default()
    };
    for a in e.attributes() {
        let a = a.expect("well-formed attribute");
        let key = a.key.as_ref().to_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Explicit1_0)
            .expect("attribute value");
        assert!(
            el.attrs.insert(key, value.into_owned()).is_none(),
            "attribute twice"
        );
    }
    el
}

/// Parses the document, panicking unless it is well formed.
pub(super) fn parse(xml: &str) -> El {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![El::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(element(&e)),
            Event::End(e) => {
                let el = stack.pop().unwrap();
                assert_eq!(el.name, e.name().as_ref());
                stack.last_mut().unwrap().children.push(el);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => resolve_predefined_entity(&r)
                        .expect("a predefined entity")
                        .to_owned(),
                };
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut doc = stack.pop().unwrap();
    assert_eq!(doc.children.len(), 1, "one root");
    doc.children.pop().unwrap()
}

/// One `ItemData` read back, with where it is.
#[derive(Debug, Clone)]
pub(super) struct Write {
    pub(super) subject: String,
    pub(super) instance: String,
    pub(super) item: String,
    pub(super) transaction: String,
    pub(super) value: Option<String>,
    pub(super) user: String,
    pub(super) device: String,
    pub(super) ms: u64,
    pub(super) reason: Option<String>,
    pub(super) commit: String,
    pub(super) annotations: usize,
}

/// What the clinical data says: the writes in document order, the instances removed, and the
/// items' values after replaying the transactions, by (instance, item OID).
pub(super) struct Clinical {
    pub(super) writes: Vec<Write>,
    pub(super) removed: BTreeSet<String>,
    pub(super) values: BTreeMap<(String, String), Option<String>>,
    pub(super) form_audits: BTreeMap<String, (String, String)>,
}

pub(super) fn clinical(root: &El) -> Clinical {
    let admin = root.one("AdminData");
    let users: BTreeMap<&str, &str> = admin
        .all("User")
        .map(|u| (u.attr("OID").unwrap(), u.one("LoginName").text.as_str()))
        .collect();
    let devices: BTreeMap<&str, &str> = admin
        .all("Location")
        .map(|l| (l.attr("OID").unwrap(), l.attr("Name").unwrap()))
        .collect();
    let audit = |a: &El| {
        let ts = &a.one("DateTimeStamp").text;
        assert!(ts.ends_with('Z'), "UTC: {ts}");
        let t = OffsetDateTime::parse(ts, &Rfc3339).expect("ISO 8601 date-time");
        (
            users[a.one("UserRef").attr("UserOID").unwrap()].to_owned(),
            devices[a.one("LocationRef").attr("LocationOID").unwrap()].to_owned(),
            u64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap(),
            a.all("ReasonForChange").next().map(|r| r.text.clone()),
            a.one("SourceID").text.clone(),
        )
    };
    let mut out = Clinical {
        writes: Vec::new(),
        removed: BTreeSet::new(),
        values: BTreeMap::new(),
        form_audits: BTreeMap::new(),
    };
    for subject in root.one("ClinicalData").all("SubjectData") {
        let key = subject.attr("SubjectKey").unwrap();
        for form in subject.one("StudyEventData").all("FormData") {
            let instance = form.attr("FormRepeatKey").unwrap().to_owned();
            if form.attr("TransactionType") == Some("Remove") {
                // A removal carries its own audit record, and nothing else.
                assert!(form.children.iter().all(|c| c.name == "AuditRecord"));
                assert!(form.children.len() <= 1);
                out.values.retain(|(i, _), _| *i != instance);
                out.removed.insert(instance);
                continue;
            }
            if let Some(a) = form.all("AuditRecord").next() {
                let (user, device, ..) = audit(a);
                out.form_audits.insert(instance.clone(), (user, device));
            }
            for group in form.all("ItemGroupData") {
                for item in group.all("ItemData") {
                    let (user, device, ms, reason, commit) = audit(item.one("AuditRecord"));
                    let w = Write {
                        subject: key.to_owned(),
                        instance: instance.clone(),
                        item: item.attr("ItemOID").unwrap().to_owned(),
                        transaction: item.attr("TransactionType").unwrap().to_owned(),
                        value: item.attr("Value").map(str::to_owned),
                        user,
                        device,
                        ms,
                        reason,
                        commit,
                        annotations: item.all("Annotation").count(),
                    };
                    let slot = (w.instance.clone(), w.item.clone());
                    let exists = out.values.contains_key(&slot);
                    match w.transaction.as_str() {
                        "Insert" => assert!(!exists, "insert of an existing {slot:?}"),
                        "Update" | "Remove" => {
                            assert!(exists, "{} of a missing {slot:?}", w.transaction)
                        }
                        "Upsert" => assert_eq!(item.attr("IsNull"), Some("Yes")),
                        t => panic!("transaction {t}"),
                    }
                    if w.transaction == "Remove" {
                        out.values.remove(&slot);
                    } else {
                        out.values.insert(slot, w.value.clone());
                    }
                    out.writes.push(w);
                }
            }
        }
    }
    out
}
