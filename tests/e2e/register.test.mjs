// Issue 2's vertical slice: register patients, reload, go offline, keep working.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addPatient, launch, listedIds, openApp, unlock, startServer, waitForServiceWorker } from "./harness.mjs";

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

test("patients persist across reloads and the app works offline", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await waitForServiceWorker(page);

  await addPatient(page, "HCC-001-0001");
  await page.reload();
  await openApp(page, server.url);
  assert.deepEqual(await listedIds(page), ["HCC-001-0001"]);

  await context.setOffline(true);
  await page.reload();
  await unlock(page);
  await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
  assert.deepEqual(await listedIds(page), ["HCC-001-0001"]);
  assert.match(await page.getByTestId("net").textContent(), /离线|Offline/);

  await addPatient(page, "hcc-001-0002");
  await page.reload();
  await unlock(page);
  await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
  assert.deepEqual(await listedIds(page), ["HCC-001-0001", "HCC-001-0002"]);

  // A closed tab loses nothing either.
  await page.close();
  const again = await context.newPage();
  await again.goto(server.url);
  await unlock(again);
  await again.getByTestId("add-patient").and(again.locator(":enabled")).waitFor();
  assert.deepEqual(await listedIds(again), ["HCC-001-0001", "HCC-001-0002"]);
  await context.close();
});

test("invalid input is refused in the chosen language and the typed value is kept", async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await openApp(page, server.url);

  await page.getByTestId("lang-en").click();
  await page.getByTestId("subject-id").fill("HCC-1-7");
  await page.getByTestId("add-patient").click();
  assert.equal(
    await page.getByTestId("error-subject_id").textContent(),
    "The site code must be three digits (e.g. HCC-001-0007).",
  );
  assert.equal(await page.getByTestId("subject-id").inputValue(), "HCC-1-7");

  await page.getByTestId("lang-zh-CN").click();
  assert.equal(await page.getByTestId("error-subject_id").textContent(), "中心编号须为三位数字（如 HCC-001-0007）。");
  assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
  assert.equal(await page.getByTestId("patient-count").textContent(), "0 名患者");
  await context.close();
});

test("storage use and persistence are shown", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await page.getByTestId("storage-usage").filter({ hasText: /used of/ }).waitFor();
  const persisted = await page.getByTestId("storage-persisted").textContent();
  assert.match(persisted, /^(Persistent|Not persistent)/);
  await context.close();
});
