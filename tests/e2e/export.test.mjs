// The exports made on the tablet: for the data manager and in the demo study; the files equal
// those `ecrf export` makes from the same commits; a patient's printable summary for everyone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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

/** The files of a zip, by name (read with Python's zipfile, on every CI machine). */
function unzip(path) {
  const script = "import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({n: z.read(n).decode('utf-8') for n in z.namelist()}))";
  return JSON.parse(execFileSync("python3", ["-c", script, path], { maxBuffer: 1 << 28 }).toString());
}

test("the demo study's exports are made on the tablet and equal ecrf export's", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ecrf-export-e2e-"));
  const demo = join(dir, "demo.json");
  execFileSync(CLI, ["demo", "--patients", "120", "--seed", "2026", "--out", demo]);
  execFileSync(CLI, ["export", "--commits", demo, "--format", "adam", "--out", join(dir, "adam")]);
  execFileSync(CLI, ["export", "--commits", demo, "--format", "csv", "--out", join(dir, "csv"), "--lang", "zh", "--bom"]);
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, acceptDownloads: true });
  const page = await context.newPage();
  try {
    await openApp(page, server.url);
    await page.getByTestId("lang-en").click();
    // The study's tablet, not signed in as data manager: no exports.
    await page.getByTestId("nav-analyses").click();
    await page.getByTestId("export-not-allowed").waitFor();
    assert.equal(await page.getByTestId("export-adam").count(), 0);
    await page.getByTestId("nav-patients").click();
    await page.getByTestId("load-demo").click();
    await page.getByTestId("demo-banner").waitFor({ timeout: 60000 });
    await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
    await page.getByTestId("nav-analyses").click();
    const save = async (id) => {
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 120000 }), page.getByTestId(id).click()]);
      const path = join(dir, download.suggestedFilename());
      await download.saveAs(path);
      await page.getByTestId("export-done").filter({ hasText: download.suggestedFilename() }).waitFor();
      return { name: download.suggestedFilename(), path };
    };
    const adam = await save("export-adam");
    assert.match(adam.name, /^adam-\d{4}-\d\d-\d\d\.zip$/);
    const files = unzip(adam.path);
    assert.deepEqual(Object.keys(files).sort(), ["adae.csv", "adlb.csv", "adrs.csv", "adsl.csv", "adtte.csv", "define.csv"]);
    for (const [name, text] of Object.entries(files)) {
      assert.equal(text, readFileSync(join(dir, "adam", name), "utf8"), name);
    }
    // CSV per form, in Chinese with the byte-order mark, as `ecrf export --lang zh --bom`.
    await page.getByTestId("lang-zh-CN").click();
    await page.getByTestId("export-bom").check();
    const csv = unzip((await save("export-csv")).path);
    assert.ok(Object.keys(csv).length >= 12);
    for (const [name, text] of Object.entries(csv)) {
      assert.equal(text, readFileSync(join(dir, "csv", name), "utf8"), name);
    }
    await page.getByTestId("lang-en").click();
    const odm = readFileSync((await save("export-odm")).path, "utf8");
    assert.match(odm, /^<\?xml/);
    assert.ok(odm.includes('ODMVersion="1.3.2"') && odm.includes("<AuditRecord"));
    const report = readFileSync((await save("export-report")).path, "utf8");
    const analyze = JSON.parse(execFileSync(CLI, ["analyze", "--commits", demo]).toString());
    for (const c of analyze.survival.curves) {
      if (c.median.estimate !== null) assert.ok(report.includes(c.median.estimate.toFixed(1)), c.group);
    }
    // A patient's printable summary, on the patient's page.
    await page.getByTestId("nav-patients").click();
    await page.getByTestId("patient-row").filter({ hasText: "HCC-001-0002" }).click();
    const [summary] = await Promise.all([page.waitForEvent("download"), page.getByTestId("patient-summary").click()]);
    assert.equal(summary.suggestedFilename(), "HCC-001-0002.html");
    const summaryPath = join(dir, "summary.html");
    await summary.saveAs(summaryPath);
    assert.match(readFileSync(summaryPath, "utf8"), /HCC-001-0002/);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
