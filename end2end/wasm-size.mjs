// Prints the release wasm size (raw / gzip / brotli) and fails over the budget in README.md.
import { readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const wasm = readFileSync(path.join(root, "target/site/pkg/porchlight.wasm"));
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const match = readme.match(/Wasm size budget:\s*\*{0,2}([\d,]+) bytes gzip/);
if (!match) {
  console.error("README.md has no line 'Wasm size budget: N bytes gzip'");
  process.exit(1);
}
const budget = Number(match[1].replaceAll(",", ""));
const gzip = gzipSync(wasm, { level: 9 }).length;
const brotli = brotliCompressSync(wasm, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length },
}).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`wasm size: ${kb(wasm.length)} raw / ${kb(gzip)} gzip / ${kb(brotli)} brotli (budget ${kb(budget)} gzip)`);
if (gzip > budget) {
  console.error(`wasm is ${gzip - budget} bytes over the gzip budget of ${budget} bytes`);
  process.exit(1);
}
