// Issue 6: a lab value that reaches a CTCAE grade is proposed as an adverse event; confirmed, it
// opens an unsaved draft of the AE form (term search with grade definitions) that is saved, and
// counts in the safety tables, only once complete; dismissed with a reason, it does not come back.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { enrollPatient, field, launch, openApp, unlock, saveForm, setUser, startServer } from "./harness.mjs";

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

test("platelets 40 x 10^9/L: grade 3 proposed, confirmed, counted in the safety table", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await setUser(page, "Dr Chen");
  await enrollPatient(page, "HCC-005-0001", "2025-03-01", "2025-03-02");

  // Lenvatinib from 2025-03-05.
  await page.getByTestId("new-form-systemic").click();
  await field(page, "agent").selectOption("lenvatinib");
  await field(page, "start_date").fill("2025-03-05");
  await field(page, "dose").fill("8 mg once daily");
  await saveForm(page);
  await page.getByTestId("back").click();

  // Follow-up labs: platelets 40 (LLN 125) and ALT 100 (ULN 40).
  await page.getByTestId("new-form-labs").click();
  await field(page, "date").fill("2025-04-14");
  for (const [id, v] of Object.entries({ plt: "40", plt_lln: "125", plt_uln: "350", alt: "100", alt_lln: "7", alt_uln: "40" })) {
    await field(page, id).fill(v);
  }
  await saveForm(page);
  await page.getByTestId("back").click();
  const proposals = page.getByTestId("ae-proposal");
  await proposals.first().waitFor();
  assert.equal(await proposals.count(), 2);
  assert.match(await proposals.filter({ hasText: "Platelet" }).textContent(), /Platelet count decreased · grade 3.*2025-04-14/);

  // Dismissing needs a reason, and the dismissal holds across a reload.
  const alt = proposals.filter({ hasText: "Alanine aminotransferase increased" });
  await alt.getByTestId("dismiss-proposal").click();
  await alt.getByTestId("confirm-dismiss").click();
  await page.getByTestId("proposal-error").filter({ hasText: "needs a reason" }).waitFor();
  await alt.getByTestId("dismiss-reason").fill("Known steatosis, stable");
  await alt.getByTestId("confirm-dismiss").click();
  await page.getByTestId("ae-proposal").filter({ hasText: "Alanine" }).waitFor({ state: "detached" });

  // Confirm: an unsaved draft of the AE form opens with term, grade and onset. Leaving it (after
  // the question about unsaved changes) saves nothing: the proposal is still open, no AE exists.
  await page.getByTestId("ae-proposal").getByTestId("confirm-proposal").click();
  await page.locator('[data-testid="form-page"][data-form="adverse_event"]').waitFor();
  assert.equal(await page.getByTestId("unsaved").isVisible(), true, "the draft is unsaved");
  page.once("dialog", (d) => d.accept());
  await page.getByTestId("back").click();
  await page.getByTestId("patient-page").waitFor();
  assert.equal(await page.getByTestId("ae-proposal").count(), 1);
  assert.equal(await page.getByTestId("timeline-item").and(page.locator('[data-form="adverse_event"]')).count(), 0);
  await page.getByTestId("ae-proposal").getByTestId("confirm-proposal").click();
  await page.locator('[data-testid="form-page"][data-form="adverse_event"]').waitFor();
  assert.match(page.url(), /\/patients\/HCC-005-0001\/forms\/adverse_event\/new\?proposal=/);
  assert.equal(await field(page, "term").inputValue(), "Platelet count decreased");
  assert.equal(await field(page, "grade").inputValue(), "3");
  assert.equal(await field(page, "onset_date").inputValue(), "2025-04-14");
  assert.match(await page.getByTestId("term-grade-3").textContent(), /<50,000 - 25,000\/mm3/);
  // The term search finds abbreviations; the chosen term stays until another is picked.
  await field(page, "term").fill("HFSR");
  assert.equal(await page.getByTestId("term-result").first().textContent(), "Palmar-plantar erythrodysesthesia syndrome · Skin and subcutaneous tissue disorders");
  await field(page, "term").fill("platelet");
  await page.getByTestId("term-result").filter({ hasText: "Platelet count decreased" }).click();
  await field(page, "serious").selectOption("yes");
  await field(page, "relation_tace").selectOption("possible");
  await field(page, "outcome").selectOption("recovering");
  // Serious needs its criteria; each agent received needs relation and action. An incomplete
  // draft is refused whole: nothing is saved.
  await page.getByTestId("save-form").click();
  await page.getByTestId("error-sae_criteria").waitFor();
  assert.equal(await page.getByTestId("error-agents").textContent(), "Give the relation and the action taken for: Lenvatinib (TKI).");
  await page.getByTestId("field-sae_criteria-hospitalization").check();
  await page.getByTestId("agent-lenvatinib-relation").selectOption("probable");
  await page.getByTestId("agent-lenvatinib-action").selectOption("withdrawn");
  // The first save of one's own draft needs no reason for change (there is no reason box);
  // the address then names the saved event, and the proposal is decided with it.
  assert.equal(await page.getByTestId("reason").count(), 0);
  await saveForm(page);
  assert.match(page.url(), /\/patients\/HCC-005-0001\/forms\/adverse_event\/[^/?]+$/);

  await page.reload();
  await unlock(page);
  // The reload reopens the page the address names; go to the list from there.
  await page.getByTestId("nav-patients").click();
  await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
  await page.getByTestId("patient-row").filter({ hasText: "HCC-005-0001" }).click();
  assert.equal(await page.getByTestId("ae-proposal").count(), 0);
  assert.equal(await page.getByTestId("timeline-item").and(page.locator('[data-form="adverse_event"]')).count(), 1);
  assert.match(await page.getByTestId("ae-item").textContent(), /^Platelet count decreased · grade 3SAE2025-04-14 → ongoing/);

  await page.getByTestId("nav-safety").click();
  const summary = page.getByTestId("safety-table-0").getByTestId("safety-row");
  assert.match(await summary.filter({ hasText: "Any grade >= 3" }).textContent(), /1 \(100\.0%\)/);
  assert.match(await summary.filter({ hasText: "Grade >= 3 hematologic" }).first().textContent(), /1 \(100\.0%\)/);
  assert.match(await page.getByTestId("safety-table-1").textContent(), /Platelet count decreased/);
  assert.match(await summary.filter({ hasText: "Serious adverse event" }).textContent(), /1 \(100\.0%\)/);
  assert.match(await summary.filter({ hasText: "Leading to discontinuation" }).textContent(), /1 \(100\.0%\)/);
  await page.getByTestId("lang-zh-CN").click();
  assert.match(await page.getByTestId("safety-table-0").textContent(), /任何 3 级及以上/);
  await context.close();
});
