// Issue 13 point 7 screenshots (before/after): toasts after four quick scope switches on Agents,
// and after "Apply filters" on Messages, light and dark, per project width.
import { join } from "node:path";
import type { Page, TestInfo } from "@playwright/test";
import { expect, test } from "../fixtures.ts";
import { connectSandbox, createAgent, newEmail, openPage, signUp } from "./helpers.ts";

const phase = process.env.P7_PHASE ?? "before";

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const width = testInfo.project.name === "mobile" ? "375" : "1280";
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(200);
    const path = join(
      import.meta.dirname,
      "..",
      ".artifacts",
      "screenshots",
      "issue13",
      `p7-${phase}-${name}-${width}-${scheme}.png`,
    );
    await page.screenshot({ path });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test("p7 screenshots", async ({ page }, testInfo) => {
  await signUp(page, newEmail("p7shots"));
  await connectSandbox(page);
  await createAgent(page, "Night shift");
  const permissions = page.getByRole("region", { name: "Permissions" });
  const labels = ["Send SMS", "Send MMS", "Check balance", "Read message history"];
  for (const label of labels) await permissions.getByRole("switch", { name: label }).click();
  for (const label of labels) {
    await expect(permissions.getByRole("switch", { name: label })).toHaveAttribute(
      "aria-checked",
      "true",
    );
  }
  await permissions.getByRole("switch", { name: "Send MMS" }).scrollIntoViewIfNeeded();
  await page.waitForTimeout(1_000);
  await shoot(page, testInfo, "agents");

  await openPage(page, "Messages");
  await page.getByRole("button", { name: "Apply filters" }).scrollIntoViewIfNeeded();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.waitForTimeout(500);
  await shoot(page, testInfo, "messages");
});
