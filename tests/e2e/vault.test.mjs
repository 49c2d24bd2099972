// Encryption at rest: the study's records on the tablet are sealed under a key only a user's
// passphrase opens; the lock screen, its refusals and waits, locking now and after inactivity,
// and an earlier unencrypted database sealed on the first unlock then deleted.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, enrollPatient, launch, listedIds, PASSPHRASE, startServer, unlock, writeClearDatabase } from "./harness.mjs";

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

/** Every IndexedDB database of the origin, every record of every store, as text (bytes are
 * written as their length only: a sealed record cannot hide text from this search). */
function everythingStored(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((ok, fail) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => ok(open.result);
        open.onerror = () => fail(open.error);
      });
      for (const store of db.objectStoreNames) {
        const all = await new Promise((ok) => (db.transaction(store).objectStore(store).getAll().onsuccess = (e) => ok(e.target.result)));
        out[`${name}/${store}`] = JSON.stringify(all, (_, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
      }
      db.close();
    }
    return out;
  });
}

test("a new tablet is protected with a passphrase and stores nothing of a patient in the clear", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByTestId("lang-en").click();
  await page.getByTestId("vault-create").waitFor();
  // Nothing but the lock screen (and the demo) before the tablet is protected; no word of
  // earlier records on a new tablet.
  assert.equal(await page.getByTestId("add-patient").count(), 0);
  assert.equal(await page.getByTestId("vault-earlier").count(), 0);
  const create = async (pass, again) => {
    await page.getByTestId("vault-user").fill("Dr Test");
    await page.getByTestId("vault-passphrase").fill(pass);
    await page.getByTestId("vault-passphrase-again").fill(again);
    await page.getByTestId("vault-submit").click();
  };
  await create("short", "short");
  await page.getByTestId("vault-error").filter({ hasText: "at least 8 characters" }).waitFor();
  await create(PASSPHRASE, `${PASSPHRASE}!`);
  await page.getByTestId("vault-error").filter({ hasText: "differ" }).waitFor();
  await create(PASSPHRASE, PASSPHRASE);
  await page.getByTestId("lock-screen").waitFor({ state: "detached", timeout: 60000 });
  await page.getByTestId("user-name").filter({ hasText: "Dr Test" }).waitFor();
  await enrollPatient(page, "HCC-001-0777", "2026-09-29", "2026-09-30");
  const stored = await everythingStored(page);
  assert.deepEqual(Object.keys(stored).sort(), ["ecrf-study-sealed/meta", "ecrf-study-sealed/sealed"]);
  assert.match(stored["ecrf-study-sealed/sealed"], /<\d+ bytes>/);
  for (const [where, text] of Object.entries(stored)) {
    for (const secret of ["HCC-001-0777", "0777", "2026-09-30", "eligibility", "enrollment_date"]) {
      assert.ok(!text.includes(secret), `${secret} is readable in ${where}`);
    }
  }
  await context.close();
});

test("unlocking: wrong passphrases are refused and then slowed down; lock now and after inactivity", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(server.url);
  await unlock(page, "Dr Wu");
  await enrollPatient(page, "HCC-001-0778", "2026-09-29", "2026-09-30");
  await page.reload();
  await page.getByTestId("lang-en").click();
  await page.getByTestId("vault-unlock").waitFor();
  assert.equal(await page.getByTestId("vault-user").inputValue(), "Dr Wu");
  const attempt = async (user, pass) => {
    await page.getByTestId("vault-user").fill(user);
    await page.getByTestId("vault-passphrase").fill(pass);
    await page.getByTestId("vault-submit").click();
    await page.getByTestId("vault-submit").and(page.locator(":enabled")).waitFor({ timeout: 60000 });
    return page.getByTestId("vault-error").textContent();
  };
  assert.equal(await attempt("Dr Wu", "not the passphrase"), "Wrong passphrase.");
  assert.match(await attempt("Someone", PASSPHRASE), /no key for this name/);
  // The third failure in a row: the next try must wait; the wait outlives a reload.
  assert.match(await attempt("Dr Wu", "still not it"), /try again in \(seconds\): 2$/);
  await page.reload();
  assert.match(await attempt("Dr Wu", PASSPHRASE), /^Too many wrong passphrases: try again in \(seconds\): [12]$/);
  await page.clock.fastForward(3000);
  await unlock(page, "Dr Wu");
  await page.getByTestId("nav-patients").click();
  await page.getByTestId("patient-row").first().waitFor();
  assert.deepEqual(await listedIds(page), ["HCC-001-0778"]);
  // Lock now.
  await page.getByTestId("lock").click();
  await page.getByTestId("vault-unlock").waitFor();
  assert.equal(await page.getByTestId("patient-row").count(), 0);
  await unlock(page, "Dr Wu");
  // Locks itself after the chosen minutes without a tap; 5 minutes here.
  await page.getByTestId("auto-lock").selectOption("5");
  await page.clock.fastForward("04:00");
  assert.equal(await page.getByTestId("lock-screen").count(), 0);
  await page.clock.fastForward("01:30");
  await page.getByTestId("vault-unlock").waitFor();
  await unlock(page, "Dr Wu");
  assert.equal(await page.getByTestId("auto-lock").inputValue(), "5");
  await context.close();
});

test("records of an earlier unencrypted version are sealed on the first unlock and the clear database deleted", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ecrf-vault-"));
  const file = join(dir, "old.json");
  execFileSync(CLI, ["demo", "--patients", "3", "--seed", "5", "--device", "tab-old", "--out", file]);
  const { commits } = JSON.parse(readFileSync(file, "utf8"));
  rmSync(dir, { recursive: true, force: true });
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  // The database an earlier version wrote (schema 3, commits in the clear), on the app's origin.
  await page.goto(new URL("/manifest.webmanifest", server.url).href);
  await writeClearDatabase(page, commits, [{ key: "device", value: "tab-old" }]);
  await page.goto(server.url);
  await page.getByTestId("lang-en").click();
  await page.getByTestId("vault-earlier").filter({ hasText: "records saved by an earlier version" }).waitFor();
  await unlock(page);
  await page.getByTestId("sealed-count").filter({ hasText: `${commits.length} records from the earlier version encrypted` }).waitFor();
  assert.deepEqual(await listedIds(page), ["HCC-001-0001", "HCC-001-0002", "HCC-001-0003"]);
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort());
  assert.deepEqual(names, ["ecrf-study-sealed"]);
  const stored = await everythingStored(page);
  assert.ok(!stored["ecrf-study-sealed/sealed"].includes("HCC-001-0001"));
  await context.close();
});

test("locking in one window locks every window of the app on the tablet", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const a = await context.newPage();
  await a.goto(server.url);
  await unlock(a, "Dr Lin");
  const b = await context.newPage();
  await b.goto(server.url);
  await unlock(b, "Dr Lin");
  await b.getByTestId("user-name").filter({ hasText: "Dr Lin" }).waitFor();
  await a.getByTestId("lock").click();
  await a.getByTestId("vault-unlock").waitFor();
  await b.getByTestId("vault-unlock").waitFor();
  assert.equal(await b.getByTestId("patient-row").count(), 0);
  await context.close();
});

test("a stored record damaged in the browser's files is set aside: the study still opens with the rest, and says so", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByTestId("lang-en").click();
  await unlock(page, "Dr Test");
  await enrollPatient(page, "HCC-001-0421", "2026-11-02", "2026-11-03");
  await enrollPatient(page, "HCC-001-0422", "2026-11-02", "2026-11-03");
  // The last byte of one sealed record is flipped in IndexedDB (AES-GCM's tag no longer holds).
  const damaged = await page.evaluate(async () => {
    const db = await new Promise((ok) => (indexedDB.open("ecrf-study-sealed").onsuccess = (e) => ok(e.target.result)));
    const store = db.transaction("sealed", "readwrite").objectStore("sealed");
    const all = await new Promise((ok) => (store.getAll().onsuccess = (e) => ok(e.target.result)));
    const record = all[0];
    record.sealed[record.sealed.length - 1] ^= 1;
    await new Promise((ok) => (store.put(record).onsuccess = ok));
    db.close();
    return record.id;
  });
  await page.reload();
  await unlock(page, "Dr Test");
  await page.getByTestId("nav-patients").click();
  await page.getByTestId("set-aside").waitFor();
  assert.match(await page.getByTestId("set-aside-ids").innerText(), new RegExp(damaged));
  assert.match(await page.getByTestId("set-aside").innerText(), /^Records that do not open on this tablet.*: 1 /);
  // It was saved here: the card says that what follows it may not be sendable.
  await page.getByTestId("set-aside-own").waitFor();
  assert.doesNotMatch(await page.getByTestId("where-data-is").innerText(), /also on the study's server/);
  // Everything else is there: the patients are listed, and a new save is kept (its chain goes
  // on after the record set aside) and survives a reload.
  const ids = await listedIds(page);
  assert.ok(ids.includes("HCC-001-0421") || ids.includes("HCC-001-0422"), ids.join(","));
  await enrollPatient(page, "HCC-001-0423", "2026-11-04", "2026-11-05");
  await page.reload();
  await unlock(page, "Dr Test");
  await page.getByTestId("nav-patients").click();
  assert.ok((await listedIds(page)).includes("HCC-001-0423"));
  assert.match(await page.getByTestId("set-aside").innerText(), /^Records that do not open on this tablet.*: 1 /);
  await context.close();
});
