// Lighthouse (mobile preset, Chromium from apt) on /login and a signed-in /payment-methods, the
// median of N runs each, against issue 14's goals. Usage: node lighthouse.mjs BASE_URL COOKIE [N]
// (`cargo xtask lighthouse` starts a release server with the demo and passes both).
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const [base, cookie, runsArg] = process.argv.slice(2);
if (!base || !cookie) {
  console.error("usage: node lighthouse.mjs BASE_URL COOKIE [RUNS]");
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const goals = { performance: 95, accessibility: 100, cls: 0.02, tbt: 50 };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update"],
});
let failed = 0;
try {
  for (const [path, headers] of [["/login", {}], ["/payment-methods", { Cookie: cookie }]]) {
    const results = [];
    for (let i = 0; i < runs; i++) {
      const { lhr } = await lighthouse(`${base}${path}`, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
        extraHeaders: headers,
        disableStorageReset: false,
      });
      if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.message}`);
      results.push({
        performance: Math.round(lhr.categories.performance.score * 100),
        accessibility: Math.round(lhr.categories.accessibility.score * 100),
        cls: lhr.audits["cumulative-layout-shift"].numericValue,
        tbt: lhr.audits["total-blocking-time"].numericValue,
        lcp: lhr.audits["largest-contentful-paint"].numericValue,
      });
    }
    const m = Object.fromEntries(Object.keys(results[0]).map((k) => [k, median(results.map((r) => r[k]))]));
    const line = (ok, text) => {
      if (!ok) failed++;
      console.log(`${ok ? "PASS" : "FAIL"} ${path} ${text}`);
    };
    line(m.performance >= goals.performance, `performance ${m.performance} (goal ≥ ${goals.performance})`);
    line(m.accessibility >= goals.accessibility, `accessibility ${m.accessibility} (goal ${goals.accessibility})`);
    line(m.cls <= goals.cls, `CLS ${m.cls.toFixed(3)} (goal ≤ ${goals.cls})`);
    line(m.tbt <= goals.tbt, `TBT ${Math.round(m.tbt)} ms (goal ≤ ${goals.tbt} ms)`);
    console.log(`     ${path}: LCP ${(m.lcp / 1000).toFixed(1)} s; median of ${runs} runs`);
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
