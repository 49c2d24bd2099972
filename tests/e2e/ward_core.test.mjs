// Issue "The coordinator's day on a tablet", items 7-11 (the core's rules as the screens show
// them): screening data before enrollment, one status and group on every screen, a new patient's
// endpoints, the AE term search in Chinese, and the lab's name on AE proposals.
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

/** A fresh tablet in English with a user named, on the patient list. */
async function start(width = 1024, height = 768) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await setUser(page, "Dr Wang");
  return { context, page };
}

/** Fills and saves a clinical assessment dated `date`, from the patient page. */
async function clinical(page, date) {
  await page.getByTestId("new-form-clinical").click();
  await field(page, "date").fill(date);
  await field(page, "ecog").selectOption("1");
  await field(page, "ascites").selectOption("none");
  await field(page, "encephalopathy").selectOption("none");
}

test("item 7: an ECOG assessment in the 28-day screening window is accepted; before screening it is refused", async () => {
  const { context, page } = await start();
  await enrollPatient(page, "HCC-007-0001", "2025-02-10", "2025-03-01");
  // Before consent and more than 28 days before enrollment: refused, in both languages.
  await clinical(page, "2025-01-20");
  await page.getByTestId("save-form").click();
  assert.match(await page.getByTestId("error-date").textContent(), /may not precede screening/);
  await page.getByTestId("lang-zh-CN").click();
  assert.match(await page.getByTestId("error-date").textContent(), /不能早于筛选期/);
  await page.getByTestId("lang-en").click();
  // During screening (after consent, before enrollment): saved.
  await field(page, "date").fill("2025-02-15");
  await saveForm(page);
  assert.equal(await page.getByTestId("error-date").count(), 0);
  await context.close();
});

test("item 8: an enrolled patient without treatment is 'Enrolled, awaiting treatment', in no group, and not counted as TACE + other", async () => {
  const { context, page } = await start();
  await enrollPatient(page, "HCC-008-0001", "2025-03-01", "2025-03-02");
  assert.equal(await page.getByTestId("patient-status").textContent(), "Enrolled, awaiting treatment");
  assert.equal(await page.getByTestId("patient-group").textContent(), "Not yet treated");
  // A second patient on lenvatinib.
  await enrollPatient(page, "HCC-008-0002", "2025-03-01", "2025-03-02");
  await page.getByTestId("new-form-systemic").click();
  await field(page, "agent").selectOption("lenvatinib");
  await field(page, "start_date").fill("2025-03-05");
  await field(page, "dose").fill("8 mg once daily");
  await saveForm(page);
  await page.getByTestId("back").click();
  assert.equal(await page.getByTestId("patient-status").textContent(), "On treatment");
  assert.equal(await page.getByTestId("patient-group").textContent(), "TACE + TKI");

  // The list says the same.
  await page.getByTestId("nav-patients").click();
  const row = page.getByTestId("patient-row").filter({ hasText: "HCC-008-0001" });
  assert.equal(await row.getByTestId("patient-status").textContent(), "Enrolled, awaiting treatment");
  assert.equal(await row.getByTestId("patient-group").textContent(), "Not yet treated");

  // Safety: a column of its own, never "TACE + other"; overall counts both.
  await page.getByTestId("nav-safety").click();
  const head = await page.getByTestId("safety-table-0").locator("thead").textContent();
  assert.match(head, /TACE \+ TKI \(n = 1\)/);
  assert.match(head, /Not yet treated \(n = 1\)/);
  assert.match(head, /Overall \(n = 2\)/);
  assert.doesNotMatch(head, /TACE \+ other/);
  await page.getByTestId("lang-zh-CN").click();
  assert.match(await page.getByTestId("safety-table-0").locator("thead").textContent(), /尚未治疗 \(n = 1\)/);
  await context.close();
});

test("item 9: a new patient's endpoints show nothing until there is follow-up", async () => {
  const { context, page } = await start();
  await enrollPatient(page, "HCC-009-0001", "2025-03-01", "2025-03-02");
  await page.getByTestId("timeline").waitFor();
  assert.equal(await page.getByTestId("endpoints").count(), 0, "no '0.0 months censored'");
  await clinical(page, "2025-04-14");
  await saveForm(page);
  await page.getByTestId("back").click();
  await page.getByTestId("endpoints").waitFor();
  assert.match(await page.getByTestId("endpoint-os").textContent(), /1\.4 months/);
  await context.close();
});

test("item 11: the AE term search finds Chinese clinical words and says what to do", async () => {
  const { context, page } = await start();
  await enrollPatient(page, "HCC-011-0001", "2025-03-01", "2025-03-02");
  await page.getByTestId("new-form-adverse_event").click();
  await field(page, "term").fill("转氨酶");
  const results = page.getByTestId("term-result");
  await results.first().waitFor();
  assert.match(await results.nth(0).textContent(), /^Alanine aminotransferase increased/);
  assert.match(await results.nth(1).textContent(), /^Aspartate aminotransferase increased/);

  // Post-embolization syndrome: its components, and a note that CTCAE grades them separately.
  await field(page, "term").fill("栓塞后综合征");
  await page.getByTestId("term-hint").waitFor();
  const found = await results.allTextContents();
  for (const t of ["Fever", "Abdominal pain", "Nausea"]) {
    assert.ok(found.some((r) => r.startsWith(t)), `${t} in ${found}`);
  }
  assert.match(await page.getByTestId("term-hint").textContent(), /no term for post-embolization syndrome/);
  await page.getByTestId("lang-zh-CN").click();
  assert.match(await page.getByTestId("term-hint").textContent(), /无“栓塞后综合征”术语/);

  // Nothing found: what to try.
  await field(page, "term").fill("zzqqxx");
  assert.match(await page.getByTestId("term-none").textContent(), /未找到 CTCAE 术语/);
  await page.getByTestId("lang-en").click();
  assert.match(await page.getByTestId("term-none").textContent(), /No CTCAE term found/);
  await context.close();
});

test("item 10: an AE proposal names the lab in the UI language", async () => {
  const { context, page } = await start();
  await enrollPatient(page, "HCC-010-0001", "2025-03-01", "2025-03-02");
  await page.getByTestId("new-form-labs").click();
  await field(page, "date").fill("2025-04-14");
  for (const [id, v] of Object.entries({ plt: "40", plt_lln: "125", plt_uln: "350" })) {
    await field(page, id).fill(v);
  }
  await saveForm(page);
  await page.getByTestId("back").click();
  const proposal = page.getByTestId("ae-proposal").first();
  await proposal.waitFor();
  assert.match(await proposal.textContent(), /2025-04-14 · Platelets/);
  await page.getByTestId("lang-zh-CN").click();
  assert.match(await proposal.textContent(), /2025-04-14 · 血小板/);
  await context.close();
});
