// What every screenshot script uses: one call saves the page in light and in dark, named for the
// issue point, the phase (SHOTS_PHASE: "before" on the earlier commit, "after" by default) and the
// width of the Playwright project (desktop 1280 px, mobile 375 px).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page, TestInfo } from "@playwright/test";

const phase = process.env.SHOTS_PHASE === "before" ? "before" : "after";

/**
 * Saves e2e/.artifacts/screenshots/<folder>/<name>-<phase>-<1280|375>-<light|dark>.png (full
 * page unless `fullPage` is false, e.g. to keep a toast or an open dialog in view).
 */
export async function shoot(
  page: Page,
  testInfo: TestInfo,
  folder: string,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  const dir = join(import.meta.dirname, "..", ".artifacts", "screenshots", folder);
  mkdirSync(dir, { recursive: true });
  const width = testInfo.project.name === "mobile" ? "375" : "1280";
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let the page repaint (and any colour transition finish) before the picture.
    await page.waitForTimeout(150);
    await page.screenshot({
      path: join(dir, `${name}-${phase}-${width}-${scheme}.png`),
      fullPage: options.fullPage ?? true,
    });
  }
  await page.emulateMedia({ colorScheme: "light" });
}
