import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2eServer } from "../playwright.config";
import { seenEmails, waitForEmail } from "./support/outbox";
import { maria, signIn } from "./support/session";

// The card network reissues Maria's Visa with a new expiry: the sandbox plays it against the
// running server (`porchlight sandbox card-update`, which delivers the processor's signed webhook
// twice, as processors retry), and the portal shows the new expiry, a history row naming the
// card network, and an email.
test("a card the card network updated shows its new expiry and history row, and the customer is told", async ({ page }) => {
  const seen = seenEmails();
  const run = spawnSync(
    e2eServer.binary,
    ["sandbox", "card-update", "--email", maria.email, "--last4", "4242", "--expiry", "11/33", "--twice"],
    {
      cwd: e2eServer.work,
      encoding: "utf8",
      env: {
        ...process.env,
        PORCHLIGHT_DATABASE_URL: `sqlite://${path.join(e2eServer.work, "porchlight.db")}`,
        PORCHLIGHT_SECRET_FILE: path.join(e2eServer.work, "secret.key"),
        PORCHLIGHT_OUTBOX_DIR: path.join(e2eServer.work, "outbox"),
        PORCHLIGHT_PUBLIC_URL: e2eServer.baseURL,
      },
    },
  );
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr.match(/answered 200/g)).toHaveLength(2);

  await signIn(page, "/login", maria.email, maria.password, "Login");
  await page.goto("/payment-methods");
  const visa = page.getByRole("list", { name: "Saved cards" }).getByRole("listitem").filter({ hasText: "Visa •••• 4242" });
  await expect(visa).toContainText("Expires 11/33");
  await page.getByText("History", { exact: true }).click();
  const history = page.locator("details.history");
  await expect(history).toContainText("Updated · Visa •••• 4242 · by the card network");
  // Delivered twice, recorded once.
  await expect(history.getByText("Updated · Visa •••• 4242 · by the card network")).toHaveCount(1);
  await waitForEmail(maria.email, ["Your saved card was updated by your bank"], seen);
});
