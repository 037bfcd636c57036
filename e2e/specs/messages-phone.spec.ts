// The Messages page on a phone (issue 13, point 10): the history comes before the composer, which
// is one tap away behind "New message", and the page is shorter for it.
import { expect, test } from "../fixtures.ts";
import { connectSandbox, dismissToasts, newEmail, openPage, signUp } from "./helpers.ts";

test("on a phone, Messages shows the history first and opens the composer in one tap", async ({
  page,
}, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "the phone layout (below lg) is the point");
  await signUp(page, newEmail("phone"));
  await connectSandbox(page);

  // Nothing sent yet: the composer is open. Two messages from it give the history rows.
  await openPage(page, "Messages");
  const composer = page.getByRole("region", { name: "Send a message" });
  const open = page.getByRole("button", { name: "New message" });
  await expect(page.getByRole("button", { name: "Close the composer" })).toBeVisible();
  for (const text of ["First message from the phone.", "Second message from the phone."]) {
    await composer.getByLabel("To").fill("+61412345678");
    await composer.getByLabel("Message").fill(text);
    await composer.getByRole("button", { name: "Send SMS" }).click();
    await expect(page.getByRole("table", { name: /SMS history/ })).toContainText(text);
    await dismissToasts(page);
  }

  // Coming back with history to read: the composer is folded.
  await page.reload();
  const history = page.getByRole("heading", { level: 2, name: "Message history" });
  await expect(page.getByRole("table", { name: /SMS history/ })).toContainText("Second message");
  await expect(composer).toBeHidden();
  await expect(open).toHaveAttribute("aria-expanded", "false");
  // The history's heading is on the first screen, above where the composer opens.
  const historyBox = await history.boundingBox();
  const viewport = page.viewportSize();
  expect(historyBox).not.toBeNull();
  expect(viewport).not.toBeNull();
  expect(historyBox?.y ?? Infinity).toBeLessThan(viewport?.height ?? 0);
  const folded = await page.evaluate(() => document.documentElement.scrollHeight);

  await open.click();
  await expect(composer).toBeVisible();
  await expect(composer.getByLabel("To")).toBeFocused();
  const composerBox = await composer.boundingBox();
  const historyBoxOpen = await history.boundingBox();
  expect(composerBox?.y ?? Infinity).toBeLessThan(historyBoxOpen?.y ?? 0);
  const unfolded = await page.evaluate(() => document.documentElement.scrollHeight);

  // Folding the composer is what shortens the page; the figures go in the report.
  expect(folded).toBeLessThan(unfolded);
  testInfo.annotations.push({
    type: "messages page height at 375 px",
    description: `${String(folded)} px with the composer folded, ${String(unfolded)} px open`,
  });
  console.log(
    `messages page height at 375 px: ${String(folded)} px folded, ${String(unfolded)} px open`,
  );
});
