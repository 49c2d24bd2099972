// Issue 11 item 2: real addresses. Back, forward, reload and a shared link land where the user
// was, offline too; leaving a form with unsaved changes by the back gesture asks first.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { enrollPatient, field, launch, openApp, unlock, startServer, waitForServiceWorker } from "./harness.mjs";

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

const path = (page) => new URL(page.url()).pathname;

test("back, forward, reload and a shared link keep the user's place, offline too", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await waitForServiceWorker(page);
  await page.getByTestId("lang-en").click();
  await enrollPatient(page, "HCC-001-0911", "2026-11-02", "2026-11-03");
  assert.equal(path(page), "/patients/HCC-001-0911");
  await page.locator("[data-testid=timeline-item][data-form=eligibility]").first().click();
  await page.locator('[data-testid="form-page"][data-form="eligibility"]').waitFor();
  const formPath = path(page);
  assert.match(formPath, /^\/patients\/HCC-001-0911\/forms\/eligibility\/[^/]+$/);

  // Back to the patient, forward to the form (the values are the saved ones).
  await page.goBack();
  await page.getByTestId("patient-page").waitFor();
  assert.equal(path(page), "/patients/HCC-001-0911");
  await page.goForward();
  await page.locator('[data-testid="form-page"][data-form="eligibility"]').waitFor();
  assert.equal(await field(page, "enrollment_date").inputValue(), "2026-11-03");

  // Reload, and the same address opened in another tab (a shared link), offline.
  await context.setOffline(true);
  await page.reload();
  await unlock(page);
  await page.locator('[data-testid="form-page"][data-form="eligibility"]').waitFor();
  assert.equal(path(page), formPath);
  assert.equal(await field(page, "enrollment_date").inputValue(), "2026-11-03");
  const shared = await context.newPage();
  await shared.goto(page.url());
  await unlock(shared);
  await shared.locator('[data-testid="form-page"][data-form="eligibility"]').waitFor();
  await shared.close();

  // Every main page has its own address that survives a reload.
  for (const [nav, address, ready] of [
    ["nav-safety", "/safety", "safety"],
    ["nav-analyses", "/analyses", "compute"],
    ["nav-conflicts", "/conflicts", "nav-conflicts"],
    ["nav-patients", "/", "add-patient"],
  ]) {
    await page.getByTestId(nav).click();
    assert.equal(path(page), address);
    await page.reload();
    await unlock(page);
    await page.getByTestId(ready).waitFor();
    assert.equal(path(page), address);
  }

  // Back from a form with unsaved changes asks; staying keeps the form and its address.
  await page.getByTestId("patient-row").filter({ hasText: "HCC-001-0911" }).click();
  await page.locator("[data-testid=timeline-item][data-form=eligibility]").first().click();
  await page.locator('[data-testid="form-page"][data-form="eligibility"]').waitFor();
  await field(page, "consent_date").fill("2026-11-01");
  const asked = new Promise((resolve) =>
    page.once("dialog", async (d) => {
      await d.dismiss();
      resolve(d.message());
    }),
  );
  await page.evaluate(() => history.back());
  assert.match(await asked, /unsaved|未保存/i);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('[data-testid="form-page"]').count(), 1);
  assert.equal(path(page), formPath);
  assert.equal(await field(page, "consent_date").inputValue(), "2026-11-01");

  // An unknown address shows the patient list.
  await page.goto(new URL("/no/such/page", server.url).href);
  await unlock(page);
  await page.getByTestId("add-patient").waitFor();
  await context.close();
});
