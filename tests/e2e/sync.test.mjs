// Issue 12: two tablets (two browser profiles) exchange their records through the study's
// server, sealed with the study's key; the server's files hold no patient value in the clear.
// The server speaks HTTPS with a certificate of a test authority that the browser trusts (as a
// tablet does once the study's authority is installed), and the command line is given with
// `--ca-cert`; a server stopped in the middle of an upload loses and duplicates nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addPatient, CLI, enrollPatient, field, launch, launchProfile, openApp, unlock, saveForm, setUser, startServer, waitForServiceWorker } from "./harness.mjs";

const PASSPHRASE = "ward round passphrase 2026";
let server;
let browser;
let secrets;

before(async () => {
  server = await startServer(undefined, { tls: true });
  assert.match(server.url, /^https:/);
  browser = await launch({ trust: server.caCert });
  secrets = mkdtempSync(join(tmpdir(), "ecrf-secrets-"));
  const pass = join(secrets, "dm.pass");
  writeFileSync(pass, `${PASSPHRASE}\n`, { mode: 0o600 });
  execFileSync(CLI, [
    "study", "init", "--server", server.url, "--ca-cert", server.caCert,
    "--setup-token-file", join(server.dataDir, "setup-token"),
    "--user", "dm.li", "--passphrase-file", pass,
  ]);
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(secrets, { recursive: true, force: true });
});

/** The data manager adds a user with a temporary passphrase (with the CLI). */
function addUser(name, role, temporary) {
  const temp = join(secrets, `${name}.temp`);
  writeFileSync(temp, `${temporary}\n`, { mode: 0o600 });
  execFileSync(CLI, [
    "user", "add", "--server", server.url, "--ca-cert", server.caCert, "--user", "dm.li",
    "--passphrase-file", join(secrets, "dm.pass"),
    "--name", name, "--role", role, "--temp-passphrase-file", temp,
  ]);
}

async function tablet(name) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openApp(page, server.url);
  await page.getByTestId("lang-en").click();
  await setUser(page, name);
  return { context, page };
}

async function signIn(page) {
  await page.getByTestId("nav-patients").click();
  await page.getByTestId("sync-user").fill("dm.li");
  await page.getByTestId("sync-passphrase").fill(PASSPHRASE);
  const before = await exchanges(page);
  await page.getByTestId("sync-sign-in").click();
  await page.getByTestId("sync-user-name").waitFor({ timeout: 60000 });
  await exchanged(page, before);
}

const exchanges = async (page) =>
  Number((await page.getByTestId("sync-status").getAttribute("data-exchanges")) ?? 0);

/** Waits for an exchange completed after `before` (a count of exchanges) with nothing left to
 * send. */
async function exchanged(page, before) {
  await page.waitForFunction(
    (n) => Number(document.querySelector("[data-testid=sync-status]")?.dataset.exchanges) > n,
    before,
    { timeout: 60000 },
  );
  await page
    .getByTestId("sync-status")
    .filter({ hasText: /^0 changes not yet sent · last exchange/ })
    .waitFor({ timeout: 60000 });
  assert.equal(await page.getByTestId("sync-error").count(), 0);
}

/** Sends and receives now, and waits for that exchange. */
async function exchangeNow(page) {
  await page.getByTestId("nav-patients").click();
  const before = await exchanges(page);
  await page.getByTestId("sync-now").click();
  await exchanged(page, before);
}

/** What the server's stored bodies give when inflated as if they were only compressed (they
 * must give nothing readable: they are sealed). */
function inflatedBodies() {
  const script = [
    "import sqlite3, sys, zlib",
    "con = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True)",
    "out = b''",
    "for (b,) in con.execute('select sealed_body from commits'):",
    "    d = zlib.decompressobj(-15)",
    "    try:",
    "        out += d.decompress(b, 1 << 20)",
    "    except zlib.error:",
    "        pass",
    "sys.stdout.buffer.write(out)",
  ].join("\n");
  return execFileSync("python3", ["-c", script, join(server.dataDir, "ecrf.sqlite")]);
}

function serverFilesContain(text) {
  const needle = Buffer.from(text);
  const walk = (dir) =>
    readdirSync(dir).some((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : readFileSync(p).includes(needle);
    });
  return walk(server.dataDir);
}

test("two tablets exchange sealed records, edits made offline conflict visibly and alike on both; a wrong passphrase is refused; the server holds nothing readable", async () => {
  const a = await tablet("Dr A");
  const b = await tablet("Dr B");
  // Served over HTTPS by a trusted authority: a secure context, so the offline app installs.
  assert.equal(await a.page.evaluate(() => window.isSecureContext), true);
  await a.page.waitForFunction(async () => Boolean(await navigator.serviceWorker.getRegistration()));

  // A enrolls a patient before signing in: it is only on A.
  await enrollPatient(a.page, "HCC-001-0301", "2026-11-02", "2026-11-03");
  await a.page.getByTestId("nav-patients").click();
  assert.match(await a.page.getByTestId("where-data-is").innerText(), /on this device only/);
  assert.match(await a.page.getByTestId("sync-status").innerText(), /^[1-9]\d* changes not yet sent · not yet exchanged/);

  // A wrong passphrase is a clear message, and nothing is sent.
  await a.page.getByTestId("sync-user").fill("dm.li");
  await a.page.getByTestId("sync-passphrase").fill("not the passphrase");
  await a.page.getByTestId("sync-sign-in").click();
  await a.page.getByTestId("sync-error").filter({ hasText: "wrong user name or passphrase" }).waitFor({ timeout: 60000 });
  const health = await server.getJson("/api/health");
  assert.equal(health.store.commits, 0, "nothing was sent with a wrong passphrase");

  await signIn(a.page);
  assert.match(await a.page.getByTestId("where-data-is").innerText(), /also on the study's server/);
  const row = a.page.getByTestId("patient-row").filter({ hasText: "HCC-001-0301" });
  assert.equal(await row.getByTestId("unsynced").locator(".badge").count(), 0, "no 'only on this device' badge once sent");

  // B receives A's patient, with its forms.
  await signIn(b.page);
  // Each commit's author (inside the sealed body) is checked against the study's users: what
  // A saved under a name that is no study account is flagged on both tablets, and kept. From
  // its sign-in on, A saves as its study account.
  for (const t of [a, b]) {
    assert.match(await t.page.getByTestId("unknown-author-names").innerText(), /^Dr A: [1-9]\d*$/);
  }
  assert.equal(await a.page.getByTestId("user-name").innerText(), "dm.li");
  await b.page.getByTestId("patient-row").filter({ hasText: "HCC-001-0301" }).click();
  await b.page.getByTestId("patient-page").waitFor();
  assert.equal(await b.page.getByTestId("patient-status").innerText(), await (async () => {
    await a.page.getByTestId("patient-row").filter({ hasText: "HCC-001-0301" }).click();
    return a.page.getByTestId("patient-status").innerText();
  })());

  // B registers another; A receives it at its next exchange.
  await addPatient(b.page, "HCC-001-0302");
  await exchangeNow(b.page);
  await exchangeNow(a.page);
  await a.page.getByTestId("patient-row").filter({ hasText: "HCC-001-0302" }).waitFor();

  // A reload keeps what was received and what is sent (nothing to send again). The study
  // account unlocks the tablet with its own passphrase (one identity, one passphrase).
  await a.page.reload();
  await unlock(a.page, "dm.li", PASSPHRASE);
  await a.page.getByTestId("user-name").filter({ hasText: "dm.li" }).waitFor();
  await a.page.getByTestId("patient-row").filter({ hasText: "HCC-001-0302" }).waitFor();
  assert.match(await a.page.getByTestId("sync-status").innerText(), /^0 changes not yet sent/);
  // The session (token and data key) lived in memory only: after a reload, sign in again.
  assert.equal(await a.page.getByTestId("sync-now").count(), 0);
  await signIn(a.page);

  // Both edit one field while offline: after the exchanges both show the same winner and the
  // same flagged conflict.
  const consent = async (t) => {
    await t.page.getByTestId("nav-patients").click();
    await t.page.getByTestId("patient-row").filter({ hasText: "HCC-001-0301" }).click();
    await t.page.locator("[data-testid=timeline-item][data-form=eligibility]").first().click();
    return field(t.page, "consent_date");
  };
  for (const [t, date] of [[a, "2026-11-01"], [b, "2026-10-31"]]) {
    await t.context.setOffline(true);
    await (await consent(t)).fill(date);
    await t.page.getByTestId("reason").fill("source document re-read");
    await saveForm(t.page);
  }
  for (const t of [a, b]) await t.context.setOffline(false);
  for (const t of [a, b, a]) await exchangeNow(t.page);
  const shown = [];
  for (const t of [a, b]) {
    await t.page.getByTestId("conflict-count").filter({ hasText: /^1$/ }).waitFor();
    shown.push(await (await consent(t)).inputValue());
  }
  assert.equal(shown[0], shown[1], "both tablets show the same winner");
  // Every later change was made as the study account: still only A's first name is flagged.
  await a.page.getByTestId("nav-patients").click();
  assert.match(await a.page.getByTestId("unknown-author-names").innerText(), /^Dr A: [1-9]\d*$/);
  assert.ok(["2026-11-01", "2026-10-31"].includes(shown[0]));

  // The server's files (database, WAL) hold no subject ID and no date typed into a form.
  const inflated = inflatedBodies();
  for (const value of ["HCC-001-0301", "HCC-001-0302", "2026-11-03", "2026-10-31", "Dr A", "source document"]) {
    assert.equal(serverFilesContain(value), false, `server files contain ${value}`);
    assert.equal(inflated.includes(Buffer.from(value)), false, `a stored body inflates to ${value}`);
  }
  await a.context.close();
  await b.context.close();
});

test("a user added with a temporary passphrase sets their own at the first sign-in on a tablet", async () => {
  addUser("coord.wang", "coordinator", "temporary 2026 pass");
  const c = await tablet("Coordinator Wang");
  const page = c.page;
  await page.getByTestId("sync-user").fill("coord.wang");
  await page.getByTestId("sync-passphrase").fill("temporary 2026 pass");
  await page.getByTestId("sync-sign-in").click();
  await page.getByTestId("sync-new-passphrase").waitFor({ timeout: 60000 });
  // Refused: too short, then two different ones; nothing is changed.
  await page.getByTestId("sync-new-passphrase").fill("short");
  await page.getByTestId("sync-new-passphrase-again").fill("short");
  await page.getByTestId("sync-change-passphrase").click();
  await page.getByTestId("sync-change-problem").filter({ hasText: "at least 8 characters" }).waitFor();
  await page.getByTestId("sync-new-passphrase").fill("wang's own passphrase");
  await page.getByTestId("sync-new-passphrase-again").fill("wang's own passphrasE");
  await page.getByTestId("sync-change-passphrase").click();
  await page.getByTestId("sync-change-problem").filter({ hasText: "differ" }).waitFor();
  const before = await exchanges(page);
  await page.getByTestId("sync-new-passphrase").fill("wang's own passphrase");
  await page.getByTestId("sync-new-passphrase-again").fill("wang's own passphrase");
  await page.getByTestId("sync-change-passphrase").click();
  await page.getByTestId("sync-user-name").filter({ hasText: "coord.wang" }).waitFor({ timeout: 60000 });
  await exchanged(page, before);
  // The study's records arrived; the temporary passphrase no longer opens, the new one does.
  await page.getByTestId("patient-row").filter({ hasText: "HCC-001-0301" }).waitFor();
  await page.getByTestId("sync-sign-out").click();
  await page.getByTestId("sync-user").fill("coord.wang");
  await page.getByTestId("sync-passphrase").fill("temporary 2026 pass");
  await page.getByTestId("sync-sign-in").click();
  await page.getByTestId("sync-error").filter({ hasText: "wrong user name or passphrase" }).waitFor({ timeout: 60000 });
  await page.getByTestId("sync-passphrase").fill("wang's own passphrase");
  await page.getByTestId("sync-sign-in").click();
  await page.getByTestId("sync-user-name").filter({ hasText: "coord.wang" }).waitFor({ timeout: 60000 });
  await c.context.close();
});

test("a monitor's tablet receives the study and says that it sends nothing", async () => {
  addUser("mon.zhao", "monitor", "monitor temporary pass");
  const m = await tablet("Monitor Zhao");
  const page = m.page;
  await page.getByTestId("sync-user").fill("mon.zhao");
  await page.getByTestId("sync-passphrase").fill("monitor temporary pass");
  await page.getByTestId("sync-sign-in").click();
  await page.getByTestId("sync-new-passphrase").fill("zhao's own passphrase");
  await page.getByTestId("sync-new-passphrase-again").fill("zhao's own passphrase");
  await page.getByTestId("sync-change-passphrase").click();
  await page.getByTestId("sync-read-only").filter({ hasText: "only receives" }).waitFor({ timeout: 60000 });
  await page.getByTestId("patient-row").filter({ hasText: "HCC-001-0302" }).waitFor({ timeout: 60000 });
  await m.context.close();
});

/** The number of commits the server holds. */
const storedOnServer = async () => (await server.getJson("/api/health")).store.commits;

/** How many changes the tablet's status says are not yet sent. */
async function unsent(page) {
  await page.getByTestId("nav-patients").click();
  const m = (await page.getByTestId("sync-status").innerText()).match(/^(\d+) changes? not yet sent/);
  assert.ok(m, "the status counts what is not yet sent");
  return Number(m[1]);
}

/**
 * Brings the tablet back online, which starts an exchange by itself, and stops the server once
 * it has answered the upload but before the tablet reads the answer (the server stored the
 * bundle; the tablet does not know it): the upload's response is held in the browser (the
 * DevTools Fetch domain), the server killed and started again, then `then(cdp, requestId)`
 * decides what the tablet sees.
 */
async function stopServerMidUpload(t, then) {
  const cdp = await t.context.newCDPSession(t.page);
  await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*/api/bundles", requestStage: "Response" }] });
  const paused = new Promise((ok) => cdp.once("Fetch.requestPaused", ok));
  await t.context.setOffline(false);
  const event = await paused;
  assert.equal(event.responseStatusCode, 200, "the server stored the bundle");
  await server.restart();
  await then(cdp, event.requestId);
}

test("a server stopped in the middle of an upload, a dropped connection and a tab closed mid-exchange lose and duplicate nothing", async () => {
  const t = await tablet("Dr C");
  await signIn(t.page);
  const start = await storedOnServer();

  // Registered offline, then the connection drops as the server answers the upload.
  await t.context.setOffline(true);
  await addPatient(t.page, "HCC-001-0311");
  await addPatient(t.page, "HCC-001-0312");
  const first = await unsent(t.page);
  assert.ok(first >= 2);
  await stopServerMidUpload(t, async (cdp, requestId) => {
    await cdp.send("Fetch.failRequest", { requestId, errorReason: "ConnectionReset" });
    await cdp.detach();
  });
  // The upload's answer was lost (an error is shown), but the same exchange's download found
  // the tablet's own commits on the restarted server: nothing is left to send, nothing twice.
  await t.page.getByTestId("sync-error").waitFor({ timeout: 60000 });
  assert.equal(await storedOnServer(), start + first, "the restarted server kept the bundle");
  assert.equal(await unsent(t.page), 0);
  await exchangeNow(t.page);
  assert.equal(await storedOnServer(), start + first);

  // The tab is closed before the answer arrives; a new tab, which does not know that the server
  // holds them, sends them again: the server acknowledges the repeats and stores nothing twice.
  await t.context.setOffline(true);
  await addPatient(t.page, "HCC-001-0313");
  const second = await unsent(t.page);
  await stopServerMidUpload(t, async () => {
    await t.page.close();
  });
  const page = await t.context.newPage();
  await page.goto(server.url);
  await unlock(page, "Dr C");
  await page.getByTestId("lang-en").click();
  assert.equal(await unsent(page), second);
  await signIn(page);
  assert.equal(await unsent(page), 0);
  assert.equal(await storedOnServer(), start + first + second, "every commit exactly once");

  // Another tablet receives each patient once.
  const d = await tablet("Dr D");
  await signIn(d.page);
  for (const id of ["HCC-001-0311", "HCC-001-0312", "HCC-001-0313"]) {
    assert.equal(await d.page.getByTestId("patient-row").filter({ hasText: id }).count(), 1, id);
  }
  await t.context.close();
  await d.context.close();
});

test("a server restored from a backup that lacks a tablet's latest commits gets them again in one exchange", async () => {
  const t = await tablet("Dr E");
  await signIn(t.page);
  await addPatient(t.page, "HCC-001-0331");
  await exchangeNow(t.page);
  assert.equal(await unsent(t.page), 0);
  // The server's database is backed up (SQLite's online backup), then receives more.
  const db = join(server.dataDir, "ecrf.sqlite");
  const backup = join(server.dataDir, "backup.sqlite");
  execFileSync("python3", ["-c", "import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))", db, backup]);
  const backedUp = await storedOnServer();
  await addPatient(t.page, "HCC-001-0332");
  await exchangeNow(t.page);
  assert.equal(await unsent(t.page), 0);
  const lost = (await storedOnServer()) - backedUp;
  assert.ok(lost >= 1);
  // The server is restored from the backup: it lacks what the tablet sent after it.
  await server.restart(() => {
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    writeFileSync(db, readFileSync(backup));
  });
  assert.equal(await storedOnServer(), backedUp);
  // The next exchange: the server names the sequence it expects, the tablet moves its tip back,
  // reads again what it had sent since, and sends it with the new change, at once.
  await addPatient(t.page, "HCC-001-0333");
  const added = await unsent(t.page);
  const before = await exchanges(t.page);
  await t.page.getByTestId("sync-now").click();
  await t.page.waitForFunction(
    (n) => Number(document.querySelector("[data-testid=sync-status]")?.dataset.exchanges) > n,
    before,
    { timeout: 60000 },
  );
  // The first exchange after the restore succeeds (no retry after an error is needed).
  assert.equal(await t.page.getByTestId("sync-error").count(), 0, "the first exchange succeeded");
  assert.equal(await unsent(t.page), 0);
  assert.equal(await storedOnServer(), backedUp + lost + added, "every commit exactly once");
  await t.context.close();
});

/** Signs in as `user` and waits for the answer: `sync-new-passphrase` (a temporary
 * passphrase), the signed-in name, or an error. */
async function signInAs(page, user, passphrase) {
  await page.getByTestId("nav-patients").click();
  await page.getByTestId("sync-user").fill(user);
  await page.getByTestId("sync-passphrase").fill(passphrase);
  await page.getByTestId("sync-sign-in").click();
  await page
    .getByTestId("sync-new-passphrase")
    .or(page.getByTestId("sync-user-name"))
    .or(page.getByTestId("sync-error"))
    .waitFor({ timeout: 60000 });
}

/** Chooses one's own passphrase after a sign-in with a temporary one. */
async function chooseOwn(page, passphrase) {
  await page.getByTestId("sync-new-passphrase").fill(passphrase);
  await page.getByTestId("sync-new-passphrase-again").fill(passphrase);
  await page.getByTestId("sync-change-passphrase").click();
  await page.getByTestId("sync-user-name").waitFor({ timeout: 60000 });
}

test("the data manager adds a user, resets a forgotten passphrase, and revokes a lost tablet and an account from the app", async () => {
  const dm = await tablet("Dr E");
  await signIn(dm.page);
  const card = dm.page.getByTestId("admin-card");
  const userRow = (name) => card.getByTestId("admin-user").filter({ has: dm.page.locator(`td:text-is("${name}")`) });
  await userRow("dm.li").waitFor();
  assert.match(await userRow("dm.li").innerText(), /data manager\s+active/);
  assert.equal(await userRow("dm.li").getByTestId("admin-revoke-user").count(), 0, "not one's own account");

  // Refused on the tablet before anything is sent: a name with a space, a short passphrase.
  await card.getByTestId("admin-new-name").fill("inv chen");
  await card.getByTestId("admin-new-passphrase").fill("chen temporary 1");
  await card.getByTestId("admin-new-passphrase-again").fill("chen temporary 1");
  await card.getByTestId("admin-add").click();
  await card.getByTestId("admin-error").filter({ hasText: "no spaces" }).waitFor();
  await card.getByTestId("admin-new-name").fill("inv.chen");
  await card.getByTestId("admin-new-role").selectOption("investigator");
  await card.getByTestId("admin-new-passphrase").fill("short");
  await card.getByTestId("admin-new-passphrase-again").fill("short");
  await card.getByTestId("admin-add").click();
  await card.getByTestId("admin-error").filter({ hasText: "at least 8 characters" }).waitFor();
  assert.equal(await userRow("inv.chen").count(), 0);
  await card.getByTestId("admin-new-passphrase").fill("chen temporary 1");
  await card.getByTestId("admin-new-passphrase-again").fill("chen temporary 1");
  await card.getByTestId("admin-add").click();
  await card.getByTestId("admin-done").filter({ hasText: "Added inv.chen" }).waitFor({ timeout: 60000 });
  assert.match(await userRow("inv.chen").innerText(), /investigator\s+temporary passphrase/);
  // The same name again: the server's refusal, in words.
  await card.getByTestId("admin-new-name").fill("inv.chen");
  await card.getByTestId("admin-new-passphrase").fill("chen temporary 2");
  await card.getByTestId("admin-new-passphrase-again").fill("chen temporary 2");
  await card.getByTestId("admin-add").click();
  await card.getByTestId("admin-error").waitFor({ timeout: 60000 });

  // Chen signs in on a tablet with the temporary passphrase and chooses their own.
  const c = await tablet("Dr Chen");
  await signInAs(c.page, "inv.chen", "chen temporary 1");
  await chooseOwn(c.page, "chen's own passphrase");
  // Signed in, the tablet's saves name the study account.
  await c.page.getByTestId("user-name").filter({ hasText: "inv.chen" }).waitFor();
  await card.getByTestId("admin-refresh").click();
  await userRow("inv.chen").filter({ hasText: "active" }).waitFor();
  assert.equal(await c.page.getByTestId("admin-card").count(), 0, "only the data manager sees the card");

  // Chen forgot it: the data manager gives a new temporary passphrase; the old one is refused.
  await userRow("inv.chen").getByTestId("admin-reset").click();
  await card.getByTestId("admin-reset-passphrase").fill("chen reset 2026");
  await card.getByTestId("admin-reset-passphrase-again").fill("chen reset 2026");
  await card.getByTestId("admin-reset-submit").click();
  await card.getByTestId("admin-done").filter({ hasText: "New temporary passphrase set for inv.chen" }).waitFor({ timeout: 60000 });
  await userRow("inv.chen").filter({ hasText: "temporary passphrase" }).waitFor();
  await c.page.getByTestId("sync-sign-out").click();
  // Signed out, they name again who unlocked the tablet.
  await c.page.getByTestId("user-name").filter({ hasText: "Dr Chen" }).waitFor();
  await signInAs(c.page, "inv.chen", "chen's own passphrase");
  await c.page.getByTestId("sync-error").filter({ hasText: "wrong user name or passphrase" }).waitFor();
  await signInAs(c.page, "inv.chen", "chen reset 2026");
  await chooseOwn(c.page, "chen's second passphrase");

  // Chen's tablet is lost: revoked (after a confirmation), its next exchange is refused.
  await card.getByTestId("admin-refresh").click();
  const device = card.getByTestId("admin-device").filter({ hasText: "inv.chen" });
  await device.waitFor();
  await device.getByTestId("admin-revoke-device").click();
  await device.getByTestId("admin-confirm").filter({ hasText: "lost or stolen" }).waitFor();
  await device.getByTestId("admin-confirm-revoke").click();
  await card.getByTestId("admin-done").filter({ hasText: "Revoked" }).waitFor({ timeout: 60000 });
  await device.getByTestId("admin-device-status").filter({ hasText: "revoked" }).waitFor();
  // Its session ended at once: the next exchange is refused and asks for a sign-in, which is
  // refused for this tablet even with a valid passphrase.
  await c.page.getByTestId("sync-now").click();
  await c.page.getByTestId("sync-user").waitFor({ timeout: 60000 });
  await signInAs(c.page, "inv.chen", "chen's second passphrase");
  await c.page.getByTestId("sync-error").filter({ hasText: "revoked" }).waitFor();

  // Chen goes on with another tablet, signed in as the account.
  const other = await tablet("Dr Chen");
  await signInAs(other.page, "inv.chen", "chen's second passphrase");
  await other.page.getByTestId("user-name").filter({ hasText: "inv.chen" }).waitFor();

  // The account is revoked: its session ends at once (saves name again who unlocked the
  // tablet), no sign-in anywhere, and the account no longer unlocks that tablet.
  await userRow("inv.chen").getByTestId("admin-revoke-user").click();
  await userRow("inv.chen").getByTestId("admin-confirm-revoke").click();
  await userRow("inv.chen").getByTestId("admin-user-status").filter({ hasText: "revoked" }).waitFor({ timeout: 60000 });
  await other.page.getByTestId("sync-now").click();
  await other.page.getByTestId("sync-user").waitFor({ timeout: 60000 });
  await other.page.getByTestId("user-name").filter({ hasText: "Dr Chen" }).waitFor();
  await signInAs(other.page, "inv.chen", "chen's second passphrase");
  await other.page.getByTestId("sync-error").filter({ hasText: "revoked" }).waitFor();
  await other.page.getByTestId("lock").click();
  await other.page.getByTestId("vault-user").fill("inv.chen");
  await other.page.getByTestId("vault-passphrase").fill("chen's second passphrase");
  await other.page.getByTestId("vault-submit").click();
  await other.page.getByText("This tablet has no key for this name").waitFor({ timeout: 60000 });
  await unlock(other.page, "Dr Chen");

  // The card speaks Chinese too.
  await dm.page.getByTestId("lang-zh-CN").click();
  await card.getByRole("heading", { name: "研究用户与设备" }).waitFor();
  assert.match(await userRow("inv.chen").innerText(), /研究者\s+已停用/);
  for (const t of [dm, c, other]) await t.context.close();
});

test("a site with no network carries its records on a USB stick: a bundle file sealed with the study key, imported on another tablet, sent on exactly once", async () => {
  const files = mkdtempSync(join(tmpdir(), "ecrf-usb-"));
  // The tablet of a site with no network signed in once (with network) and keeps the key record.
  const f = await tablet("Dr F");
  await signIn(f.page);
  // A mistyped passphrase at a later sign-in keeps that record.
  await f.page.getByTestId("sync-sign-out").click();
  await signInAs(f.page, "dm.li", "a mistyped passphrase");
  await f.page.getByTestId("sync-error").filter({ hasText: "wrong user name or passphrase" }).waitFor();
  await f.context.setOffline(true);
  await f.page.reload();
  await unlock(f.page, "Dr F");
  await addPatient(f.page, "HCC-001-0401");
  await f.page.getByTestId("nav-patients").click();
  const fCard = f.page.getByTestId("carry-card");
  // Without network: the study key opens from the kept record, with the passphrase.
  await fCard.getByTestId("carry-user").fill("dm.li");
  await fCard.getByTestId("carry-passphrase").fill("not the passphrase");
  await fCard.getByTestId("carry-open").click();
  await fCard.getByTestId("carry-error").filter({ hasText: "Wrong passphrase" }).waitFor({ timeout: 60000 });
  await fCard.getByTestId("carry-user").fill("nobody.here");
  await fCard.getByTestId("carry-passphrase").fill(PASSPHRASE);
  await fCard.getByTestId("carry-open").click();
  await fCard.getByTestId("carry-error").filter({ hasText: "keeps no key for this study user" }).waitFor();
  await fCard.getByTestId("carry-user").fill("dm.li");
  await fCard.getByTestId("carry-passphrase").fill(PASSPHRASE);
  await fCard.getByTestId("carry-open").click();
  await fCard.getByTestId("carry-key").waitFor({ timeout: 60000 });
  const waiting = await unsent(f.page);
  assert.ok(waiting >= 1);
  const [download] = await Promise.all([f.page.waitForEvent("download"), fCard.getByTestId("carry-save").click()]);
  assert.match(download.suggestedFilename(), /^ecrf-tab-[0-9a-f]+-\d{8}-\d{4}\.ecsb$/);
  const file = join(files, download.suggestedFilename());
  await download.saveAs(file);
  await fCard.getByTestId("carry-done").filter({ hasText: `${waiting} records saved in` }).waitFor();
  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(0, 4).toString("latin1"), "ECSB");
  assert.equal(bytes.includes(Buffer.from("HCC-001-0401")), false, "the file holds nothing readable");

  // A tablet with network imports it: refused whole when altered, cut off or of another study.
  const g = await tablet("Dr G");
  await signIn(g.page);
  const gCard = g.page.getByTestId("carry-card");
  const start = await storedOnServer();
  const variants = {
    altered: Buffer.from(bytes).fill(bytes[bytes.length - 1] ^ 1, bytes.length - 1),
    cut: bytes.subarray(0, bytes.length - 7),
    study: Buffer.concat([bytes.subarray(0, 6), Buffer.alloc(16, 7), bytes.subarray(22)]),
  };
  for (const [name, content] of Object.entries(variants)) {
    const path = join(files, `${name}.ecsb`);
    writeFileSync(path, content);
    await gCard.getByTestId("carry-import").setInputFiles(path);
    await gCard.getByTestId("carry-error").filter({ hasText: name === "study" ? "another study" : "not a readable bundle" }).waitFor();
    assert.equal(await g.page.getByTestId("patient-row").filter({ hasText: "HCC-001-0401" }).count(), 0, name);
  }
  await gCard.getByTestId("carry-import").setInputFiles(file);
  await gCard.getByTestId("carry-done").filter({ hasText: `${waiting} records in the file, new on this tablet: ${waiting}` }).waitFor();
  await g.page.getByTestId("patient-row").filter({ hasText: "HCC-001-0401" }).waitFor();
  await gCard.getByTestId("carry-import").setInputFiles(file);
  await gCard.getByTestId("carry-done").filter({ hasText: "new on this tablet: 0" }).waitFor();
  // Sent on at G's next exchange (relayed: authored by F's device), exactly once.
  await exchangeNow(g.page);
  assert.equal(await storedOnServer(), start + waiting);
  // When F's site gets network, its own exchange stores nothing twice.
  await f.context.setOffline(false);
  await signIn(f.page);
  assert.equal(await storedOnServer(), start + waiting);

  // F's tablet is then lost and revoked, but a file it made offline before reaches G: G's own
  // changes still go (one author device per bundle), F's are refused with the reason shown.
  await f.context.setOffline(true);
  await addPatient(f.page, "HCC-001-0403");
  await f.page.getByTestId("nav-patients").click();
  const [second] = await Promise.all([f.page.waitForEvent("download"), fCard.getByTestId("carry-save").click()]);
  const secondFile = join(files, `second-${second.suggestedFilename()}`);
  await second.saveAs(secondFile);
  const fDevice = second.suggestedFilename().match(/^ecrf-(tab-[0-9a-f]+)-/)[1];
  execFileSync(CLI, [
    "device", "revoke", "--server", server.url, "--ca-cert", server.caCert, "--user", "dm.li",
    "--passphrase-file", join(secrets, "dm.pass"), "--device", fDevice,
  ]);
  const afterFirst = await storedOnServer();
  await g.context.setOffline(true);
  await addPatient(g.page, "HCC-001-0404");
  const gOwn = await unsent(g.page);
  await g.page.getByTestId("nav-patients").click();
  await gCard.getByTestId("carry-import").setInputFiles(secondFile);
  await gCard.getByTestId("carry-done").waitFor();
  await g.context.setOffline(false);
  await g.page.getByTestId("sync-now").click();
  await g.page.getByTestId("sync-error").filter({ hasText: `${fDevice}` }).filter({ hasText: "device_revoked" }).waitFor({ timeout: 60000 });
  for (let i = 0; i < 20 && (await storedOnServer()) < afterFirst + gOwn; i++) await g.page.waitForTimeout(500);
  assert.equal(await storedOnServer(), afterFirst + gOwn, "G's own changes were sent, F's refused");
  for (const t of [f, g]) await t.context.close();
  rmSync(files, { recursive: true, force: true });
});

/** Whether the Background Sync hand-off holds unsent changes (never creating its database). */
const handedOff = (page) =>
  page.evaluate(
    async () =>
      (await indexedDB.databases()).some((d) => d.name === "ecrf-background") &&
      new Promise((ok) => {
        const open = indexedDB.open("ecrf-background");
        open.onerror = () => ok(false);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("handoff")) {
            db.close();
            return ok(false);
          }
          const get = db.transaction("handoff").objectStore("handoff").get("pending");
          get.onsuccess = () => {
            db.close();
            ok(Boolean(get.result));
          };
        };
      }),
  );

test("changes saved offline are sent by the service worker when the network returns, after the tab was closed (Background Sync)", async () => {
  // A real profile: Background Sync is off in incognito contexts.
  const profile = await launchProfile({ trust: server.caCert });
  const context = profile.context;
  try {
    let page = context.pages()[0] ?? (await context.newPage());
    await page.setViewportSize({ width: 1024, height: 768 });
    await openApp(page, server.url, "Dr H");
    await page.getByTestId("lang-en").click();
    await waitForServiceWorker(page);
    // A coordinator (a data manager's token, which also opens the admin API, is never left at
    // rest, and a monitor sends nothing).
    addUser("coord.bg", "coordinator", "coordinator temporary");
    const before = await exchanges(page);
    await signInAs(page, "coord.bg", "coordinator temporary");
    await chooseOwn(page, "coordinator's own phrase");
    await exchanged(page, before);
    const start = await storedOnServer();

    await context.setOffline(true);
    await addPatient(page, "HCC-001-0501");
    const waiting = await unsent(page);
    assert.ok(waiting >= 1);
    await (async () => {
      for (let i = 0; i < 60 && !(await handedOff(page)); i++) await page.waitForTimeout(500);
    })();
    assert.equal(await handedOff(page), true, "handed to the service worker a few seconds after the save");
    const tags = await page.evaluate(async () => (await navigator.serviceWorker.ready).sync.getTags());
    assert.deepEqual(tags, ["ecrf-outbox"]);
    // The hand-off holds sealed bundles only.
    const handoff = await page.evaluate(
      () =>
        new Promise((ok) => {
          const open = indexedDB.open("ecrf-background");
          open.onsuccess = () => {
            const get = open.result.transaction("handoff").objectStore("handoff").get("pending");
            get.onsuccess = () => {
              const bytes = get.result.bundles.flatMap((b) => Array.from(b));
              open.result.close();
              ok({ bytes, keys: Object.keys(get.result).sort() });
            };
          };
        }),
    );
    assert.deepEqual(handoff.keys, ["bundles", "created", "key", "study", "token"]);
    const bytes = Buffer.from(handoff.bytes);
    assert.equal(bytes.subarray(0, 4).toString("latin1"), "ECSB");
    assert.equal(bytes.includes(Buffer.from("HCC-001-0501")), false);

    // The tab is closed; the network returns; the browser fires the sync event (dispatched here
    // through DevTools, as Chromium does on reconnection).
    const other = await context.newPage();
    await other.goto(new URL("/manifest.webmanifest", server.url).href).catch(() => {});
    await page.close();
    await context.setOffline(false);
    const cdp = await context.newCDPSession(other);
    const registered = new Promise((ok) =>
      cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
        const r = registrations.find((x) => x.scopeURL.startsWith(server.url) && !x.isDeleted);
        if (r) ok(r.registrationId);
      }),
    );
    await cdp.send("ServiceWorker.enable");
    const registrationId = await registered;
    await cdp.send("ServiceWorker.dispatchSyncEvent", {
      origin: new URL(server.url).origin,
      registrationId,
      tag: "ecrf-outbox",
      lastChance: false,
    });
    for (let i = 0; i < 60 && (await storedOnServer()) < start + waiting; i++) await other.waitForTimeout(500);
    assert.equal(await storedOnServer(), start + waiting, "the service worker sent them, once");

    // The app's next start takes the acknowledgements: nothing left to send, before any sign-in.
    page = other;
    await page.goto(server.url);
    await unlock(page, "Dr H");
    await page.getByTestId("lang-en").click();
    assert.equal(await unsent(page), 0);
    assert.equal(await handedOff(page), false);
    const again = await exchanges(page);
    await signInAs(page, "coord.bg", "coordinator's own phrase");
    await exchanged(page, again);
    assert.equal(await storedOnServer(), start + waiting);
  } finally {
    await profile.close();
  }
});
