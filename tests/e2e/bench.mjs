// Browser benchmark, run by `cargo xtask bench` (not a test; timings are printed, never
// asserted): the app's start-up rebuild of the state from IndexedDB with the demo study at 120
// and 2,000 patients (open, read and check every commit, fold: the number the app itself shows
// in its storage panel), loading the demo file through the app, validating and saving one
// labs form through the UI, and, on the sealed study database (encryption at rest): sealing an
// earlier clear database of that size on the first unlock, and unlocking (the passphrase's key
// derivation, then opening every sealed commit and folding) after a reload.
//
// Usage: node bench.mjs DEMO-120.json DEMO-2000.json  (files written by `ecrf demo`).
import { readFileSync } from "node:fs";
import { launch, openApp, PASSPHRASE, setUser, startServer, unlock, writeClearDatabase } from "./harness.mjs";

const files = process.argv.slice(2);
const server = await startServer();
const browser = await launch();

/** Reads the rebuild time and commit count from the storage panel once the app is ready. */
async function rebuildReading(page) {
  await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor({ timeout: 300000 });
  const text = await page.getByTestId("storage-commits").textContent();
  const m = text.match(/^(\d+) .* (\d+) ms$/);
  if (!m) throw new Error(`unexpected storage line: ${text}`);
  return { commits: Number(m[1]), ms: Number(m[2]) };
}

// `BENCH_ONLY=sealed` measures the sealed database only.
const only = process.env.BENCH_ONLY;
try {
  for (const file of only === "sealed" ? [] : files) {
    const demo = JSON.parse(readFileSync(file, "utf8"));
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    page.on("console", (m) => m.text().startsWith("ecrf:") && console.log(`  ${m.text()}`));
    // Load the file through the app's own demo-file input, as a user would.
    await openApp(page, server.url);
    await page.getByTestId("lang-en").click();
    const t0 = Date.now();
    await page.getByTestId("demo-file").setInputFiles(file);
    await page.getByTestId("demo-banner").waitFor({ timeout: 600000 });
    await page
      .getByTestId("patient-count")
      .filter({ hasText: `${demo.patients} patients` })
      .waitFor({ timeout: 600000 });
    console.log(`BENCH load_demo_file patients=${demo.patients} ms=${Date.now() - t0}`);
    const runs = [];
    for (let i = 0; i < 3; i++) {
      await page.reload();
      runs.push(await rebuildReading(page));
    }
    const best = Math.min(...runs.map((r) => r.ms));
    console.log(
      `BENCH rebuild_from_indexeddb patients=${demo.patients} commits=${runs[0].commits} ` +
        `best_ms=${best} runs_ms=${runs.map((r) => r.ms).join(",")}`,
    );

    // Validate and save one labs form through the UI (click to "saved"), best of 5.
    await setUser(page, "bench");
    await page.getByTestId("open-patient").first().click();
    const times = [];
    for (let i = 0; i < 5; i++) {
      await page.getByTestId("new-form-labs").click();
      await page.getByTestId("field-date").fill("2025-06-01");
      for (const [id, v] of Object.entries({ bili: "18.2", alb: "37.5", inr: "1.08", plt: "132", neut: "3.1", lym: "1.2" })) {
        await page.getByTestId(`field-${id}`).fill(v);
      }
      const t = await page.evaluate(
        () =>
          new Promise((ok) => {
            const start = performance.now();
            const observer = new MutationObserver(() => {
              const s = document.querySelector('[data-testid="form-status"]');
              if (s && /Saved/.test(s.textContent)) {
                observer.disconnect();
                ok(performance.now() - start);
              }
            });
            observer.observe(document.body, { subtree: true, childList: true, characterData: true });
            document.querySelector('[data-testid="save-form"]').click();
          }),
      );
      times.push(t);
      await page.getByTestId("back").click();
    }
    console.log(
      `BENCH save_labs_form patients=${demo.patients} best_ms=${Math.min(...times).toFixed(1)} ` +
        `runs_ms=${times.map((t) => t.toFixed(1)).join(",")}`,
    );
    // The analyses on the whole study (KM, log-rank, Cox crude/adjusted, IPTW, tumor
    // response), as the page reports its own computing time; best of 3.
    const analysis = [];
    for (let i = 0; i < 3; i++) {
      await page.getByTestId("nav-analyses").click();
      await page.getByTestId("compute").click();
      const line = page.getByTestId("analysis-time");
      await line.filter({ hasText: /ms/ }).waitFor({ timeout: 600000 });
      analysis.push(Number((await line.textContent()).match(/(\d+) ms/)[1]));
      await page.getByTestId("nav-patients").click();
    }
    console.log(`BENCH analyses patients=${demo.patients} best_ms=${Math.min(...analysis)} runs_ms=${analysis.join(",")}`);
    await context.close();
  }
  for (const file of files) {
    // The sealed study database: the same commits written first as an earlier version's clear
    // database, sealed by the first unlock; then unlock after a reload (through the snapshot),
    // best of 3.
    const demo = JSON.parse(readFileSync(file, "utf8"));
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    // Each line with the time since the last click on "Unlock".
    let clicked = Date.now();
    page.on(
      "console",
      (m) => m.text().startsWith("ecrf:") && console.log(`  +${Date.now() - clicked} ms ${m.text()}`),
    );
    page.on("crash", () => console.log("  the page crashed"));
    page.on("pageerror", (e) => console.log(`  page error: ${e.message}`));
    await page.goto(new URL("/manifest.webmanifest", server.url).href);
    // In slices: one message of 80,000 commits is more than the page takes.
    for (let i = 0; i < demo.commits.length; i += 5000) {
      await writeClearDatabase(page, demo.commits.slice(i, i + 5000));
    }
    await page.goto(server.url);
    // The first unlock reads every record; 2 s after it the app writes the sealed snapshot
    // that the unlocks after a reload read instead (`src/snapshot.rs`).
    const written = page.waitForEvent("console", {
      predicate: (m) => m.text().startsWith("ecrf: snapshot written"),
      timeout: 600000,
    });
    written.catch(() => {}); // awaited below; a failure before then is reported there
    const t0 = Date.now();
    // The harness's unlock waits a minute; sealing 80,000 commits on 2 cores may take longer.
    await page.getByTestId("vault-create").waitFor({ timeout: 30000 });
    await page.getByTestId("vault-user").fill("bench");
    await page.getByTestId("vault-passphrase").fill(PASSPHRASE);
    await page.getByTestId("vault-passphrase-again").fill(PASSPHRASE);
    await page.getByTestId("vault-submit").click();
    await page.locator('main[data-db="ready"]').waitFor({ timeout: 600000 });
    console.log(`BENCH seal_earlier_database patients=${demo.patients} commits=${demo.commits.length} ms=${Date.now() - t0}`);
    const t1 = Date.now();
    await written;
    console.log(`BENCH snapshot_written patients=${demo.patients} ms_after_unlock=${Date.now() - t1}`);
    const unlocks = [];
    const rebuilds = [];
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await page.getByTestId("vault-unlock").waitFor();
      await page.getByTestId("vault-user").fill("bench");
      await page.getByTestId("vault-passphrase").fill(PASSPHRASE);
      const t = Date.now();
      clicked = t;
      await page.getByTestId("vault-submit").click();
      await page.locator('main[data-db="ready"]').waitFor({ timeout: 600000 });
      unlocks.push(Date.now() - t);
      console.log(`  +${Date.now() - t} ms ready`);
      rebuilds.push((await rebuildReading(page)).ms);
    }
    console.log(
      `BENCH unlock_sealed patients=${demo.patients} best_ms=${Math.min(...unlocks)} runs_ms=${unlocks.join(",")} ` +
        `(of which open+fold best_ms=${Math.min(...rebuilds)}; the rest is PBKDF2 and drawing)`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
