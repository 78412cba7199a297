// Used by `cargo xtask watch-check`: opens BASE/login in Chromium and checks that the page shows
// HEADING and hydrated (Show password works) with no error in the console. Exit code 0 if so.
const { chromium } = require("playwright");

const [base, heading] = process.argv.slice(2);

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox"],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${base}/login`);
  await page.waitForLoadState("networkidle");
  const shown = (await page.locator("h1").first().textContent())?.trim();
  await page.getByRole("button", { name: "Show password" }).click();
  const password = page.getByLabel("Password", { exact: true });
  const hydrated = await password
    .evaluate((input) => new Promise((done) => {
      const until = Date.now() + 10_000;
      const look = () => (input.type === "text" || Date.now() > until ? done(input.type === "text") : setTimeout(look, 50));
      look();
    }));
  await browser.close();
  const ok = shown === heading && hydrated && errors.length === 0;
  console.log(`${ok ? "ok" : "FAILED"}: heading "${shown}" (want "${heading}"), hydrated ${hydrated}, errors ${JSON.stringify(errors)}`);
  process.exit(ok ? 0 : 1);
})().catch((e) => {
  console.log(`FAILED: ${e}`);
  process.exit(1);
});
