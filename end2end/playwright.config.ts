import { defineConfig } from "@playwright/test";
import path from "node:path";

// The release binary (`cargo xtask dist`, the site compiled in) served on its own port from a
// folder without any site files, with a fresh database, outbox and log under target/e2e so tests
// and the PCI scan can read them.
const root = path.resolve(__dirname, "..");
const port = Number(process.env.E2E_PORT ?? 3300);
const baseURL = `http://127.0.0.1:${port}`;
const work = path.join(root, "target", "e2e");
/** The served binary, its folder and address, for tests that run `porchlight` beside the server. */
export const e2eServer = { binary: path.join(root, "target", "release", "porchlight"), work, baseURL };
/** Office users created with `porchlight staff add` before the server starts. */
export const officeAdmin = "erin.admin@office.example";
export const officeAccountant = "avery.accountant@office.example";
export const officePassword = "office lamp on the desk";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? "list" : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
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
    },
  },
  projects: [
    {
      name: "desktop",
      use: { browserName: "chromium", viewport: { width: 1280, height: 800 } },
      // What a phone downloads and its touch targets are checked once, on the phone project.
      testIgnore: /transfer|touch/,
    },
    {
      name: "phone",
      use: { browserName: "chromium", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
      // Flows that create records run once, on the desktop project.
      testIgnore: /customer-accounts|office|saved-cards|pay-invoices|card-network-update|card-terms/,
    },
  ],
  webServer: {
    command: `rm -rf "${work}" && mkdir -p "${work}" && "${root}/target/release/porchlight" demo > "${work}/demo.txt" && echo "${officePassword}" | "${root}/target/release/porchlight" staff add --email ${officeAdmin} --name "Erin Admin" --role admin --password-stdin && echo "${officePassword}" | "${root}/target/release/porchlight" staff add --email ${officeAccountant} --name "Avery Accountant" --role accountant --password-stdin && cd "${work}" && exec "${root}/target/release/porchlight" serve 2> "${work}/server.log"`,
    cwd: root,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    gracefulShutdown: { signal: "SIGINT", timeout: 10_000 },
    env: {
      PORCHLIGHT_DATABASE_URL: `sqlite://${work}/porchlight.db`,
      PORCHLIGHT_PUBLIC_URL: baseURL,
      PORCHLIGHT_OUTBOX_DIR: `${work}/outbox`,
      PORCHLIGHT_SECRET_FILE: `${work}/secret.key`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_OUTPUT_NAME: "porchlight",
      LEPTOS_ENV: "PROD",
      RUST_LOG: "info",
    },
  },
});
