// The printable reports (`ecrf export --format report`) of the demo study, opened from disk in
// headless Chromium in both languages: the numbers shown are those of `ecrf analyze` and
// `ecrf endpoints` on the same file, and the pages print to several A4 pages. Screenshots and
// the PDFs are kept in target/e2e-artifacts/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CLI, launch } from "./harness.mjs";

const here = new URL(".", import.meta.url).pathname;
const ARTIFACTS = resolve(here, "../../target/e2e-artifacts");
const LANGS = { en: { tag: "en", notReached: "not reached" }, zh: { tag: "zh-CN", notReached: "未达到" } };
const SUBJECT = "HCC-001-0002"; // one with adverse events

let dir;
let browser;
/** `ecrf analyze`'s report of each PFS endpoint. */
const analysis = {};
/** `ecrf endpoints`' row of SUBJECT, by column. */
let endpoints;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "ecrf-report-e2e-"));
  const commits = join(dir, "demo.json");
  execFileSync(CLI, ["demo", "--patients", "120", "--seed", "2026", "--out", commits]);
  for (const lang of Object.keys(LANGS)) {
    execFileSync(CLI, ["export", "--commits", commits, "--format", "report", "--out", join(dir, lang), "--lang", lang]);
  }
  for (const e of ["pfs_mrecist", "pfs_recist11"]) {
    analysis[e] = JSON.parse(execFileSync(CLI, ["analyze", "--commits", commits, "--endpoint", e], { encoding: "utf8" }));
  }
  const [head, ...rows] = execFileSync(CLI, ["endpoints", "--commits", commits], { encoding: "utf8" }).trim().split("\n");
  const row = rows.map((r) => r.split(",")).find((r) => r[0] === SUBJECT);
  endpoints = Object.fromEntries(head.split(",").map((k, i) => [k, row[i]]));
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A median as the report writes it: 1 decimal, "(lo – hi)". */
const median = (m, notReached) => {
  const f = (v) => (v == null ? notReached : v.toFixed(1));
  return `${f(m.estimate)} (${f(m.lower)} – ${f(m.upper)})`;
};

/** The number of pages of a PDF (its page objects). */
const pdfPages = (pdf) => (pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;

/** Prints the open page to A4, keeps the PDF and a screenshot of the print layout. */
async function print(page, name) {
  const pdf = await page.pdf({ format: "A4" });
  writeFileSync(join(ARTIFACTS, `${name}.pdf`), pdf);
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-print.png`), fullPage: true });
  await page.emulateMedia({ media: "screen" });
  return pdf;
}

for (const [lang, { tag, notReached }] of Object.entries(LANGS)) {
  test(`the study report (${lang}) shows the analysis' medians and prints on A4`, async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await page.goto(pathToFileURL(join(dir, lang, "report.html")).href);
    assert.equal(await page.locator("html").getAttribute("lang"), tag);
    assert.equal(await page.locator("script, button, input, form").count(), 0, "nothing interactive");
    for (const e of ["pfs_mrecist", "pfs_recist11"]) {
      const section = page.getByTestId(`endpoint-${e}`);
      const table = section.getByTestId("km-table");
      assert.ok(await table.isVisible());
      const shown = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.cells[3].textContent));
      const curves = analysis[e].survival.curves;
      assert.deepEqual(shown, curves.map((c) => median(c.median, notReached)), `${lang} ${e} medians`);
      // One curve per group, drawn.
      assert.equal(await section.locator("[data-testid=km-plot] path.curve").count(), curves.length);
      const p = analysis[e].survival.logrank.p_value;
      const logrank = await section.locator("p.logrank").textContent();
      assert.ok(logrank.endsWith(p < 1e-4 ? "p < 0.0001" : `p = ${p.toFixed(4)}`), logrank);
    }
    // Every section a reader expects, visible.
    for (const id of ["enrollment", "groups", "endpoint-os", "endpoint-ttp_mrecist", "response", "safety"]) {
      assert.ok(await page.getByTestId(id).isVisible(), id);
    }
    assert.ok(await page.getByTestId("enrollment-chart").isVisible());
    await page.screenshot({ path: join(ARTIFACTS, `report-${lang}.png`), fullPage: true });
    const pdf = await print(page, `report-${lang}`);
    assert.ok(pdf.length > 20000, `PDF of ${pdf.length} bytes`);
    const pages = pdfPages(pdf);
    // A title page, one per endpoint, response, safety.
    assert.ok(pages >= 7, `${pages} pages`);
    await page.close();
  });

  test(`a patient's summary (${lang}) shows the patient's endpoints and prints`, async () => {
    const files = readdirSync(join(dir, lang, "patients"));
    assert.equal(files.length, 120, "one page per patient");
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await page.goto(pathToFileURL(join(dir, lang, "patients", `${SUBJECT}.html`)).href);
    assert.equal(await page.locator("html").getAttribute("lang"), tag);
    assert.match(await page.getByTestId("identification").textContent(), new RegExp(SUBJECT));
    const rows = await page
      .getByTestId("endpoints-table")
      .locator("tbody tr")
      .evaluateAll((rs) => rs.map((r) => r.cells[1].textContent));
    const days = ["pfs_mrecist_days", "pfs_recist11_days", "os_days", "ttp_mrecist_days"].map((k) => Number(endpoints[k]));
    assert.equal(rows.length, 4);
    rows.forEach((text, i) => {
      assert.ok(text.startsWith((days[i] / 30.4375).toFixed(1)), `${text} vs ${days[i]} days`);
      assert.ok(text.includes(`(${days[i]} `), text);
    });
    for (const id of ["baseline", "treatments", "responses", "adverse-events", "endpoints"]) {
      assert.ok(await page.getByTestId(id).isVisible(), id);
    }
    assert.ok(await page.getByTestId("timepoints-mrecist").isVisible());
    assert.ok((await page.getByTestId("adverse-events-table").locator("tbody tr").count()) > 0);
    await page.screenshot({ path: join(ARTIFACTS, `patient-${lang}.png`), fullPage: true });
    const pdf = await print(page, `patient-${lang}`);
    assert.ok(pdf.length > 10000 && pdfPages(pdf) > 1, `${pdfPages(pdf)} pages`);
    await page.close();
  });
}
