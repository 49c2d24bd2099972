// The analysis page: Kaplan-Meier curves by group, computed in the browser by the core from the
// open database (here the demo study's).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, launch, openApp, startServer } from "./harness.mjs";

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
  // Tumor response of the demo study: ORR/DCR by group, waterfall and spider plots.
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

// The page and `ecrf analyze` are one report: for the demo study (the same seed on both sides),
// every median, rate, log-rank and Cox number the page shows is the CLI's, formatted.
test("the analysis page shows the numbers of ecrf analyze for the same data", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ecrf-analyze-"));
  const file = join(dir, "demo.json");
  execFileSync(CLI, ["demo", "--patients", "120", "--seed", "2026", "--out", file]);
  const analyze = (...args) => JSON.parse(execFileSync(CLI, ["analyze", "--commits", file, ...args]).toString());
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await page.getByTestId("load-demo").click();
  await page.getByTestId("demo-banner").waitFor({ timeout: 60000 });
  await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
  await page.getByTestId("nav-analyses").click();
  const f = (v, d) => (v === null ? "not reached" : v.toFixed(d));
  const ci = (q, d) => `${f(q.estimate, d)} (${f(q.lower, d)} – ${f(q.upper, d)})`;
  const p4 = (p) => (p < 1e-4 ? "< 0.0001" : p.toFixed(4));
  const hr = (t) => `${t.hr.toFixed(2)} (${t.hr_lower.toFixed(2)} – ${t.hr_upper.toFixed(2)}), ${p4(t.p_value)}`;
  async function compare(report) {
    await page.getByTestId("compute").click();
    await page.getByTestId("analysed-count").filter({ hasText: `${report.patients.selected} enrolled` }).waitFor();
    await page.getByTestId("analysis-time").filter({ hasText: /ms/ }).waitFor();
    const curves = report.survival.curves;
    assert.deepEqual(await page.getByTestId("median").allTextContents(), curves.map((c) => ci(c.median, 1)));
    assert.deepEqual(
      await page.getByTestId("rmst").allTextContents(),
      curves.map((c) => `${c.rmst.estimate.toFixed(1)} ± ${c.rmst.std_err.toFixed(1)}`),
    );
    const rows = await page.getByTestId("km-row").evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    rows.forEach((cells, i) => {
      assert.equal(cells[1], String(curves[i].n));
      assert.equal(cells[2], String(curves[i].n_events));
      // 6, 12, 18 and 24 months.
      const rates = curves[i].landmarks.slice(1).map((l) => `${f(l.surv, 2)} (${f(l.lower, 2)} – ${f(l.upper, 2)})`.replaceAll("not reached", "–"));
      assert.deepEqual(cells.slice(4, 8), rates);
    });
    const lr = report.survival.logrank;
    const p = lr.p_value < 1e-4 ? "p < 0.0001" : `p = ${lr.p_value.toFixed(4)}`;
    assert.equal(await page.getByTestId("logrank").textContent(), `Log-rank test: χ² = ${lr.chisq.toFixed(2)}, df = ${lr.df.toFixed(0)}, ${p}`);
    // Cox: a group's row shows the crude and the adjusted model, a factor's its univariable one.
    const cox = await page.getByTestId("cox-row").evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    const { crude, adjusted, univariable } = report.models;
    assert.ok(adjusted.terms, JSON.stringify(adjusted));
    assert.equal(cox.length, adjusted.terms.length);
    adjusted.terms.forEach((term, i) => {
      // (A factor constant in the selection has no univariable model.)
      const unadjusted = term.name.startsWith("group=")
        ? crude.terms.find((t) => t.name === term.name)
        : univariable.find((u) => u.factor === term.name).model.terms?.[0];
      if (unadjusted?.not_estimable === null) assert.equal(cox[i][1], hr(unadjusted), term.name);
      if (term.not_estimable === null) assert.equal(cox[i][2], hr(term), term.name);
    });
    const iptw = await page.getByTestId("iptw-row").evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    report.models.iptw.forEach((c, i) => {
      assert.equal(iptw[i][1], String(c.n));
      if (c.hr !== undefined) assert.equal(iptw[i][2], hr(c));
      // Without weights (no propensity model) there is no balance after weighting.
      assert.equal(iptw[i][3], `${c.max_smd_before.toFixed(3)} → ${c.max_smd_after?.toFixed(3) ?? "–"}`);
    });
    const mrecist = report.response.find((r) => r.criteria === "mrecist");
    const overall = mrecist.rates.at(-1).orr;
    const pct = (x) => (100 * x).toFixed(1);
    assert.match(
      (await page.getByTestId("rate-row").allTextContents()).at(-1),
      new RegExp(`^Overall${overall.x}/${overall.n} \\(${pct(overall.estimate)}%\\) \\[${pct(overall.lower)}–${pct(overall.upper)}\\]`),
    );
    const dor = mrecist.duration_of_response.at(-1);
    assert.equal(await page.getByTestId("dor").last().textContent(), `${ci(dor.median, 1)} · n = ${dor.n}`);
  }
  try {
    await compare(analyze());
    // Another endpoint, a filter and another choice of factors.
    await page.getByTestId("endpoint-os").click();
    await page.getByTestId("factor-ehs").check();
    await page.getByTestId("filter-bclc").selectOption("C");
    await compare(analyze("--endpoint", "os", "--bclc", "C", "--factors", "bclc_c_d,afp_ge_400,mvi,albi_2_3,ehs"));
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
