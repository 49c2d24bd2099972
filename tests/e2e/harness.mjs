// Shared pieces of the end-to-end tests: start the real ecrf-server on a free loopback port over
// a build of the app, launch Debian's Chromium through playwright-core, and stop both after.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const here = new URL(".", import.meta.url).pathname;
export const DIST = process.env.ECRF_DIST ?? resolve(here, "../../dist");
const SERVER = process.env.ECRF_SERVER_BIN ?? resolve(here, "../../target/debug/ecrf-server");
/** The `ecrf` command line (the data manager creates the study with it). */
export const CLI = process.env.ECRF_CLI_BIN ?? resolve(here, "../../target/debug/ecrf");

// Chromium's own network chatter is refused on this machine; these flags keep it quiet.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

/** A private copy of the build, so a test may change it (a "new deployment"). */
export function copyDist() {
  const dir = mkdtempSync(join(tmpdir(), "ecrf-dist-"));
  cpSync(DIST, dir, { recursive: true });
  return dir;
}

/** Starts ecrf-server on 127.0.0.1 with a fresh data folder; resolves once it listens. */
export async function startServer(staticDir = DIST) {
  const dataDir = mkdtempSync(join(tmpdir(), "ecrf-data-"));
  const proc = spawn(
    SERVER,
    ["--addr", "127.0.0.1:0", "--print-addr", "--data-dir", dataDir, "--static-dir", staticDir],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: "warn" } },
  );
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  const addr = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${stderr}`)), 20000);
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        clearTimeout(timer);
        ok(line.trim());
      }
    });
    proc.on("exit", (code) => fail(new Error(`server exited (${code}): ${stderr}`)));
    proc.on("error", (err) => {
      clearTimeout(timer);
      fail(new Error(`cannot start ${SERVER}: ${err.message}`));
    });
  });
  const exited = new Promise((ok) => proc.on("exit", ok));
  return {
    url: `http://${addr}`,
    dataDir,
    async stop() {
      proc.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium. */
export function launch() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

/** Launches Chromium with a real (non-incognito) profile, as installability needs; returns the
 * context and a function that closes it and removes the profile. */
export async function launchProfile() {
  const profile = mkdtempSync(join(tmpdir(), "ecrf-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the service worker controls the page (the shell is then precached). */
export async function waitForServiceWorker(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener("controllerchange", ok, { once: true }));
    }
  });
}

/** The passphrase the tests protect the tablet with. */
export const PASSPHRASE = "correct horse battery";

/** Passes the lock screen of the study's (sealed) database: protects the tablet with `user`'s
 * passphrase on first use, else unlocks it. Nothing to do on the demo database (synthetic data,
 * not sealed). Returns once the study is loaded. */
export async function unlock(page, user = "Dr Test", passphrase = PASSPHRASE) {
  await page.waitForLoadState("domcontentloaded");
  const demo = await page.evaluate(() => localStorage.getItem("ecrf.mode") === "demo");
  if (demo) return;
  const create = page.getByTestId("vault-create");
  const open = page.getByTestId("vault-unlock");
  await create.or(open).waitFor({ timeout: 30000 });
  await page.getByTestId("vault-user").fill(user);
  await page.getByTestId("vault-passphrase").fill(passphrase);
  if (await create.isVisible()) {
    await page.getByTestId("vault-passphrase-again").fill(passphrase);
  }
  await page.getByTestId("vault-submit").click();
  await page.locator('main[data-db="ready"]').waitFor({ timeout: 60000 });
}

/** Opens the app, passes the lock screen and waits until its database is ready. */
export async function openApp(page, url, user = "Dr Test") {
  await page.goto(url);
  await unlock(page, user);
  await page.getByTestId("add-patient").and(page.locator(":enabled")).waitFor();
}

/** Makes `name` the user entering data. On the demo database: the local profile's name. On the
 * study's (sealed) database the user is who unlocked it: `name` is added to this tablet (their
 * own passphrase) and the study is locked and unlocked as them; the page stays where it was.
 * Without `name`, only a user not yet named is named (as "Dr Test"). */
export async function setUser(page, name) {
  const input = page.getByTestId("user-input");
  if (await input.isVisible()) {
    await input.fill(name ?? "Dr Test");
    await page.getByTestId("user-save").click();
    await page.getByTestId("user-name").waitFor();
    return;
  }
  // Without a name: only name the user when nobody is named (the sealed study always has one).
  const current = page.getByTestId("user-name");
  if (name === undefined || !(await current.isVisible()) || (await current.textContent()) === name) return;
  await page.getByTestId("add-user-open").click();
  await page.getByTestId("add-user-name").fill(name);
  await page.getByTestId("add-user-passphrase").fill(PASSPHRASE);
  await page.getByTestId("add-user-passphrase-again").fill(PASSPHRASE);
  await page.getByTestId("add-user-submit").click();
  await page.getByTestId("add-user-done").waitFor({ timeout: 60000 });
  await page.getByTestId("lock").click();
  await unlock(page, name);
  await page.getByTestId("user-name").filter({ hasText: name }).waitFor();
}

/** Registers a patient (subject ID only; the app opens the eligibility form next), then returns
 * to the list and waits for the row. */
export async function addPatient(page, id) {
  await page.getByTestId("nav-patients").click();
  await setUser(page);
  await page.getByTestId("subject-id").fill(id);
  await page.getByTestId("add-patient").click();
  await page.locator('[data-testid="form-page"][data-form="eligibility"]').waitFor();
  await page.getByTestId("nav-patients").click();
  await page.getByTestId("patient-row").filter({ hasText: id.toUpperCase() }).waitFor();
}

/** Registers a patient and saves an eligibility form enrolling them (consent and enrollment
 * dates given), ending on the patient's page. English UI assumed for the save message. */
export async function enrollPatient(page, id, consent, enrollment) {
  const field = (f) => page.getByTestId(`field-${f}`);
  await addPatient(page, id);
  await page.getByTestId("patient-row").filter({ hasText: id }).click();
  await page.getByTestId("open-form-eligibility").click();
  for (const f of ["unresectable", "measurable_lesion", "child_pugh_ok", "ecog_ok", "planned_combination"]) {
    await field(f).selectOption("yes");
  }
  await field("diagnosis_basis").selectOption("histology");
  await field("consent_date").fill(consent);
  await field("enrollment_date").fill(enrollment);
  await page.getByTestId("save-form").click();
  await page.getByTestId("form-status").filter({ hasText: "Saved on this device" }).waitFor();
  await page.getByTestId("back").click();
  await page.getByTestId("patient-page").waitFor();
}

/** The subject IDs in the list, in order. */
export async function listedIds(page) {
  return page.getByTestId("open-patient").allTextContents();
}

/** A field of the form on screen, by its id in the study definition. */
export const field = (page, id) => page.getByTestId(`field-${id}`);

/** Saves the form on screen and waits for the status that says how it went. */
export async function saveForm(page, expected = "Saved on this device") {
  await page.getByTestId("save-form").click();
  await page.getByTestId("form-status").filter({ hasText: expected }).waitFor();
}
