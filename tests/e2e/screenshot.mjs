// Regenerates the README's screenshots: `node tests/e2e/screenshot.mjs` after a release build
// and a debug build of ecrf-server. Not a test.
import { resolve } from "node:path";
import { addPatient, launch, openApp, startServer } from "./harness.mjs";

const out = resolve(new URL(".", import.meta.url).pathname, "../../docs/assets");
const server = await startServer();
const browser = await launch();
try {
  for (const [lang, file] of [["zh-CN", "register-zh.png"], ["en", "register-en.png"]]) {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await openApp(page, server.url);
    await page.getByTestId(`lang-${lang}`).click();
    if (lang === "zh-CN") {
      await addPatient(page, "HCC-001-0001", "2023-03-27");
      await addPatient(page, "HCC-001-0002", "2023-04-10");
      await addPatient(page, "HCC-002-0001", "2023-05-02");
    }
    await page.getByTestId("storage-usage").filter({ hasText: /\d/ }).waitFor();
    await page.screenshot({ path: resolve(out, file) });
    await context.close();
  }
  for (const [lang, file] of [["zh-CN", "analysis-zh.png"], ["en", "analysis-en.png"]]) {
    const context = await browser.newContext({ viewport: { width: 1024, height: 1366 } });
    const page = await context.newPage();
    await openApp(page, server.url);
    await page.getByTestId(`lang-${lang}`).click();
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
