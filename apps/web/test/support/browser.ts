// Headless Debian Chromium for the browser tests, and a console watcher that collects CSP
// violations, page errors and failed requests. Every context of the launched browser reads and
// formats like the practices' own browsers (es-EC, America/Guayaquil) unless a test says otherwise.
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";

/** The locale and time zone of a practice's browser in Ecuador: every context's default. */
export const PRACTICE_BROWSER = { locale: "es-EC", timezoneId: "America/Guayaquil" } as const satisfies BrowserContextOptions;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function chromiumPresent(): boolean {
  const present = existsSync(CHROMIUM_PATH);
  if (!present && process.env.CI === "true") {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: browser tests cannot be skipped under CI (apt-get install -y chromium)`);
  }
  return present;
}

/**
 * Chromium whose contexts (and pages from browser.newPage()) default to `defaults` — the practice's
 * locale and zone; options given to newContext() still win.
 */
export async function launchChromium(defaults: BrowserContextOptions = PRACTICE_BROWSER): Promise<Browser> {
  // launch() gives every run a fresh temporary profile (user-data dir), removed on close.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  // newPage() creates its context through newContext(), so both get the defaults.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options?: BrowserContextOptions) => newContext({ ...defaults, ...options });
  return browser;
}

/** React's hydration failures, as the production build reports them (minified) and as development does. */
export const HYDRATION_ERROR = /Minified React error #(?:418|419|421|422|423|425)\b|Hydration failed|hydrating|did not match|Text content does not match|server rendered HTML didn't match/i;

/** Collects React hydration errors and any uncaught page error of `page` into `problems`. */
export function watchHydration(page: Page, problems: string[]): void {
  page.on("console", (msg) => {
    if (msg.type() === "error" && HYDRATION_ERROR.test(msg.text())) problems.push(`console.error ${page.url()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error ${page.url()}: ${err.message}`));
}

/** Collects console errors/warnings, page errors and failed requests of `page` into `problems`. */
export function watch(page: Page, problems: string[]): void {
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`console.${msg.type()} ${page.url()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error ${page.url()}: ${err.message}`));
  page.on("requestfailed", (req) => {
    // A prefetch or route-discovery request cut short by the next navigation or a closed page is not a failure.
    if (req.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
}

/** Problems other than the expected answers of rejected forms (400/401/409 document loads). */
/**
 * Opens `url` (the login page, or a page that sends there) and submits the Spanish sign-in form as
 * `user`; the caller waits for where it lands.
 */
export async function submitSignIn(page: Page, url: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Correo electrónico").fill(user.email);
  await page.getByLabel("Contraseña").fill(user.password);
  await page.getByRole("button", { name: "Ingresar" }).click();
}

export function unexpectedProblems(problems: string[], expectedStatuses: number[] = [400, 401, 409]): string[] {
  const statuses = new RegExp(`status of (${expectedStatuses.join("|")})`);
  return problems.filter((p) => !statuses.test(p));
}

/**
 * Saves a full-page screenshot to docs/screenshots/<name>.png when RM_SCREENSHOTS=1
 * (`npm run screenshots`), so the README's pictures come from the browser tests themselves.
 * Normal runs leave the tracked files alone.
 */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.RM_SCREENSHOTS !== "1") return;
  const { fileURLToPath } = await import("node:url");
  const path = fileURLToPath(new URL(`../../../../docs/screenshots/${name}.png`, import.meta.url));
  // A long form is shown by its first screens (fullPage: false with a taller viewport).
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
}

/**
 * axe-core's serious and critical violations on the page as it is now, one line each (rule and
 * elements), so a failing assertion says what to fix. Needs script execution in the page.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const { createRequire } = await import("node:module");
  const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> } };
    const result = await w.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

/**
 * What the staff layout scrolls sideways on a phone (decision 035): the navigation row, and every
 * table that does not stack (in its own box or a `.table-scroll`). What is inside may be wider.
 */
export const PHONE_SCROLL_REGIONS = ".app-nav ul, table:not(.stack), .table-scroll";

export interface At360Options {
  /** Also fail on elements whose own content is wider than they are (scrollWidth > clientWidth), fields and screen-reader-only text aside. */
  strict?: boolean;
  /** More regions meant to scroll sideways (code snippets…) than PHONE_SCROLL_REGIONS: what is inside them may be wider. */
  scrollInside?: string;
  /** Open the page from the HTML `page` holds with its scripts removed, as a reader without JavaScript got it (default: load the URL again). */
  withoutScripts?: boolean;
}

/**
 * The page as a phone shows it: the same URL (same session) at 360 × 800 with scripts on, which axe
 * needs; no serious axe violation, and nothing wider than the screen (the first overflowing elements
 * are the assertion's message).
 */
export async function expectUsableAt360(browser: Browser, page: Page, options: At360Options = {}): Promise<void> {
  const { expect } = await import("vitest");
  const phone = await browser.newContext({ viewport: { width: 360, height: 800 }, storageState: await page.context().storageState() });
  try {
    const p = await phone.newPage();
    if (options.withoutScripts) {
      // Navigate to the page's origin first so relative URLs and cookies resolve, then take its HTML without scripts.
      await p.route("**/*", (route) => (route.request().isNavigationRequest() ? route.fulfill({ contentType: "text/html", body: "" }) : route.continue()));
      await p.goto(page.url());
      await p.unroute("**/*");
      await p.setContent((await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, ""));
    } else {
      await p.goto(page.url());
    }
    expect(await seriousAxeViolations(p), page.url()).toEqual([]);
    const wide = await p.evaluate(
      ({ strict, scrollInside }) =>
        [...document.querySelectorAll("body *")]
          .filter((e) => !e.classList.contains("visually-hidden") && !(scrollInside && e.parentElement?.closest(scrollInside)))
          // A region meant to scroll is wider inside than its box by design; its box must still fit.
          .filter((e) => e.getBoundingClientRect().right > 360 || (strict && !["INPUT", "TEXTAREA"].includes(e.tagName) && !(scrollInside && e.matches(scrollInside)) && e.scrollWidth > e.clientWidth + 1))
          .map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)} ${e.scrollWidth}/${e.clientWidth} ${(e.textContent ?? "").slice(0, 40)}`)
          .slice(0, 8),
      { strict: options.strict ?? false, scrollInside: [PHONE_SCROLL_REGIONS, options.scrollInside].filter(Boolean).join(", ") },
    );
    expect(wide, page.url()).toEqual([]);
    if (!options.withoutScripts) expect(await p.evaluate(() => document.documentElement.scrollWidth), page.url()).toBeLessThanOrEqual(360);
  } finally {
    await phone.close();
  }
}
