// The PWA shell: manifest, installability, and a new deployment offered as "reload to update".
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  addPatient,
  copyDist,
  launch,
  launchProfile,
  listedIds,
  openApp,
  startServer,
  unlock,
  waitForServiceWorker,
} from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the manifest is served, parses, and the app is installable", async () => {
  const server = await startServer();
  const profile = await launchProfile();
  try {
    const context = profile.context;
    const page = await context.newPage();
    const res = await page.request.get(`${server.url}/manifest.webmanifest`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()["content-type"], /^application\/manifest\+json/);
    const manifest = await res.json();
    assert.equal(manifest.display, "standalone");
    assert.equal(manifest.start_url, "/");
    const sizes = manifest.icons.map((i) => `${i.sizes}/${i.purpose}`);
    assert.deepEqual(sizes.sort(), ["192x192/any", "512x512/any", "512x512/maskable"]);
    for (const icon of manifest.icons) {
      const img = await page.request.get(server.url + icon.src);
      assert.equal(img.status(), 200, icon.src);
      assert.equal(img.headers()["content-type"], "image/png");
    }
    await openApp(page, server.url);
    await waitForServiceWorker(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    assert.deepEqual(installabilityErrors, []);
    const { url, errors } = await cdp.send("Page.getAppManifest");
    assert.equal(url, `${server.url}/manifest.webmanifest`);
    assert.deepEqual(errors, []);
  } finally {
    await profile.close();
    await server.stop();
  }
});

test("a new build is offered as reload-to-update, keeps the data and drops the old cache", async () => {
  const dist = copyDist();
  const server = await startServer(dist);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openApp(page, server.url);
    await waitForServiceWorker(page);
    await addPatient(page, "HCC-003-0001");
    const oldBuild = await page.getByTestId("build").textContent();
    assert.match(oldBuild, /^[0-9a-f]{16}$/);
    assert.equal(await page.getByTestId("update-banner").count(), 0);

    // Deploy a "new version": the service worker names another build.
    const sw = join(dist, "sw.js");
    const newBuild = "feedfacecafebeef";
    writeFileSync(sw, readFileSync(sw, "utf8").replace(`"${oldBuild}"`, `"${newBuild}"`));
    writeFileSync(
      join(dist, "index.html"),
      readFileSync(join(dist, "index.html"), "utf8").replace(oldBuild, newBuild),
    );
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.getByTestId("update-banner").waitFor();

    await Promise.all([page.waitForEvent("load"), page.getByTestId("update-banner").getByRole("button").click()]);
    await unlock(page);
    await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
    assert.equal(await page.getByTestId("build").textContent(), newBuild);
    assert.deepEqual(await listedIds(page), ["HCC-003-0001"]);
    const caches = await page.evaluate(() => caches.keys());
    assert.deepEqual(caches, [`ecrf-shell-${newBuild}`]);
    await context.close();
  } finally {
    await server.stop();
    rmSync(dist, { recursive: true, force: true });
  }
});
