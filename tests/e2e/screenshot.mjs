// Regenerates the README's screenshots: `node tests/e2e/screenshot.mjs` after a release build
// and a debug build of ecrf-server. Not a test.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { addPatient, CLI, launch, openApp, setUser, startServer } from "./harness.mjs";

const out = resolve(new URL(".", import.meta.url).pathname, "../../docs/assets");
const server = await startServer();
const browser = await launch();
try {
  {
    // The first screen of a new tablet: protect it with a passphrase.
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId("lang-zh-CN").click();
    await page.getByTestId("vault-create").waitFor();
    await page.getByTestId("vault-user").fill("李医生");
    await page.screenshot({ path: resolve(out, "lock-zh.png") });
    await context.close();
  }
  {
    // A study tablet signed in to the study's server (the study created with the CLI).
    const secrets = mkdtempSync(join(tmpdir(), "ecrf-shot-"));
    writeFileSync(join(secrets, "pass"), "screenshot passphrase\n", { mode: 0o600 });
    execFileSync(CLI, [
      "study", "init", "--server", server.url, "--setup-token-file", join(server.dataDir, "setup-token"),
      "--user", "dm.li", "--passphrase-file", join(secrets, "pass"),
    ]);
    rmSync(secrets, { recursive: true, force: true });
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await openApp(page, server.url);
    await page.getByTestId("lang-zh-CN").click();
    await setUser(page, "李医生");
    await addPatient(page, "HCC-001-0001");
    await page.getByTestId("sync-user").fill("dm.li");
    await page.getByTestId("sync-passphrase").fill("screenshot passphrase");
    await page.getByTestId("sync-sign-in").click();
    await page.getByTestId("sync-status").filter({ hasText: /^0 项修改尚未发送 · 上次交换/ }).waitFor({ timeout: 60000 });
    await page.getByTestId("sync").screenshot({ path: resolve(out, "sync-zh.png") });
    // The data manager's card, with a coordinator added.
    await page.getByTestId("lang-en").click();
    const card = page.getByTestId("admin-card");
    await card.getByTestId("admin-new-name").fill("coord.wang");
    await card.getByTestId("admin-new-passphrase").fill("temporary passphrase");
    await card.getByTestId("admin-new-passphrase-again").fill("temporary passphrase");
    await card.getByTestId("admin-add").click();
    await card.getByTestId("admin-done").waitFor({ timeout: 60000 });
    await card.screenshot({ path: resolve(out, "admin-en.png") });
    // Records on a USB stick (the study key open from the session).
    await page.getByTestId("carry-key").waitFor();
    await page.getByTestId("carry-card").screenshot({ path: resolve(out, "carry-en.png") });
    await context.close();
  }
  {
    // The demo study: the patient list, one patient's page, a form being entered.
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await openApp(page, server.url);
    await page.getByTestId("lang-zh-CN").click();
    await setUser(page, "李医生");
    await page.getByTestId("load-demo").click();
    await page.getByTestId("demo-banner").waitFor({ timeout: 60000 });
    await page.getByTestId("patient-count").filter({ hasText: "120" }).waitFor({ timeout: 60000 });
    await page.screenshot({ path: resolve(out, "patients-zh.png") });
    await page.getByTestId("lang-en").click();
    await page.getByTestId("patient-row").nth(7).click();
    await page.getByTestId("patient-page").waitFor();
    await page.screenshot({ path: resolve(out, "patient-en.png") });
    await page.getByTestId("new-form-labs").click();
    await page.getByTestId("lang-zh-CN").click();
    await page.getByTestId("field-date").fill("2025-05-06");
    await page.getByTestId("field-bili").fill("5000");
    await page.getByTestId("field-alb").fill("18");
    await page.screenshot({ path: resolve(out, "form-zh.png") });
    await context.close();
  }
  {
    // The printable study report of the demo study (as `ecrf export --format report` writes
    // it), its PFS section in print layout.
    const dir = mkdtempSync(join(tmpdir(), "ecrf-shot-report-"));
    execFileSync(CLI, ["demo", "--patients", "120", "--seed", "2026", "--out", join(dir, "demo.json")]);
    const context = await browser.newContext({ viewport: { width: 794, height: 1123 } });
    const page = await context.newPage();
    for (const lang of ["zh", "en"]) {
      execFileSync(CLI, ["export", "--commits", join(dir, "demo.json"), "--format", "report", "--out", join(dir, lang), "--lang", lang]);
      await page.goto(`file://${join(dir, lang, "report.html")}`);
      await page.emulateMedia({ media: "print" });
      await page.getByTestId("endpoint-pfs_mrecist").screenshot({ path: resolve(out, `report-${lang}.png`) });
    }
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [lang, file] of [["zh-CN", "analysis-zh.png"], ["en", "analysis-en.png"]]) {
    const context = await browser.newContext({ viewport: { width: 1024, height: 1366 } });
    const page = await context.newPage();
    await openApp(page, server.url);
    await page.getByTestId(`lang-${lang}`).click();
    await page.getByTestId("load-demo").click();
    await page.getByTestId("demo-banner").waitFor({ timeout: 60000 });
    await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
    await page.getByTestId("nav-analyses").click();
    await page.getByTestId("compute").click();
    await page.getByTestId("km-plot").waitFor();
    await page.screenshot({ path: resolve(out, file), fullPage: true });
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
