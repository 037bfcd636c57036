// Issue 13, point 7: four scope switches turned on in a row: where the notifications land.
import { expect, test } from "../fixtures.ts";
import { connectSandbox, createAgent, newEmail, signUp } from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

test("p7 toasts after four permission changes", async ({ page }, testInfo) => {
  await signUp(page, newEmail("p7"));
  await connectSandbox(page);
  await createAgent(page, "Front desk");
  const permissions = page.getByRole("region", { name: "Permissions" });
  for (const label of ["Send SMS", "Send MMS", "Check balance", "Read message history"]) {
    const toggle = permissions.getByRole("switch", { name: label });
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-checked", "true");
  }
  await permissions.scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "issue13", "p7-after-four-switches", { fullPage: false });
});
