// Shared pieces of the end-to-end tests: start the real ecrf-server on a free loopback port over
// a build of the app, launch Debian's Chromium through playwright-core, and stop both after.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get as httpsGet } from "node:https";
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

/**
 * Starts ecrf-server on 127.0.0.1 with a fresh data folder; resolves once it listens.
 *
 * With `tls: true` the server speaks HTTPS only, with a certificate from a test certificate
 * authority that `ecrf-server tls init` makes in the data folder (`server.caCert`: its PEM file;
 * `launch({ trust: server.caCert })` gives a Chromium that trusts it, the CLI takes it as
 * `--ca-cert`). `server.restart()` stops the process (SIGKILL: as a power cut would) and starts
 * it again on the same address and data folder.
 */
export async function startServer(staticDir = DIST, { tls = false } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "ecrf-data-"));
  const tlsArgs = [];
  let caCert;
  if (tls) {
    execFileSync(SERVER, ["tls", "init", "--data-dir", dataDir, "--host", "127.0.0.1", "--host", "localhost"], {
      stdio: "ignore",
    });
    const dir = join(dataDir, "tls");
    caCert = join(dir, "ca.pem");
    tlsArgs.push("--tls-cert", join(dir, "server.pem"), "--tls-key", join(dir, "server-key.pem"));
  }
  let proc;
  let exited;
  const spawnAt = async (addr) => {
    proc = spawn(
      SERVER,
      ["--addr", addr, "--print-addr", "--data-dir", dataDir, "--static-dir", staticDir, ...tlsArgs],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: "warn" } },
    );
    const child = proc;
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    exited = new Promise((ok) => child.on("exit", ok));
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start: ${stderr}`)), 20000);
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const line = out.split("\n")[0];
        if (out.includes("\n")) {
          clearTimeout(timer);
          ok(line.trim());
        }
      });
      child.on("exit", (code) => fail(new Error(`server exited (${code}): ${stderr}`)));
      child.on("error", (err) => {
        clearTimeout(timer);
        fail(new Error(`cannot start ${SERVER}: ${err.message}`));
      });
    });
  };
  const addr = await spawnAt("127.0.0.1:0");
  return {
    url: `${tls ? "https" : "http"}://${addr}`,
    dataDir,
    caCert,
    /** GETs `path` of the server and parses the JSON answer (trusting the test authority). */
    async getJson(path) {
      const url = new URL(path, `${tls ? "https" : "http"}://${addr}`);
      if (!tls) return (await fetch(url)).json();
      return new Promise((ok, fail) => {
        httpsGet(url, { ca: readFileSync(caCert) }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => {
            try {
              ok(JSON.parse(body));
            } catch (e) {
              fail(e);
            }
          });
        }).on("error", fail);
      });
    },
    /** Kills the process at once and starts it again on the same address and data folder,
     * after `meanwhile()` (say, putting back a backup of its database). */
    async restart(meanwhile = () => {}) {
      proc.kill("SIGKILL");
      await exited;
      await meanwhile();
      await spawnAt(addr);
    },
    async stop() {
      proc.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A home folder whose NSS database trusts the CA certificate `trust` (a PEM file), made with
 * NSS's `certutil`: Chromium on Linux reads its trusted authorities from there. */
function trustingHome(trust) {
  const home = mkdtempSync(join(tmpdir(), "ecrf-home-"));
  const nssdb = `sql:${join(home, ".pki", "nssdb")}`;
  mkdirSync(join(home, ".pki", "nssdb"), { recursive: true });
  execFileSync("certutil", ["-N", "-d", nssdb, "--empty-password"]);
  execFileSync("certutil", ["-A", "-d", nssdb, "-n", "ecrf test authority", "-t", "C,,", "-i", trust]);
  return home;
}

/**
 * Launches headless Chromium. With `trust` (a CA certificate's PEM file), Chromium trusts that
 * authority, as a tablet does once the study's authority is installed.
 */
export async function launch({ trust } = {}) {
  if (!trust) {
    return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
  }
  const home = trustingHome(trust);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, HOME: home },
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    rmSync(home, { recursive: true, force: true });
  };
  return browser;
}

/** Launches Chromium with a real (non-incognito) profile, as installability and Background
 * Sync need (`trust` as for `launch`); returns the context and a function that closes it and
 * removes the profile. */
export async function launchProfile({ trust } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "ecrf-profile-"));
  const home = trust ? trustingHome(trust) : undefined;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    ...(home ? { env: { ...process.env, HOME: home } } : {}),
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (home) rmSync(home, { recursive: true, force: true });
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

/** Writes `commits` (and `meta` records) into the study database as an earlier version kept it:
 * `ecrf-study`, schema 3, commits in the clear (the app seals it into its sealed database on the
 * next unlock). The page must be on the app's origin. */
export async function writeClearDatabase(page, commits, meta = []) {
  await page.evaluate(
    async ({ commits, meta }) => {
      const open = indexedDB.open("ecrf-study", 3);
      open.onupgradeneeded = () => {
        const db = open.result;
        db.createObjectStore("patients", { keyPath: "subject_id" }).createIndex("by_enrollment", "enrollment_date");
        db.createObjectStore("meta", { keyPath: "key" });
        db.createObjectStore("commits", { keyPath: "id" }).createIndex("by_device", "device");
      };
      const db = await new Promise((ok) => (open.onsuccess = () => ok(open.result)));
      await new Promise((ok, fail) => {
        const tx = db.transaction(["commits", "meta"], "readwrite");
        for (const c of commits) tx.objectStore("commits").put(c);
        for (const m of meta) tx.objectStore("meta").put(m);
        tx.oncomplete = ok;
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    },
    { commits, meta },
  );
}
