// Issue 3: enroll a patient through the CRFs on tablet-sized screens, see the derived values,
// edit with a reason, read the field history, refuse out-of-range values, record a follow-up
// visit offline, load the demo study.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addPatient, field, launch, openApp, unlock, setUser, startServer, waitForServiceWorker, writeClearDatabase } from "./harness.mjs";

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Fills fields of the form on screen: strings go into inputs, `{select}` into selects,
 * `{check: [codes]}` ticks checkboxes. */
async function fill(page, values) {
  for (const [id, v] of Object.entries(values)) {
    if (typeof v === "object" && v.select !== undefined) {
      await field(page, id).selectOption(v.select);
    } else if (typeof v === "object" && v.check) {
      for (const code of v.check) await page.getByTestId(`field-${id}-${code}`).check();
    } else {
      await field(page, id).fill(v);
    }
  }
}

async function save(page, expected = /Saved on this device|已保存到本设备/) {
  await page.getByTestId("save-form").click();
  await page.getByTestId("form-status").filter({ hasText: expected }).waitFor();
}

async function openForm(page, testid) {
  await page.getByTestId(testid).click();
  await page.getByTestId("form-page").waitFor();
}

async function backToPatient(page) {
  await page.getByTestId("back").click();
  await page.getByTestId("patient-page").waitFor();
}

/** Registers and enrolls a patient through eligibility, demographics, labs and baseline
 * disease, ending on the patient page. */
async function enroll(page, id) {
  await addPatient(page, id);
  await page.getByTestId("patient-row").filter({ hasText: id }).click();
  await page.getByTestId("patient-page").waitFor();

  await openForm(page, "open-form-eligibility");
  await fill(page, {
    diagnosis_basis: { select: "histology" },
    unresectable: { select: "yes" },
    measurable_lesion: { select: "yes" },
    child_pugh_ok: { select: "yes" },
    ecog_ok: { select: "yes" },
    planned_combination: { select: "yes" },
    consent_date: "2025-01-02",
    enrollment_date: "2025-01-03",
  });
  await save(page);
  await backToPatient(page);

  await openForm(page, "open-form-demographics");
  await fill(page, { sex: { select: "male" }, birth_date: "1960-05-01", height_cm: "170", weight_kg: "65" });
  await save(page);
  await backToPatient(page);

  await openForm(page, "new-form-labs");
  await fill(page, { date: "2025-01-02", bili: "30", alb: "36", inr: "1.1", neut: "3.1", lym: "1.2", plt: "150" });
  await save(page);
  await backToPatient(page);

  await openForm(page, "open-form-baseline_disease");
  await fill(page, {
    tumor_number: { select: "2" },
    largest_tumor_mm: "45",
    distribution: { select: "unilobar" },
    vascular_invasion: { select: "none" },
    extrahepatic_spread: { select: "no" },
    ascites: { select: "none" },
    encephalopathy: { select: "none" },
  });
  // The derived values follow the form as it is typed, before it is saved.
  await page.getByTestId("derived-bclc").filter({ hasText: /^B$/ }).waitFor();
  await save(page);
  await backToPatient(page);
}

for (const viewport of [
  { width: 1024, height: 768 },
  { width: 768, height: 1024 },
]) {
  test(`enroll through the CRFs at ${viewport.width}x${viewport.height}; derived values; edit needs a reason; history`, async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await openApp(page, server.url);
    await page.getByTestId("lang-en").click();
    await setUser(page, "Dr Li");
    const id = viewport.width > viewport.height ? "HCC-001-0011" : "HCC-001-0012";
    await enroll(page, id);

    // At a glance: Child-Pugh A5, ALBI 0.66 log10(30) - 0.085 x 36 = -2.09 (grade 2), BCLC B.
    assert.equal(await page.getByTestId("derived-child_pugh").textContent(), "A5 (5 points)");
    assert.equal(await page.getByTestId("derived-albi").textContent(), "-2.09 (grade 2)");
    assert.equal(await page.getByTestId("derived-bclc").textContent(), "B");
    assert.equal(await page.getByTestId("derived-bmi").textContent(), "22.5 kg/m²");
    assert.equal(await page.getByTestId("patient-status").textContent(), "Enrolled, awaiting treatment", "no treatment yet (issue: the coordinator's day, item 8)");
    assert.equal(await page.getByTestId("timeline-item").count(), 4);

    // Edit a saved value: a reason is required, then both values are in the history.
    await page.getByTestId("timeline-item").and(page.locator('[data-form="labs"]')).click();
    await page.getByTestId("form-page").waitFor();
    await field(page, "bili").fill("34");
    await page.getByTestId("save-form").click();
    await page
      .getByTestId("form-status")
      .filter({ hasText: "Not saved: 1 problem to fix, shown above." })
      .waitFor();
    assert.equal(await field(page, "bili").inputValue(), "34");
    await page.getByTestId("reason").fill("Transcription error, lab report rechecked");
    await save(page);
    await page.getByTestId("history-bili").click();
    const rows = page.getByTestId("history-list-bili").getByTestId("history-row");
    assert.equal(await rows.count(), 2);
    const first = await rows.nth(0).textContent();
    const second = await rows.nth(1).textContent();
    assert.match(first, /30 umol\/L.*Dr Li/);
    assert.match(second, /34 umol\/L.*Dr Li.*Transcription error, lab report rechecked/);

    // Out of range: refused with a message in the chosen language; the typed value stays.
    await field(page, "bili").fill("5000");
    assert.equal(
      await page.getByTestId("error-bili").textContent(),
      "Total bilirubin must lie between 0.1 and 1000 umol/L.",
    );
    await page.getByTestId("lang-zh-CN").click();
    assert.equal(await page.getByTestId("error-bili").textContent(), "总胆红素须在 0.1 至 1000 umol/L 之间。");
    await page.getByTestId("reason").fill("测试");
    await page.getByTestId("save-form").click();
    await page.getByTestId("form-status").filter({ hasText: "未保存：有 1 处需要处理，已定位到该处。" }).waitFor();
    assert.equal(await field(page, "bili").inputValue(), "5000");

    // Leaving with unsaved changes asks first; dismissing stays on the form.
    page.once("dialog", (d) => d.dismiss());
    await page.getByTestId("back").click();
    assert.equal(await page.getByTestId("form-page").count(), 1);
    page.once("dialog", (d) => d.accept());
    await page.getByTestId("back").click();
    await page.getByTestId("patient-page").waitFor();
    await page.getByTestId("lang-en").click();

    // A soft-range value needs confirmation before it is saved.
    await openForm(page, "new-form-labs");
    await fill(page, { date: "2025-01-20", alb: "18" });
    await page.getByTestId("warning-alb").waitFor();
    await page.getByTestId("save-form").click();
    await page.getByTestId("form-status").filter({ hasText: "1 problem to fix" }).waitFor();
    await page.getByTestId("confirm-alb").check();
    await save(page);
    await context.close();
  });
}

test("a full follow-up visit is recorded offline and survives a reload", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await waitForServiceWorker(page);
  await page.getByTestId("lang-en").click();
  await setUser(page, "Nurse Wang");
  await enroll(page, "HCC-002-0001");

  await context.setOffline(true);
  await page.reload();
  await unlock(page);
  // The reload reopens the page the address names; go to the list from there.
  await page.getByTestId("nav-patients").click();
  await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
  await page.getByTestId("patient-row").filter({ hasText: "HCC-002-0001" }).click();

  await openForm(page, "new-form-clinical");
  await fill(page, { date: "2025-02-14", ecog: { select: "0" }, weight_kg: "64.5", ascites: { select: "none" }, encephalopathy: { select: "none" } });
  await save(page);
  await backToPatient(page);
  await openForm(page, "new-form-labs");
  await fill(page, { date: "2025-02-14", bili: "28", alb: "37", inr: "1.05", afp: "350" });
  await save(page);
  await backToPatient(page);
  await openForm(page, "new-form-tumor_assessment");
  await fill(page, { date: "2025-02-13", modality: { select: "ct" }, investigator_mrecist: { select: "PR" } });
  await save(page);
  await backToPatient(page);
  await openForm(page, "new-form-systemic");
  await fill(page, { agent: { select: "lenvatinib" }, start_date: "2025-01-05", dose: "8 mg qd" });
  await save(page);
  await backToPatient(page);
  assert.equal(await page.getByTestId("patient-status").textContent(), "On treatment");

  await page.reload();
  await unlock(page);
  // The reload reopens the page the address names; go to the list from there.
  await page.getByTestId("nav-patients").click();
  await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
  const row = page.getByTestId("patient-row").filter({ hasText: "HCC-002-0001" });
  assert.match(await row.textContent(), /On treatment.*TACE \+ TKI/);
  assert.match(await row.getByTestId("unsynced").textContent(), /only on this device/);
  await row.click();
  assert.equal(await page.getByTestId("timeline-item").count(), 8);
  // Endpoints so far, with their date and rule: enrolled 2025-01-03, alive on 2025-02-14.
  assert.equal(
    await page.getByTestId("endpoint-os").textContent(),
    "Overall survival1.4 monthscensored · last known alive on 2025-02-14",
  );
  // The analyses read the study's own data.
  await page.getByTestId("nav-analyses").click();
  await page.getByTestId("compute").click();
  assert.match(await page.getByTestId("analysed-count").textContent(), /^1 enrolled patients analysed\./);
  await context.close();
});

test("the demo study loads into its own labelled database and leaves the study's alone", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await addPatient(page, "HCC-009-0001");
  await page.getByTestId("load-demo").click();
  await page.getByTestId("demo-banner").waitFor({ timeout: 60000 });
  await page.getByTestId("patient-count").filter({ hasText: "120 patients" }).waitFor({ timeout: 60000 });
  assert.equal(await page.getByTestId("patient-row").filter({ hasText: "HCC-009-0001" }).count(), 0);
  // The same commits as a file (the format `ecrf demo` writes) load through the file input;
  // a damaged file or a file of study data is refused with a message.
  const commits = await page.evaluate(async () => {
    const db = await new Promise((ok) => (indexedDB.open("ecrf-demo").onsuccess = (e) => ok(e.target.result)));
    const all = await new Promise((ok) => (db.transaction("commits").objectStore("commits").getAll().onsuccess = (e) => ok(e.target.result)));
    db.close();
    return all;
  });
  const file = { format: "ecrf-commits", version: 1, demo: true, seed: 2026, patients: 120, data_cut: "2026-03-31", commits };
  const dir = mkdtempSync(join(tmpdir(), "ecrf-demo-file-"));
  const good = join(dir, "demo.json");
  const damaged = join(dir, "damaged.json");
  const study = join(dir, "study.json");
  writeFileSync(good, JSON.stringify(file));
  writeFileSync(damaged, JSON.stringify(file).replace('"user":"demo"', '"user":"mallory"'));
  writeFileSync(study, JSON.stringify({ ...file, demo: false }));
  await page.getByTestId("leave-demo").click();
  await unlock(page);
  await page.getByTestId("patient-count").filter({ hasText: "1 patients" }).waitFor();
  assert.equal(await page.getByTestId("demo-banner").count(), 0);
  await page.getByTestId("demo-file").setInputFiles(damaged);
  await page.getByTestId("demo-progress").filter({ hasText: "The file is damaged and was not loaded" }).waitFor();
  await page.getByTestId("demo-file").setInputFiles(study);
  await page.getByTestId("demo-progress").filter({ hasText: "not loaded into the demo database" }).waitFor();
  await page.getByTestId("demo-file").setInputFiles(good);
  await page.getByTestId("demo-banner").waitFor({ timeout: 60000 });
  await page.getByTestId("patient-count").filter({ hasText: "120 patients" }).waitFor({ timeout: 60000 });
  rmSync(dir, { recursive: true, force: true });
  await page.getByTestId("leave-demo").click();
  await unlock(page);
  await page.getByTestId("patient-count").filter({ hasText: "1 patients" }).waitFor();
  await context.close();
});

test("a write from another tablet that conflicts is listed and resolved; a form is deleted with a reason", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await setUser(page, "Dr Li");
  await enroll(page, "HCC-003-0001");

  // Another tablet changed the same bilirubin without having seen this one's value: its commit
  // (content-addressed, hashed here exactly as the core hashes it) arrives in the unencrypted
  // database of an earlier version, which the next unlock seals into the study's.
  await page.getByTestId("timeline-item").and(page.locator('[data-form="labs"]')).click();
  const instance = new URL(page.url()).pathname.split("/").at(-1);
  await page.getByTestId("back").click();
  const body = {
    device: "tab-other",
    seq: 1,
    prev: null,
    hlc: { wall_ms: Date.now() + 1000, counter: 0, device: "tab-other" },
    user: "Dr Zhang",
    reason: "Rechecked on the ward",
    ops: [{ op: "set_field", instance, field: "bili", value: 31, supersedes: [] }],
  };
  const id = createHash("sha256").update(JSON.stringify(body)).digest("hex");
  await writeClearDatabase(page, [{ id, ...body }]);
  await page.reload();
  await unlock(page);
  await page.getByTestId("conflict-count").filter({ hasText: "1" }).waitFor();
  await page.getByTestId("nav-conflicts").click();
  const writes = page.getByTestId("conflict-write");
  assert.equal(await writes.count(), 2);
  const texts = await writes.allTextContents();
  assert.ok(texts.some((t) => /^30 umol\/L.*Dr Li/.test(t)), texts.join("\n"));
  assert.ok(texts.some((t) => /^31 umol\/L.*Dr Zhang.*tab-other.*Rechecked on the ward/.test(t)), texts.join("\n"));
  await writes.filter({ hasText: "Dr Li" }).getByTestId("keep-value").click();
  await page.getByTestId("no-conflicts").waitFor();
  assert.equal(await page.getByTestId("conflict-count").count(), 0);

  // The history keeps all three writes; the kept value is current.
  await page.getByTestId("nav-patients").click();
  await page.getByTestId("patient-row").filter({ hasText: "HCC-003-0001" }).click();
  await page.getByTestId("timeline-item").and(page.locator('[data-form="labs"]')).click();
  assert.equal(await field(page, "bili").inputValue(), "30");
  await page.getByTestId("history-bili").click();
  assert.equal(await page.getByTestId("history-list-bili").getByTestId("history-row").count(), 3);

  // Deleting needs a reason; the form leaves the record.
  await page.getByTestId("delete-form").click();
  await page.getByTestId("confirm-delete").click();
  await page.getByTestId("form-status").filter({ hasText: "needs a reason" }).waitFor();
  await page.getByTestId("delete-reason").fill("Entered for the wrong patient");
  await page.getByTestId("confirm-delete").click();
  await page.getByTestId("patient-page").waitFor();
  assert.equal(await page.getByTestId("timeline-item").count(), 3);
  await context.close();
});
