// Issue 4: a baseline and two follow-up tumor assessments entered in the app; both criteria's
// responses computed live; the investigator's differing reading raises a data query.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { enrollPatient, field, launch, openApp, saveForm, setUser, startServer } from "./harness.mjs";

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

async function newAssessment(page, date) {
  await page.getByTestId("new-form-tumor_assessment").click();
  await page.locator('[data-testid="form-page"][data-form="tumor_assessment"]').waitFor();
  await field(page, "date").fill(date);
  await field(page, "modality").selectOption("ct");
}

const overall = (page, criteria) =>
  page.getByTestId(`response-${criteria}-current`).getByTestId("overall").textContent();

test("baseline and two follow-ups: mRECIST and RECIST 1.1 live, a differing reading queried", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await setUser(page, "Dr Wu");
  await enrollPatient(page, "HCC-006-0001", "2025-01-02", "2025-01-03");

  // Baseline (before enrollment): two enhancing liver targets and a portal vein thrombus.
  await newAssessment(page, "2024-12-28");
  assert.equal(await page.getByTestId("lesions-timepoint").inputValue(), "baseline");
  await page.getByTestId("add-target").click();
  await page.getByTestId("add-target").click();
  await page.getByTestId("target-0-diameter").fill("40");
  await page.getByTestId("target-0-viable").fill("35");
  await page.getByTestId("target-1-diameter").fill("30");
  await page.getByTestId("target-1-viable").fill("30");
  await page.getByTestId("add-nontarget").click();
  await page.getByTestId("nontarget-0-organ").fill("portal vein");
  await page.getByTestId("nontarget-0-kind").selectOption("tumor_thrombus");
  await saveForm(page);
  await page.getByTestId("back").click();

  // Week 6: RECIST 55 vs 70 mm (-21.4%, SD); mRECIST 35 vs 65 mm (-46.2%, PR).
  await newAssessment(page, "2025-02-14");
  assert.equal(await page.getByTestId("lesions-timepoint").inputValue(), "follow_up");
  await page.getByTestId("measure-T1-diameter").fill("30");
  await page.getByTestId("measure-T1-viable").fill("20");
  await page.getByTestId("measure-T2-diameter").fill("25");
  await page.getByTestId("measure-T2-viable").fill("15");
  await page.getByTestId("status-NT1").selectOption("present");
  assert.equal(await overall(page, "mrecist"), "PR");
  assert.equal(await overall(page, "recist11"), "SD");
  assert.match(await page.getByTestId("response-recist11-current").textContent(), /55.*-21\.4%/);
  // The investigator read PR under both: RECIST disagrees, a data query must be answered.
  await field(page, "investigator_mrecist").selectOption("PR");
  await field(page, "investigator_recist11").selectOption("PR");
  await saveForm(page, "Not saved: 1 problem to fix, shown above.");
  assert.match(
    await page.getByTestId("error-query_answer").textContent(),
    /RECIST 1\.1 reading \(PR\) differs from the computed response \(SD\)/,
  );
  await field(page, "query_answer").fill("Re-read by a second radiologist: SD accepted");
  await field(page, "investigator_recist11").selectOption("SD");
  await saveForm(page);
  await page.getByTestId("back").click();

  // Week 12: no viable tumor left and the thrombus gone: mRECIST CR; RECIST 18 vs 70 mm, PR.
  await newAssessment(page, "2025-03-28");
  // T1 split in two (6 + 4 = 10 mm); new ascites with negative cytology is not progression.
  await page.getByTestId("measure-T1-diameter").fill("6 + 4");
  await page.getByTestId("effusion-kind").selectOption("ascites");
  await page.getByTestId("effusion-cytology").selectOption("negative");
  await page.getByTestId("measure-T1-viable").fill("0");
  await page.getByTestId("measure-T2-diameter").fill("8");
  await page.getByTestId("measure-T2-viable").fill("0");
  await page.getByTestId("status-NT1").selectOption("absent");
  assert.equal(await overall(page, "mrecist"), "CR");
  assert.equal(await overall(page, "recist11"), "PR");
  await saveForm(page);
  assert.match(await page.getByTestId("best-mrecist").textContent(), /unconfirmed: CR/);
  await context.close();
});

test("lesion kinds: a non-measurable target is refused as you choose; imaging PD without a Progression form is a data query", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await setUser(page, "Dr Wu");
  await enrollPatient(page, "HCC-006-0002", "2025-01-02", "2025-01-03");

  await newAssessment(page, "2024-12-28");
  await page.getByTestId("add-target").click();
  await page.getByTestId("target-0-diameter").fill("40");
  await page.getByTestId("target-0-viable").fill("35");
  // An effusion chosen as a target: RECIST 1.1 refuses it, the rule is named at once.
  await page.getByTestId("target-0-kind").selectOption("effusion");
  await page.getByText(/effusions and ascites are not measurable/).first().waitFor();
  await page.getByTestId("target-0-kind").selectOption("lesion");
  await saveForm(page);
  await page.getByTestId("back").click();

  // Week 6: an unequivocal new lung lesion: PD by both criteria, and no Progression form yet.
  await newAssessment(page, "2025-02-14");
  await page.getByTestId("measure-T1-diameter").fill("40");
  await page.getByTestId("measure-T1-viable").fill("35");
  await page.getByTestId("add-new-lesion").click();
  await page.getByTestId("new-0-organ").fill("lung");
  await page.getByTestId("new-0-size").fill("15");
  assert.equal(await overall(page, "mrecist"), "PD");
  assert.equal(await overall(page, "recist11"), "PD");
  await field(page, "investigator_mrecist").selectOption("PD");
  await field(page, "investigator_recist11").selectOption("PD");
  await saveForm(page);
  await page.getByTestId("back").click();
  const queries = page.getByTestId("progression-query");
  await queries.first().waitFor();
  assert.equal(await queries.count(), 2);
  assert.match(await queries.first().textContent(), /2025-02-14 computes PD, but no Progression form records it/);
  // PFS already counts the imaging progression.
  assert.match(await page.getByTestId("endpoint-pfs_mrecist").textContent(), /event/);
  await context.close();
});
