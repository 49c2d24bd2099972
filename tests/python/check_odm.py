#!/usr/bin/env python3
"""Checks an ODM 1.3.2 export of the eCRF against the flat CSV export of the same state.

Usage: check_odm.py ODM_XML CSV_DIR

1. Validates ODM_XML against the ODM 1.3.2 XML schema shipped with odmlib.
2. Loads it with odmlib's ODM 1.3.2 loader (ODMLoader + XMLODMLoader) and runs odmlib's checks:
   element order and OID uniqueness / references on the whole document, and the metadata
   conformance schema on the Study. (odmlib 0.2.1's conformance schema declares ItemDef/RangeCheck a
   single element, where the ODM 1.3.2 schema and odmlib's own model allow several; the check
   corrects that one entry before running it.)
3. Replays the clinical data's transactions in document order (Insert/Update/Upsert set a value,
   IsNull="Yes" sets none, Remove on an ItemData removes it, Remove on a FormData removes the form
   instance) and compares every current value with the cell of the same subject, form instance
   and field in CSV_DIR/<form>.csv (the form from FormOID "F.<form>", the column from the ItemDef's
   Name), both ways: every value has its cell and every non-empty cell its value; every live form
   instance has its row and every row its instance. A <field>_label column must hold the decodes
   (English or Chinese throughout one file) of the codes in <field>.

Exits 1 with the differences on any mismatch, 0 with a one-line summary otherwise.
"""

import csv
import os
import sys

from odmlib.loader import ODMLoader
from odmlib.odm_1_3_2.rules.metadata_schema import MetadataSchema
from odmlib.odm_loader import XMLODMLoader
from odmlib.odm_parser import ODMSchemaValidator
from odmlib.oid_generator import create_oid_checker

MULTI_SEPARATOR = ";"
MAX_SHOWN = 25


def fail(title, problems):
    print(f"check_odm: FAILED: {title}", file=sys.stderr)
    for p in problems[:MAX_SHOWN]:
        print(f"  - {p}", file=sys.stderr)
    if len(problems) > MAX_SHOWN:
        print(f"  ... and {len(problems) - MAX_SHOWN} more", file=sys.stderr)
    sys.exit(1)


def validate_schema(path):
    validator = ODMSchemaValidator(standard="odm", version="1.3.2")
    errors = [f"{e.path}: {e.reason}" for e in validator.xsd.iter_errors(path)]
    if errors:
        fail("not valid against the ODM 1.3.2 schema", errors)


def conformance_checker():
    checker = MetadataSchema()
    # RangeCheck is 0..n in the ODM 1.3.2 schema and odmlib's model (ODMListObject); the
    # conformance schema of odmlib 0.2.1 has it as one dict. The registry's ItemDef dict is the one
    # MetaDataVersion's schema refers to, so correcting it in place corrects both.
    item_def = checker._registry.get("ItemDef")
    item_def["RangeCheck"] = {
        "type": "list",
        "schema": {"type": "dict", "schema": checker._registry.get("RangeCheck")},
    }
    return checker


def load(path):
    loader = ODMLoader(XMLODMLoader(model_package="odm_1_3_2"))
    loader.open_odm_document(path)
    odm = loader.root()
    errors = odm.validate(collect_errors=True, oid_checker=create_oid_checker("odm_1_3_2"))
    if errors:
        fail("odmlib's order and OID checks", [str(e) for e in errors])
    if len(odm.Study) != 1:
        fail("the study", [f"{len(odm.Study)} Study elements, expected 1"])
    errors = odm.Study[0].validate(collect_errors=True, conformance_checker=conformance_checker())
    if errors:
        fail("odmlib's metadata conformance checks", [str(e) for e in errors])
    return odm


def metadata(odm):
    """Per form id: its field names and, for coded fields, the decodes of their codes."""
    mdv = odm.Study[0].MetaDataVersion[0]
    items = {i.OID: i for i in mdv.ItemDef}
    groups = {g.OID: g for g in mdv.ItemGroupDef}
    lists = {
        cl.OID: {
            c.CodedValue: {t.lang: t._content for t in c.Decode.TranslatedText}
            for c in cl.CodeListItem
        }
        for cl in mdv.CodeList
    }
    forms = {}
    for form in mdv.FormDef:
        if not form.OID.startswith("F."):
            fail("form OIDs", [f"{form.OID} is not F.<form>"])
        fields = {}
        for ref in form.ItemGroupRef:
            for item_ref in groups[ref.ItemGroupOID].ItemRef:
                item = items[item_ref.ItemOID]
                codes = None
                if item.CodeListRef is not None and item.CodeListRef.CodeListOID:
                    codes = lists[item.CodeListRef.CodeListOID]
                for alias in item.Alias:
                    if alias.Context == "ecrf:multiSelectCodeList":
                        codes = lists[alias.Name]
                fields[item.Name] = (item.OID, codes)
        forms[form.OID[2:]] = fields
    return forms


def replay(odm):
    """The current values by (subject, form, instance, item OID), the live instances, and counts."""
    values = {}
    live = set()
    item_data = audits = 0
    for clinical in odm.ClinicalData:
        for subject in clinical.SubjectData:
            key = subject.SubjectKey
            for event in subject.StudyEventData:
                for form in event.FormData:
                    form_id = form.FormOID[2:]
                    instance = (key, form_id, form.FormRepeatKey)
                    if form.TransactionType == "Remove":
                        live.discard(instance)
                        for k in [k for k in values if k[:3] == instance]:
                            del values[k]
                        continue
                    live.add(instance)
                    for group in form.ItemGroupData:
                        for item in group.ItemData:
                            item_data += 1
                            if item.AuditRecord is not None and item.AuditRecord.UserRef is not None:
                                audits += 1
                            k = instance + (item.ItemOID,)
                            t = item.TransactionType or group.TransactionType or form.TransactionType
                            if t == "Remove":
                                values.pop(k, None)
                            elif item.IsNull == "Yes" or item.Value in (None, ""):
                                values[k] = None
                            else:
                                values[k] = item.Value
    return {k: v for k, v in values.items() if v is not None}, live, item_data, audits


def read_tables(csv_dir, forms):
    """The non-empty value cells by (subject, form, instance, field), the rows, and the label problems."""
    cells = {}
    rows = set()
    problems = []
    files = 0
    for form_id, fields in forms.items():
        path = os.path.join(csv_dir, f"{form_id}.csv")
        if not os.path.exists(path):
            problems.append(f"{path}: missing")
            continue
        files += 1
        # utf-8-sig: a table written with the CLI's --bom reads the same.
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [c for c in ["subject", "instance", *fields] if c not in header]
            if missing:
                problems.append(f"{path}: no column {', '.join(missing)}")
                continue
            langs = {"en", "zh"}
            for line, row in enumerate(reader, start=2):
                instance = (row["subject"], form_id, row["instance"])
                if instance in rows:
                    problems.append(f"{path}:{line}: instance {row['instance']} twice")
                rows.add(instance)
                for field, (_, codes) in fields.items():
                    cell = row[field]
                    if cell != "":
                        cells[instance + (field,)] = cell
                    label = f"{field}_label"
                    if codes is None or label not in row:
                        continue
                    parts = cell.split(MULTI_SEPARATOR) if cell else []
                    for lang in list(langs):
                        want = MULTI_SEPARATOR.join(codes.get(c, {}).get(lang, "") for c in parts)
                        if row[label] != want:
                            langs.discard(lang)
                    if not langs:
                        problems.append(
                            f"{path}:{line}: {label} = {row[label]!r} is no decode of {cell!r}"
                        )
                        langs = {"en", "zh"}
    return cells, rows, problems, files


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    odm_path, csv_dir = argv[1], argv[2]
    validate_schema(odm_path)
    odm = load(odm_path)
    forms = metadata(odm)
    values, live, item_data, audits = replay(odm)
    cells, rows, problems, files = read_tables(csv_dir, forms)
    if problems:
        fail("the flat tables", problems)

    oid_to_field = {
        (form_id, oid): field
        for form_id, fields in forms.items()
        for field, (oid, _) in fields.items()
    }
    odm_cells = {k[:3] + (oid_to_field[(k[1], k[3])],): v for k, v in values.items()}
    diffs = []
    for k in sorted(set(odm_cells) | set(cells)):
        a, b = odm_cells.get(k), cells.get(k)
        if a != b:
            subject, form_id, instance, field = k
            diffs.append(
                f"{subject} {form_id}.csv instance {instance} {field}: ODM {a!r}, CSV {b!r}"
            )
    for k in sorted(live ^ rows):
        where = "ODM only" if k in live else "CSV only"
        diffs.append(f"{k[0]} {k[1]} instance {k[2]}: {where}")
    if diffs:
        fail("the ODM's current values differ from the flat tables", diffs)
    if audits != item_data:
        fail("audit records", [f"{item_data - audits} ItemData without an AuditRecord"])
    subjects = len({k[0] for k in live})
    print(
        f"check_odm: OK: ODM 1.3.2 valid (schema, odmlib order/OIDs/conformance); "
        f"{len(values)} current values of {len(live)} form instances of {subjects} subjects "
        f"({item_data} ItemData, each with an AuditRecord) match {files} CSV files "
        f"({len(rows)} rows)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
