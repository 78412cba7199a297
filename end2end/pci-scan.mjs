// After the end-to-end run: searches the e2e database files, the outbox and the server log for
// card data. Fails on any Luhn-valid 13–19 digit number standing on its own (digits optionally
// grouped by single spaces or dashes), on any sandbox test card number anywhere (even inside
// other text), on any field that looks like a security code ("cvc": …, cvv=…), and on any card
// setup's or payment's client secret (`seti_…_secret_…`, `pi_…_secret_…`), which only the
// customer's browser may hold.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const work = path.resolve(import.meta.dirname, "..", "target", "e2e");
const testCards = [
  "4242424242424242", "5555555555554444", "378282246310005", "6011111111111117",
  "4000000000000002", "4000000000009995", "4000000000009987", "4000000000009979",
  "4000000000000069", "4000000000000127", "4000000000000119", "4000000000000341",
];

function luhn(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const scanned = files(work).filter((f) => /\.(db|db-wal|db-shm|eml|log|txt)$/.test(f));
const findings = [];
let bytes = 0;
for (const file of scanned) {
  const text = readFileSync(file).toString("latin1");
  bytes += text.length;
  const compact = text.replace(/[ -]/g, "");
  for (const card of testCards) {
    if (compact.includes(card)) findings.push(`${file}: a test card number ending ${card.slice(-4)}`);
  }
  for (const m of text.matchAll(/(?<![A-Za-z0-9])\d(?:[ -]?\d){12,18}(?![A-Za-z0-9])/g)) {
    const digits = m[0].replace(/[ -]/g, "");
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) {
      findings.push(`${file}: a Luhn-valid ${digits.length}-digit number ending ${digits.slice(-4)}`);
    }
  }
  for (const m of text.matchAll(/\b(seti|pi)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/g)) {
    findings.push(`${file}: a client secret of ${m[1] === "seti" ? "a card setup" : "a payment"}`);
  }
  for (const m of text.matchAll(/["']?\b(cvc2?|cvv2?|csc|security_?code)\b["']?\s*[:=]/gi)) {
    findings.push(`${file}: a security-code field "${m[0]}"`);
  }
}
console.log(`PCI scan: ${scanned.length} files, ${(bytes / 1024).toFixed(0)} KiB, ${findings.length} findings`);
if (scanned.length === 0) {
  console.error(`nothing to scan under ${work}: run the end-to-end tests first`);
  process.exit(1);
}
for (const f of findings) console.error(`  ${f}`);
process.exit(findings.length === 0 ? 0 : 1);
