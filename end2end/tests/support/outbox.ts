import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";

/** The outbox the e2e server writes `.eml` files to (see playwright.config.ts). */
export const outboxDir = path.resolve(__dirname, "..", "..", "..", "target", "e2e", "outbox");

function emails(): { file: string; mtime: number; text: string }[] {
  let files: string[] = [];
  try {
    files = readdirSync(outboxDir).filter((f) => f.endsWith(".eml"));
  } catch {
    return [];
  }
  return files
    .map((f) => {
      const file = path.join(outboxDir, f);
      const raw = readFileSync(file, "utf8");
      // Undo quoted-printable soft breaks and escaped '=' so links read whole.
      const text = raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      return { file, mtime: statSync(file).mtimeMs, text };
    })
    .sort((a, b) => a.mtime - b.mtime);
}

/** Names of the emails already in the outbox, to wait for a newer one. */
export function seenEmails(): Set<string> {
  return new Set(emails().map((e) => e.file));
}

/** Waits for a new email to `to` containing `marker` and returns the first link after it. */
export async function linkFromNewEmail(to: string, marker: string, seen: Set<string>): Promise<string> {
  let link = "";
  await expect
    .poll(
      () => {
        const mail = emails().find((e) => !seen.has(e.file) && e.text.includes(to) && e.text.includes(marker));
        if (!mail) return "";
        const match = mail.text.match(new RegExp(`https?://[^\\s"<]*${marker.replace(/[?]/g, "\\?")}[A-Za-z0-9_-]+`));
        link = match ? match[0] : "";
        return link;
      },
      { message: `an email to ${to} with ${marker}`, timeout: 10_000 },
    )
    .not.toBe("");
  return link;
}

/** Waits for a new email to `to` whose text contains every one of `words`. */
export async function waitForEmail(to: string, words: string[], seen: Set<string>): Promise<void> {
  await expect
    .poll(
      () => emails().some((e) => !seen.has(e.file) && e.text.includes(to) && words.every((w) => e.text.includes(w))),
      { message: `an email to ${to} with ${words.join(", ")}`, timeout: 10_000 },
    )
    .toBe(true);
}
