//! The study as one CDISC ODM 1.3.2 XML document: the study definition (`Study`), the users and
//! devices (`AdminData`) and every value with its whole audit trail (`ClinicalData`), for an EDC,
//! a data management system or an archive. It loads with `odmlib` and validates against the ODM
//! 1.3.2 schema (`tests/python/check_odm.py`). Sections named below are those of the ODM 1.3.2
//! specification (chapter "General Issues": "Transactions", "Element Ordering"; chapters 3 to 6:
//! one section per element).
//!
//! # Metadata (`metadata.rs`)
//!
//! One `MetaDataVersion` (`MDV.1`) with a `Protocol` and a single common `StudyEventDef`
//! (`SE.STUDY`): the app has no visit structure of its own (the schedule is computed from the
//! dates), so every form sits in that one event. Per form a `FormDef` `F.<form>` (repeating as
//! the study defines it) with one non-repeating `ItemGroupDef` `IG.<form>`; per field an `ItemDef`
//! `I.<form>.<field>` whose `Name` is the field id (the flat tables' column), with its `Question`
//! in English (`xml:lang="en"`) and Simplified Chinese (`xml:lang="zh"`), its `DataType`
//! (`integer`, `float` with `SignificantDigits` = the decimals kept, `date`, else `text`), its
//! unit (`MeasurementUnitRef` to a `MeasurementUnit` `MU.<unit>` of `BasicDefinitions`), its hard
//! and soft ranges (`RangeCheck` `GE`/`LE`, `Hard`/`Soft`) and its code list (`CodeListRef` to
//! `CL.<list>`, decodes in both languages). Yes/no fields use the code list `CL.yes_no`
//! (`yes`/`no`, the codes of the study's visibility conditions). A field shown only under a
//! condition says so in its `Description`; its `ItemRef` is then not `Mandatory`.
//!
//! # Mapping decisions
//!
//! - **Multi-select** (no native ODM type): one `text` item whose value is the selected codes
//!   in the order entered joined by `;` (`hbv;alcohol`; no code contains `;`), the same cell as
//!   the flat tables. It has no `CodeListRef`, since its value is no single code of the list; an
//!   `Alias` with `Context="ecrf:multiSelectCodeList"` names the list (`CL.<list>`, defined with
//!   the others) and the `Description` explains the encoding. One item per code (a yes/no per
//!   box) was not chosen: one write of the field would become several ItemData, breaking the
//!   one-to-one match of ODM audit records and the app's log.
//! - **Lesion and agent tables**: one `text` item holding the table as canonical JSON (keys
//!   sorted, numbers as stored), described in the `ItemDef`'s `Description`. The log writes a
//!   table as one value with one audit record; its rows have no stable identity (a lesion table is
//!   even two shapes, baseline and follow-up, with nested measurements), so repeating item groups
//!   keyed by row position would invent `Update`s and `Remove`s of rows that the audit trail never
//!   recorded. The JSON is lossless and identical to the flat tables' cell.
//! - **History** ("Transactions", "Element Ordering"): the file is
//!   `FileType="Transactional"`. Each field's writes, oldest first by hybrid logical clock, are
//!   consecutive `ItemData` elements of the form's `ItemGroupData`, applied in document order: the
//!   first `Insert`, later ones `Update`, a cleared value `Remove` (a write after a `Remove`
//!   inserts again; a clear of a value that is not there, as two devices clearing it at once do,
//!   is an `Upsert` with `IsNull="Yes"`, since removing a missing item is an error). The current
//!   value (the winner of a conflict) is always the last one, so applying the transactions gives
//!   exactly `State::value`. Each `ItemData` has an `AuditRecord`: `UserRef`, `LocationRef` (the
//!   device), `DateTimeStamp` (the write's clock time in UTC, milliseconds), `ReasonForChange`
//!   when the write gave one and `SourceID` = the commit id. A confirmation that an unusual value
//!   is the one measured is an `Annotation` with a `Comment` on the write of that value.
//! - **Containers**: `SubjectData`, `StudyEventData`, `FormData` and `ItemGroupData` are
//!   `Upsert`s; a form instance is one `FormData` whose `FormRepeatKey` is the instance id (for
//!   non-repeating forms too), with an `AuditRecord` of its creation when the creating commit also
//!   wrote a field (every save of the app does), since the state keeps no user for a bare
//!   creation.
//! - **Deleted form instances**: the instance's `FormData` with its whole history, then a
//!   `FormData` with `TransactionType="Remove"` whose one child is the `AuditRecord` of the
//!   (first) deletion: user, device, time, reason, commit.
//! - **AdminData**: a `User` `USR.<user>` (`LoginName` = the user) per user, a `Location`
//!   `LOC.<device>` per device seen, whose `MetaDataVersionRef` is effective from the date of the
//!   device's first write.
//! - **OIDs**: ids of the study definition are `[a-z0-9_]` and used as they are; user, device and
//!   unit names are encoded, every byte outside `[A-Za-z0-9_]` as `-XX` (hex), so distinct names
//!   give distinct OIDs.
//! - **Text**: escaped by `quick-xml` (in attributes `\n`, `\r` and `\t` as character references,
//!   so they survive attribute-value normalisation); characters XML 1.0 cannot carry at all (C0
//!   controls other than tab, newline, carriage return) become U+FFFD.

mod clinical;
mod metadata;

use std::borrow::Cow;
use std::io;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use crate::log::State;
use crate::study::Label;

/// The ODM namespace of version 1.3.x.
pub const ODM_NAMESPACE: &str = "http://www.cdisc.org/ns/odm/v1.3";
/// The study's OID.
pub const STUDY_OID: &str = "S.HCC-TACE-SYS";
/// The OID of the one metadata version.
pub const METADATA_VERSION_OID: &str = "MDV.1";
/// The OID of the one study event every form belongs to.
pub const STUDY_EVENT_OID: &str = "SE.STUDY";

/// What the caller knows that the core does not: the file's identity and the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OdmOptions {
    /// `ODM/@FileOID` (section "ODM"): unique for every file made, e.g. `ecrf-20260306T101500Z`.
    pub file_oid: String,
    /// `ODM/@CreationDateTime`: when the file is made (the caller's clock), written in UTC. Every
    /// audit record's time precedes it in a conformant file ("Element Ordering").
    pub created: OffsetDateTime,
    /// `ODM/@Originator`: who made the file (a site or a person), when the caller says.
    pub originator: Option<String>,
}

impl OdmOptions {
    /// Options with a file OID and a creation time, no originator.
    pub fn new(file_oid: impl Into<String>, created: OffsetDateTime) -> OdmOptions {
        OdmOptions {
            file_oid: file_oid.into(),
            created,
            originator: None,
        }
    }
}

/// The whole study as an ODM 1.3.2 transactional document (UTF-8 XML text, indented): the
/// metadata of `study::study()`, the users and devices of the log and every value of `state`
/// with its history (the mapping in the module documentation). Never fails: every state has a
/// document.
pub fn odm(state: &State, options: &OdmOptions) -> String {
    let mut x = Xml::new();
    // Writing into a Vec<u8> cannot fail, nor can its bytes (all from `&str`) be other than UTF-8.
    document(&mut x, state, options)
        .ok()
        .and_then(|()| String::from_utf8(x.w.into_inner()).ok())
        .unwrap_or_default()
}

fn document(x: &mut Xml, state: &State, o: &OdmOptions) -> io::Result<()> {
    x.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let created = utc(o.created);
    let mut attrs = vec![
        ("xmlns", ODM_NAMESPACE),
        (
            "Description",
            "uHCC TACE Study eCRF: study definition, data and audit trail",
        ),
        ("FileType", "Transactional"),
        ("Granularity", "All"),
        ("FileOID", o.file_oid.as_str()),
        ("CreationDateTime", created.as_str()),
        ("ODMVersion", "1.3.2"),
    ];
    if let Some(originator) = &o.originator {
        attrs.push(("Originator", originator));
    }
    attrs.push(("SourceSystem", "ecrf"));
    attrs.push(("SourceSystemVersion", env!("CARGO_PKG_VERSION")));
    x.open("ODM", &attrs)?;
    metadata::study_element(x)?;
    let subjects = clinical::subjects(state);
    clinical::admin_data(x, &subjects)?;
    clinical::clinical_data(x, &subjects)?;
    x.close("ODM")
}

/// The XML being written, with the few shapes ODM needs.
struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    fn new() -> Xml {
        Xml {
            w: Writer::new_with_indent(Vec::new(), b' ', 2),
        }
    }

    fn start<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            // `(&str, &str)` into an attribute escapes the value (`quick_xml`'s
            // attribute escaping, whitespace included).
            start.push_attribute((*k, xml_chars(v).as_ref()));
        }
        start
    }

    /// `<name attrs>`.
    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.w.write_event(Event::Start(Xml::start(name, attrs)))
    }

    /// `</name>`.
    fn close(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    /// `<name attrs/>`.
    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.w.write_event(Event::Empty(Xml::start(name, attrs)))
    }

    /// `<name attrs>text</name>`, the text escaped.
    fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> io::Result<()> {
        self.open(name, attrs)?;
        self.w
            .write_event(Event::Text(BytesText::new(xml_chars(text).as_ref())))?;
        self.close(name)
    }

    /// `<name>` with a `TranslatedText` per language (section "TranslatedText"): English `en`,
    /// Chinese `zh`.
    fn translated(&mut self, name: &str, en: &str, zh: &str) -> io::Result<()> {
        self.open(name, &[])?;
        self.text("TranslatedText", &[("xml:lang", "en")], en)?;
        self.text("TranslatedText", &[("xml:lang", "zh")], zh)?;
        self.close(name)
    }

    /// [`Xml::translated`] of a study label.
    fn label(&mut self, name: &str, label: Label) -> io::Result<()> {
        self.translated(name, label.en, label.zh)
    }
}

/// The text with every character XML 1.0 cannot carry (C0 controls other than tab, newline and
/// carriage return; U+FFFE, U+FFFF) replaced by U+FFFD.
fn xml_chars(text: &str) -> Cow<'_, str> {
    let bad = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if text.chars().any(bad) {
        Cow::Owned(
            text.chars()
                .map(|c| if bad(c) { '\u{fffd}' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// One component of an OID: `[A-Za-z0-9_]` kept, every other byte as `-XX` (upper-case hex), so
/// the encoding is injective and never contains the `.` that separates components.
fn oid_part(name: &str) -> Cow<'_, str> {
    let keep = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if name.bytes().all(keep) && !name.is_empty() {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    if name.is_empty() {
        // The empty name: distinct from every other, which has at least one character.
        out.push('-');
    }
    for b in name.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("-{b:02X}"));
        }
    }
    Cow::Owned(out)
}

/// A user's OID.
fn user_oid(user: &str) -> String {
    format!("USR.{}", oid_part(user))
}

/// A device's (location's) OID.
fn location_oid(device: &str) -> String {
    format!("LOC.{}", oid_part(device))
}

/// A unit's OID.
fn unit_oid(unit: &str) -> String {
    format!("MU.{}", oid_part(unit))
}

/// A form's OID.
fn form_oid(form: &str) -> String {
    format!("F.{form}")
}

/// A form's item group's OID.
fn item_group_oid(form: &str) -> String {
    format!("IG.{form}")
}

/// A field's item OID.
fn item_oid(form: &str, field: &str) -> String {
    format!("I.{form}.{field}")
}

/// A code list's OID.
fn code_list_oid(list: &str) -> String {
    format!("CL.{list}")
}

/// A time in UTC as ODM writes date-times (ISO 8601): `2024-03-05T09:00:00.000Z`.
fn utc(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap_or_default()
}

/// A hybrid logical clock's wall time (milliseconds since the Unix epoch) in UTC (a time past
/// the year 9999, which no clock gives, is written as the epoch).
fn timestamp(ms: u64) -> String {
    let t = i128::from(ms)
        .checked_mul(1_000_000)
        .and_then(|ns| OffsetDateTime::from_unix_timestamp_nanos(ns).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    utc(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_with_milliseconds() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(1_709_629_200_123), "2024-03-05T09:00:00.123Z");
        let t = OffsetDateTime::from_unix_timestamp(1_709_629_200)
            .unwrap()
            .to_offset(UtcOffset::from_hms(8, 0, 0).unwrap());
        assert_eq!(utc(t), "2024-03-05T09:00:00.000Z");
    }

    #[test]
    fn oid_parts_keep_ids_and_encode_everything_else_injectively() {
        assert_eq!(oid_part("afp_uln"), "afp_uln");
        assert_eq!(oid_part("umol/L"), "umol-2FL");
        assert_eq!(oid_part("dr.wang"), "dr-2Ewang");
        assert_eq!(oid_part("a-2E"), "a-2D2E");
        assert_eq!(oid_part("王"), "-E7-8E-8B");
        assert_eq!(oid_part(""), "-");
        assert_ne!(oid_part("a.b"), oid_part("a-2Eb"));
    }

    #[test]
    fn characters_xml_cannot_carry_are_replaced() {
        assert_eq!(xml_chars("a\tb\nc\r"), "a\tb\nc\r");
        assert_eq!(xml_chars("a\u{1}b"), "a\u{fffd}b");
        assert!(matches!(xml_chars("plain 中文"), Cow::Borrowed(_)));
    }
}
