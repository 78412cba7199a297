import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { e2eServer } from "../playwright.config";
import { typeCard } from "./support/card";

// The Content-Security-Policy pages send in Stripe mode lets Stripe.js do what the Payment
// Element and the bank's check (3-D Secure) need, with no violation. A second server runs
// beside the e2e one, in Stripe mode with test keys, its `PORCHLIGHT_STRIPE_JS_URL` pointing at
// its own sandbox's Stripe.js-shaped script (the sandbox's routes are served in either mode), and
// its Stripe API at a closed loopback port (nothing here calls it). Its pages therefore carry the
// Stripe-mode policy (Stripe's origins plus the stand-in's, here our own), and the script,
// card frame and bank frame loaded under it are the sandbox's. Stripe's own origins are checked
// in the browser too: requests to them are answered by Playwright, never sent.

type Violation = { directive: string; blocked: string; frame: string };

declare global {
  interface Window {
    __violations?: Violation[];
  }
}

const PUBLISHABLE_KEY = "pk_test_51E2eCspOnly000";
let server: ChildProcess | undefined;
let base = "";
let log = "";

/** A free loopback port. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

test.beforeAll(async ({}, testInfo) => {
  // One run is enough: the policy does not depend on the screen.
  test.skip(testInfo.project.name !== "desktop", "checked once, on the desktop project");
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const work = path.join(path.dirname(e2eServer.work), "e2e-stripe-csp");
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  server = spawn(e2eServer.binary, ["serve"], {
    cwd: work,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      PORCHLIGHT_DATABASE_URL: `sqlite://${work}/porchlight.db`,
      PORCHLIGHT_PUBLIC_URL: base,
      PORCHLIGHT_OUTBOX_DIR: `${work}/outbox`,
      PORCHLIGHT_SECRET: "e2e-stripe-csp-secret-0123456789abcdef0123",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_OUTPUT_NAME: "porchlight",
      LEPTOS_ENV: "PROD",
      PORCHLIGHT_GATEWAY: "stripe",
      PORCHLIGHT_STRIPE_SECRET_KEY: "sk_test_51E2eCspOnly000",
      PORCHLIGHT_STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
      PORCHLIGHT_STRIPE_WEBHOOK_SECRET: "whsec_E2eCspOnly000",
      PORCHLIGHT_STRIPE_API_URL: "http://127.0.0.1:9",
      PORCHLIGHT_STRIPE_JS_URL: `${base}/gateway/js/v3/stripe.js`,
      RUST_LOG: "info",
    },
  });
  server.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  // Start-up takes a moment (migrations, the route list): at most 30 s.
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) break;
    const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the Stripe-mode server did not start:\n${log}`);
});

test.afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server?.once("exit", resolve));
  server.kill("SIGINT");
  await exited;
});

/** Records every CSP violation, in the page and in each of its frames, from the first script on. */
async function watchViolations(page: Page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__violations?.push({ directive: e.effectiveDirective, blocked: e.blockedURI, frame: location.href });
    });
  });
}

/** The violations recorded so far, in the page and its frames. */
async function violations(page: Page): Promise<Violation[]> {
  const all = await Promise.all(
    page.frames().map((frame) => frame.evaluate(() => window.__violations ?? []).catch(() => [] as Violation[])),
  );
  return all.flat();
}

/** Opens a page of the Stripe-mode server and checks it sends the Stripe-mode policy. */
async function openStripeModePage(page: Page) {
  const response = await page.goto(`${base}/login`);
  const policy = response?.headers()["content-security-policy"] ?? "";
  for (const source of ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com", "https://api.stripe.com"]) {
    expect(policy, "the Stripe-mode policy").toContain(source);
  }
  await expect(page.getByRole("button", { name: "Login" })).toBeVisible();
  // Hydrated, so what the app's WASM does is under the policy too.
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((r) => r.name.endsWith(".wasm")));
  await page.waitForLoadState("networkidle");
}

test("under the Stripe-mode policy the processor's script mounts its card frame and runs the bank's check with no violation", async ({ page }) => {
  await watchViolations(page);
  await openStripeModePage(page);

  // Loaded as the card dialog loads it: a script element added to the page.
  await page.evaluate(async (src) => {
    await new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`${src} did not load`));
      document.head.appendChild(script);
    });
  }, `${base}/gateway/js/v3/stripe.js`);

  // The card form, in the processor's frame, confirmed with a setup the processor never began:
  // the frame sends the card to its API and passes the refusal back.
  await page.evaluate((key) => {
    const host = document.createElement("div");
    host.id = "stand-in";
    document.body.appendChild(host);
    const w = window as unknown as Record<string, any>;
    const stripe = w.Stripe(key);
    const elements = stripe.elements({ clientSecret: "seti_cspcheck_secret_cspcheck" });
    const card = elements.create("payment");
    w.__ready = new Promise((resolve) => card.on("ready", resolve));
    card.mount(host);
    w.__stripe = stripe;
    w.__elements = elements;
  }, PUBLISHABLE_KEY);
  await page.evaluate(() => (window as unknown as Record<string, any>).__ready);
  await typeCard(page.locator("#stand-in"), { number: "4242 4242 4242 4242" });
  const setup = await page.evaluate(() => {
    const w = window as unknown as Record<string, any>;
    return w.__stripe.confirmSetup({ elements: w.__elements, redirect: "if_required" });
  });
  expect(setup.error, JSON.stringify(setup)).toBeTruthy();

  // The bank's check, in its frame in a modal dialog; "Fail" ends it.
  await page.evaluate(() => {
    const w = window as unknown as Record<string, any>;
    w.__check = w.__stripe.handleNextAction({ clientSecret: "pi_cspcheck_secret_cspcheck" });
  });
  const bank = page.frameLocator('dialog.sandbox-challenge iframe[title="Your bank\'s payment check"]');
  await expect(bank.getByRole("heading", { name: "Sandbox bank" })).toBeVisible();
  // Focused once the frame has the payment's secret (a click before that would be ignored).
  await expect(bank.getByRole("button", { name: "Complete" })).toBeFocused();
  await bank.getByRole("button", { name: "Fail" }).click();
  const check = await page.evaluate(() => (window as unknown as Record<string, any>).__check);
  expect(check.error, JSON.stringify(check)).toBeTruthy();

  expect(await violations(page)).toEqual([]);

  // The watch does see a violation when there is one (an image from elsewhere; blocked before
  // any request is made).
  await page.evaluate(() => {
    const img = document.createElement("img");
    img.src = "https://csp-probe.invalid/pixel.png";
    document.body.appendChild(img);
  });
  await expect.poll(async () => (await violations(page)).map((v) => v.directive)).toEqual(["img-src"]);
});

test("the Stripe-mode policy lets the browser load Stripe's documented origins, and no other", async ({ page }) => {
  // Answered here: nothing leaves the machine.
  const reached: string[] = [];
  await page.route(/^https:\/\/([a-z0-9-]+\.)?(js\.stripe\.com|hooks\.stripe\.com|api\.stripe\.com)\//, (route) => {
    reached.push(new URL(route.request().url()).host);
    const isScript = route.request().resourceType() === "script";
    return route.fulfill({
      status: 200,
      contentType: isScript ? "text/javascript" : "text/html",
      headers: { "access-control-allow-origin": "*" },
      body: isScript ? "window.__stripeProbe = (window.__stripeProbe || 0) + 1;" : "<!doctype html><title>probe</title>",
    });
  });
  await page.route(/^https:\/\/csp-probe\.invalid\//, (route) => {
    reached.push(new URL(route.request().url()).host);
    return route.fulfill({ status: 200, body: "" });
  });
  await watchViolations(page);
  await openStripeModePage(page);

  await page.evaluate(async () => {
    const load = (tag: "script" | "iframe", src: string) =>
      new Promise((resolve) => {
        const el = document.createElement(tag);
        el.addEventListener("load", resolve);
        el.addEventListener("error", resolve);
        el.setAttribute("src", src);
        (tag === "script" ? document.head : document.body).appendChild(el);
      });
    await load("script", "https://js.stripe.com/v3/");
    await load("script", "https://b.js.stripe.com/v3/fingerprinted/js/probe.js");
    await load("iframe", "https://js.stripe.com/v3/elements-inner-payment.html");
    await load("iframe", "https://b.js.stripe.com/v3/controller.html");
    await load("iframe", "https://hooks.stripe.com/3d_secure_2/hosted");
    await fetch("https://api.stripe.com/v1/elements/sessions", { mode: "no-cors" });
  });
  expect(await page.evaluate(() => (window as unknown as Record<string, number>).__stripeProbe)).toBe(2);
  expect(reached.sort()).toEqual(["api.stripe.com", "b.js.stripe.com", "b.js.stripe.com", "hooks.stripe.com", "js.stripe.com", "js.stripe.com"]);
  expect(await violations(page)).toEqual([]);

  // Anything else is refused before it is requested.
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.src = "https://csp-probe.invalid/evil.js";
    document.head.appendChild(script);
    const frame = document.createElement("iframe");
    frame.src = "https://csp-probe.invalid/evil.html";
    document.body.appendChild(frame);
  });
  await expect
    .poll(async () => (await violations(page)).map((v) => v.directive).sort())
    .toEqual(["frame-src", "script-src-elem"]);
  expect(reached).not.toContain("csp-probe.invalid");
});
