// Two tabs (or a tab and the installed window) of one device: saves are serialised by the Web
// Lock, each continues the device's chain from its stored head, and each tab follows the other's
// saves through the BroadcastChannel. Before this, the second tab forked the chain and a reload
// lost its patient.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addPatient, launch, listedIds, openApp, unlock, startServer } from "./harness.mjs";

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

/** Every stored commit's (device, sequence), read straight from IndexedDB (the clear keys of
 * the sealed records). */
function storedChain(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("ecrf-study-sealed");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction("sealed").objectStore("sealed").getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            resolve(all.result.map((c) => `${c.device}#${c.seq}`));
            db.close();
          };
        };
      }),
  );
}

test("two tabs of one device saving alternately never fork the chain or lose a patient", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const a = await context.newPage();
  await openApp(a, server.url);
  const b = await context.newPage();
  await openApp(b, server.url);
  const ids = ["HCC-001-0201", "HCC-001-0202", "HCC-001-0203", "HCC-001-0204"];
  for (const [i, id] of ids.entries()) {
    await addPatient(i % 2 === 0 ? a : b, id);
  }
  // Each tab shows the other's patients without a reload.
  for (const page of [a, b]) {
    await page.getByTestId("nav-patients").click();
    for (const id of ids) {
      await page.getByTestId("patient-row").filter({ hasText: id }).waitFor({ timeout: 10000 });
    }
  }
  // One chain: no (device, sequence) twice, sequences 1..n without a gap.
  const chain = await storedChain(a);
  assert.equal(new Set(chain).size, chain.length, `forked chain: ${chain.join(", ")}`);
  const seqs = chain.map((k) => Number(k.split("#")[1])).sort((x, y) => x - y);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
  // After a reload, both tabs still list every patient.
  for (const page of [a, b]) {
    await page.reload();
    await unlock(page);
    await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
    await page.getByTestId("patient-row").first().waitFor();
    assert.deepEqual((await listedIds(page)).filter((id) => ids.includes(id)).sort(), ids);
  }
  await context.close();
});
