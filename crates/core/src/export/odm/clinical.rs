//! The ODM `AdminData` (users and devices) and `ClinicalData` (every value with its history as
//! transactions) elements, from the folded log (sections "AdminData" to "ItemData", "AuditRecord",
//! "Annotation"; the mapping in the parent module's documentation).

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use super::{
    form_oid, item_group_oid, item_oid, location_oid, timestamp, user_oid, Xml,
    METADATA_VERSION_OID, STUDY_EVENT_OID, STUDY_OID,
};
use crate::export::value::coded;
use crate::log::{Confirmation, Deletion, FieldWrite, FormState, State};
use crate::study::{study, Field, Form};

/// One form instance to write, with every write of every field its form defines.
pub(super) struct Instance<'a> {
    id: &'a str,
    form: &'static Form,
    state: FormState,
    /// Per field with at least one write, in the form's order: its writes in transaction order
    /// (oldest first, the current value last) and its confirmations.
    fields: Vec<(&'static Field, Vec<&'a FieldWrite>, Vec<&'a Confirmation>)>,
    /// Who created it, when a write of the creating commit says.
    creator: Option<(&'a str, &'a str)>,
    /// Who deleted it (the first deletion), when it is deleted.
    deletion: Option<&'a Deletion>,
}

/// Every patient's form instances (forms the study defines), by subject ID; per patient in the
/// study's form order, then creation order.
pub(super) fn subjects(state: &State) -> BTreeMap<&str, Vec<Instance<'_>>> {
    let s = study();
    let mut out: BTreeMap<&str, Vec<Instance<'_>>> = BTreeMap::new();
    for (id, f) in state.forms() {
        let Some(form) = s.form(&f.form) else {
            continue;
        };
        let fields: Vec<_> = form
            .fields
            .iter()
            .filter_map(|field| {
                let writes = in_transaction_order(state, id, field.id);
                (!writes.is_empty()).then(|| (field, writes, state.confirmations(id, field.id)))
            })
            .collect();
        let creator = fields
            .iter()
            .flat_map(|(_, writes, _)| writes)
            .find(|w| *w.commit == *f.created)
            .map(|w| (&*w.user, &*w.device));
        let patient = state.patient_of(id).unwrap_or_default();
        let deletion = state.deletions(id).into_iter().next();
        out.entry(patient).or_default().push(Instance {
            id,
            form,
            state: f,
            fields,
            creator,
            deletion,
        });
    }
    let order = |form: &str| s.forms.iter().position(|f| f.id == form);
    for instances in out.values_mut() {
        instances.sort_by(|a, b| {
            (order(a.form.id), &a.state.created_hlc, a.id).cmp(&(
                order(b.form.id),
                &b.state.created_hlc,
                b.id,
            ))
        });
    }
    out
}

/// A field's writes oldest first, by (clock, commit id), but the current value's write (the
/// last head) last, so that applying them in order leaves exactly `State::value`. With causally
/// consistent clocks the winner is the latest write anyway; this only guards odd logs.
fn in_transaction_order<'a>(state: &'a State, instance: &str, field: &str) -> Vec<&'a FieldWrite> {
    let mut writes = state.history(instance, field);
    if let Some(winner) = state.heads(instance, field).last() {
        if let Some(i) = writes.iter().position(|w| *w.commit == **winner) {
            let w = writes.remove(i);
            writes.push(w);
        }
    }
    writes
}

/// `<AdminData>`: a `User` per user and a `Location` per device of the writes and
/// confirmations, the device's `MetaDataVersionRef` effective from its first one.
pub(super) fn admin_data(
    x: &mut Xml,
    subjects: &BTreeMap<&str, Vec<Instance<'_>>>,
) -> io::Result<()> {
    let mut users: BTreeSet<&str> = BTreeSet::new();
    let mut devices: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, writes, confirmations) in subjects.values().flatten().flat_map(|i| &i.fields) {
        let events = writes
            .iter()
            .map(|w| (&*w.user, &*w.device, w.hlc.wall_ms))
            .chain(
                confirmations
                    .iter()
                    .map(|c| (c.user.as_str(), c.device.as_str(), c.hlc.wall_ms)),
            );
        for (user, device, ms) in events {
            users.insert(user);
            let first = devices.entry(device).or_insert(ms);
            *first = (*first).min(ms);
        }
    }
    for d in subjects.values().flatten().filter_map(|i| i.deletion) {
        users.insert(&d.user);
        let first = devices.entry(&d.device).or_insert(d.hlc.wall_ms);
        *first = (*first).min(d.hlc.wall_ms);
    }
    x.open("AdminData", &[("StudyOID", STUDY_OID)])?;
    for user in &users {
        x.open("User", &[("OID", &user_oid(user))])?;
        x.text("LoginName", &[], user)?;
        x.close("User")?;
    }
    for (device, first_ms) in &devices {
        x.open(
            "Location",
            &[("OID", &location_oid(device)), ("Name", device)],
        )?;
        // The date part of the first write's UTC time.
        let effective = timestamp(*first_ms);
        x.empty(
            "MetaDataVersionRef",
            &[
                ("StudyOID", STUDY_OID),
                ("MetaDataVersionOID", METADATA_VERSION_OID),
                ("EffectiveDate", &effective[..10]),
            ],
        )?;
        x.close("Location")?;
    }
    x.close("AdminData")
}

/// `<ClinicalData>`: per patient a `SubjectData`, with one `StudyEventData` holding a `FormData`
/// per form instance.
pub(super) fn clinical_data(
    x: &mut Xml,
    subjects: &BTreeMap<&str, Vec<Instance<'_>>>,
) -> io::Result<()> {
    x.open(
        "ClinicalData",
        &[
            ("StudyOID", STUDY_OID),
            ("MetaDataVersionOID", METADATA_VERSION_OID),
        ],
    )?;
    for (subject, instances) in subjects {
        x.open(
            "SubjectData",
            &[("SubjectKey", subject), ("TransactionType", "Upsert")],
        )?;
        x.open(
            "StudyEventData",
            &[
                ("StudyEventOID", STUDY_EVENT_OID),
                ("TransactionType", "Upsert"),
            ],
        )?;
        for i in instances {
            form_data(x, i)?;
        }
        x.close("StudyEventData")?;
        x.close("SubjectData")?;
    }
    x.close("ClinicalData")
}

/// An `AuditRecord` of one commit.
fn audit_record(
    x: &mut Xml,
    user: &str,
    device: &str,
    ms: u64,
    reason: Option<&str>,
    commit: &str,
) -> io::Result<()> {
    x.open("AuditRecord", &[])?;
    x.empty("UserRef", &[("UserOID", &user_oid(user))])?;
    x.empty("LocationRef", &[("LocationOID", &location_oid(device))])?;
    x.text("DateTimeStamp", &[], &timestamp(ms))?;
    if let Some(reason) = reason {
        x.text("ReasonForChange", &[], reason)?;
    }
    x.text("SourceID", &[], commit)?;
    x.close("AuditRecord")
}

fn form_data(x: &mut Xml, i: &Instance<'_>) -> io::Result<()> {
    let form_oid = form_oid(i.form.id);
    let keys = [("FormOID", form_oid.as_str()), ("FormRepeatKey", i.id)];
    x.open(
        "FormData",
        &[keys[0], keys[1], ("TransactionType", "Upsert")],
    )?;
    if let Some((user, device)) = i.creator {
        audit_record(
            x,
            user,
            device,
            i.state.created_hlc.wall_ms,
            None,
            &i.state.created,
        )?;
    }
    if !i.fields.is_empty() {
        x.open(
            "ItemGroupData",
            &[
                ("ItemGroupOID", &item_group_oid(i.form.id)),
                ("TransactionType", "Upsert"),
            ],
        )?;
        for (field, writes, confirmations) in &i.fields {
            item_data(x, i.form, field, writes, confirmations)?;
        }
        x.close("ItemGroupData")?;
    }
    x.close("FormData")?;
    if i.state.deleted {
        match i.deletion {
            Some(d) => {
                x.open(
                    "FormData",
                    &[keys[0], keys[1], ("TransactionType", "Remove")],
                )?;
                audit_record(
                    x,
                    &d.user,
                    &d.device,
                    d.hlc.wall_ms,
                    d.reason.as_deref(),
                    &d.commit,
                )?;
                x.close("FormData")?;
            }
            None => x.empty(
                "FormData",
                &[keys[0], keys[1], ("TransactionType", "Remove")],
            )?,
        }
    }
    Ok(())
}

/// Which write each confirmation belongs to: the last write of the confirmed value made before
/// it (else the last write of that value at all); one that matches no write is left out.
fn confirmation_targets<'a>(
    writes: &[&FieldWrite],
    confirmations: &[&'a Confirmation],
) -> Vec<Vec<&'a Confirmation>> {
    let mut out = vec![Vec::new(); writes.len()];
    for c in confirmations {
        let same = |w: &FieldWrite| w.value.as_ref() == Some(&c.value);
        let before = writes.iter().rposition(|w| same(w) && w.hlc <= c.hlc);
        let any = || writes.iter().rposition(|w| same(w));
        if let Some(i) = before.or_else(any) {
            out[i].push(*c);
        }
    }
    out
}

fn item_data(
    x: &mut Xml,
    form: &Form,
    field: &Field,
    writes: &[&FieldWrite],
    confirmations: &[&Confirmation],
) -> io::Result<()> {
    let oid = item_oid(form.id, field.id);
    let annotations = confirmation_targets(writes, confirmations);
    // Whether the item exists at this point of the transactions.
    let mut exists = false;
    for (w, notes) in writes.iter().zip(annotations) {
        let value = w
            .value
            .as_ref()
            .filter(|v| !v.is_null())
            .map(|v| coded(&field.kind, v));
        let transaction = match (&w.value, exists) {
            (Some(_), false) => "Insert",
            (Some(_), true) => "Update",
            (None, true) => "Remove",
            // Clearing what is not there: removing a missing item is an error, so the item is
            // set to null instead.
            (None, false) => "Upsert",
        };
        exists = transaction != "Remove";
        let mut attrs = vec![("ItemOID", oid.as_str()), ("TransactionType", transaction)];
        match (&value, transaction) {
            (Some(v), _) => attrs.push(("Value", v)),
            (None, "Remove") => {}
            (None, _) => attrs.push(("IsNull", "Yes")),
        }
        x.open("ItemData", &attrs)?;
        audit_record(
            x,
            &w.user,
            &w.device,
            w.hlc.wall_ms,
            w.reason.as_deref(),
            &w.commit,
        )?;
        for (n, c) in notes.iter().enumerate() {
            x.open("Annotation", &[("SeqNum", &(n + 1).to_string())])?;
            x.text(
                "Comment",
                &[("SponsorOrSite", "Site")],
                &format!(
                    "Value confirmed as measured (outside the usual range) by {} on device {} at \
                     {} (commit {}).",
                    c.user,
                    c.device,
                    timestamp(c.hlc.wall_ms),
                    c.commit
                ),
            )?;
            x.close("Annotation")?;
        }
        x.close("ItemData")?;
    }
    Ok(())
}
