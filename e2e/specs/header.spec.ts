// The header on a real browser, where layout exists: at 1280 px the signed-in email is shown
// whole beside the navigation's links; at 375 px every link of the navigation is on screen and
// the page does not scroll sideways.
import { expect, test } from "../fixtures.ts";
import { newEmail, signUp } from "./helpers.ts";

test("header keeps the signed-in email readable and every navigation link on screen", async ({
  page,
}, testInfo) => {
  const email = newEmail("header-layout");
  await signUp(page, email);
  const banner = page.getByRole("banner");
  const nav = banner.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: /^Approvals/ })).toBeVisible();
  const viewport = page.viewportSize();
  if (!viewport) throw new Error("The project sets a viewport.");

  // Every link wholly inside the screen, and nothing wider than it.
  for (const link of await nav.getByRole("link").all()) {
    const box = await link.boundingBox();
    expect(box, await link.innerText()).not.toBeNull();
    expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(viewport.width);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
    true,
  );

  if (testInfo.project.name === "desktop") {
    // The email's own box holds all of its text: nothing is cut to "g…".
    const shown = banner.getByText(email);
    await expect(shown).toBeVisible();
    const cut = await shown.evaluate((element) => element.scrollWidth > element.clientWidth);
    expect(cut, "the email is truncated").toBe(false);
  }
});
