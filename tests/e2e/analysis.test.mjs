// The analysis page: Kaplan-Meier curves by group, computed in the browser by the core from the
// open database (here the demo study's).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, startServer } from "./harness.mjs";

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

test("PFS and OS curves by treatment group are computed on the device and labelled as demo", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await page.getByTestId("load-demo").click();
  await page.getByTestId("demo-banner").waitFor({ timeout: 60000 });
  await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
  await page.getByTestId("nav-analyses").click();
  assert.match(await page.getByTestId("demo-notice").textContent(), /^DEMO: a synthetic study/);
  await page.getByTestId("compute").click();
  await page.getByTestId("km-plot").waitFor();
  assert.equal(await page.getByTestId("analysed-count").textContent(), "120 enrolled patients analysed.");
  // Four treatment groups at least (a fifth, "other", when a patient progressed before therapy).
  assert.ok((await page.getByTestId("km-group").count()) >= 4);
  assert.ok((await page.locator("[data-testid=km-plot] path.curve").count()) >= 4);
  const medians = await page.getByTestId("median").allTextContents();
  assert.ok(medians.length >= 4);
  for (const m of medians) assert.match(m, /^(\d+\.\d|not reached) \((\d+\.\d|not reached) – (\d+\.\d|not reached)\)$/);
  assert.match(await page.getByTestId("logrank").textContent(), /^Log-rank test: χ² = \d+\.\d\d, df = \d, p (= \d\.\d{4}|< 0\.0001)$/);
  assert.match(await page.getByTestId("analysis-time").textContent(), /^computed in \d+ ms$/);
  // Cox: three group contrasts against TACE + TKI, then four adjustment factors.
  const cox = await page.getByTestId("cox-row").allTextContents();
  assert.ok(cox.length >= 7, cox.join("\n"));
  assert.match(cox[0], /^TACE \+ .+\d\.\d\d \(\d\.\d\d – \d+\.\d\d\), (\d\.\d{4}|< 0\.0001)/);
  assert.ok(cox.some((row) => row.startsWith("AFP >= 400 ng/mL")));
  // IPTW beside the crude and adjusted models: each group against TACE + TKI, balance shown.
  const iptw = await page.getByTestId("iptw-row").allTextContents();
  assert.equal(iptw.length, 3, iptw.join("\n"));
  for (const row of iptw) assert.match(row, /\d\.\d\d \(\d\.\d\d – \d+\.\d\d\), (\d\.\d{4}|< 0\.0001)\d\.\d{3} → \d\.\d{3}$/);
  await page.getByTestId("iptw-curves").selectOption("tace_tki_pd1");
  assert.equal(await page.getByTestId("weighted-curve").count(), 2);
  // Rates at 6/12/18/24 months and RMST per group; a forest plot of every hazard ratio.
  assert.match(await page.getByTestId("rmst").first().textContent(), /^\d+\.\d ± \d+\.\d$/);
  // Unadjusted: 3 group contrasts and each of the 4 factors alone; adjusted: all 7 together.
  assert.equal(await page.getByTestId("forest-mark").count(), 2 * cox.length);
  const [png] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-png-km-svg").click()]);
  assert.equal(png.suggestedFilename(), "km-pfs_mrecist.png");
  // Filters and the user's choice of adjustment factors.
  await page.getByTestId("factor-ehs").check();
  await page.getByTestId("compute").click();
  await page.getByTestId("cox-row").filter({ hasText: "Extrahepatic spread" }).waitFor();
  await page.getByTestId("filter-bclc").selectOption("C");
  await page.getByTestId("compute").click();
  await page.getByTestId("analysed-count").filter({ hasNotText: "120 enrolled" }).waitFor();
  const stageC = Number((await page.getByTestId("analysed-count").textContent()).split(" ")[0]);
  assert.ok(stageC > 10 && stageC < 120, `${stageC}`);
  // Within BCLC C the "BCLC C-D" factor is constant: as R's coxph, that term has no estimate
  // (no information) and the others are fitted.
  const stageCCox = await page.getByTestId("cox-table").textContent();
  assert.match(stageCCox, /BCLC C-Dno estimate: no information/);
  assert.match(stageCCox, /Macrovascular invasion\d/);
  await page.getByTestId("filter-bclc").selectOption("");
  await page.getByTestId("factor-ehs").uncheck();
  await page.getByTestId("compute").click();
  await page.getByTestId("analysed-count").filter({ hasText: "120 enrolled" }).waitFor();
  // Tumour response of the demo study: ORR/DCR by group, waterfall and spider plots.
  const rates = await page.getByTestId("rate-row").allTextContents();
  assert.ok(rates.length >= 5, rates.join("\n"));
  assert.match(rates.at(-1), /^Overall\d+\/120 \(\d+\.\d%\) \[\d+\.\d–\d+\.\d\]\d+\/120/);
  assert.match(await page.getByTestId("dor").last().textContent(), /^(\d+\.\d|not reached) \(.*\) · n = \d+$/);
  const bars = await page.getByTestId("waterfall-bar").count();
  assert.ok(bars > 100, `${bars} bars`);
  assert.ok((await page.getByTestId("spider-line").count()) > 100);
  const mrecistOverall = rates.at(-1);
  await page.getByTestId("criterion-recist11").click();
  assert.notEqual((await page.getByTestId("rate-row").allTextContents()).at(-1), mrecistOverall);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("export-waterfall-svg").click(),
  ]);
  assert.equal(download.suggestedFilename(), "waterfall-recist11.svg");
  // Another endpoint recomputes; the page reads in Chinese too.
  await page.getByTestId("endpoint-os").click();
  await page.getByTestId("analysis-time").filter({ hasText: /ms/ }).waitFor();
  await page.getByTestId("lang-zh-CN").click();
  assert.match(await page.getByTestId("logrank").textContent(), /^Log-rank 检验/);
  await context.close();
});
