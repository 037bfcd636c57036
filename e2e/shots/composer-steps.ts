// Steps the point-2, point-4 and MMS-price screenshot scripts share: reach the composer (folded
// behind "New message" on a phone once something was sent, open on older builds) and bring a
// part of the page into view for a viewport-sized picture.
import { expect, type Locator, type Page } from "@playwright/test";
import { dismissToasts, openPage } from "../specs/helpers.ts";

/** Opens Messages and returns the composer, unfolding it where the page folds it. */
export async function openComposer(page: Page): Promise<Locator> {
  await openPage(page, "Messages");
  const composer = page.getByRole("region", { name: "Send a message" });
  const unfold = page.getByRole("button", { name: "New message" });
  // The page decides once its data has loaded: wait for one or the other.
  await expect(composer.or(unfold).first()).toBeVisible({ timeout: 20_000 });
  if (!(await composer.isVisible())) await unfold.click();
  await composer.waitFor();
  return composer;
}

/**
 * Closes the toasts (they would cover the result) and scrolls so that `target` ends at the bottom
 * of the viewport (what is above it stays in view).
 */
export async function bringIntoView(target: Locator): Promise<void> {
  await dismissToasts(target.page());
  await target.evaluate((element) => {
    element.scrollIntoView({ block: "end" });
  });
}
