// Playwright for the end-to-end suite. `npm run test:e2e` (e2e/run.ts) starts the stack and passes
// its addresses in E2E_* variables; Chromium is Debian's, since browsers cannot be downloaded here.
import { defineConfig, devices } from "@playwright/test";

const appUrl = process.env.E2E_APP_URL;
if (appUrl === undefined) {
  throw new Error("E2E_APP_URL is not set: run the end-to-end suite with `npm run test:e2e`");
}

const chromium = {
  executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// `npm run shots` points Playwright at e2e/shots: scripts that only take the before/after
// screenshots an issue asks for. They are not tests and are not part of `npm test`.
const shots = process.env.E2E_SHOTS === "1";

export default defineConfig({
  testDir: shots ? "./shots" : "./specs",
  outputDir: "./.artifacts/test-results",
  // The specs share one database and one sandbox, and reset them before each test.
  workers: 1,
  fullyParallel: false,
  forbidOnly: process.env.CI !== undefined,
  retries: 0,
  // review() checks every page and dialog twice (light and dark), which adds about a minute to the
  // longest journey on the phone project.
  timeout: 180_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { outputFolder: "./.artifacts/report", open: "never" }]],
  use: {
    baseURL: appUrl,
    launchOptions: chromium,
    colorScheme: "light",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "desktop",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1280, height: 800 },
        launchOptions: chromium,
      },
    },
    {
      name: "mobile",
      use: {
        viewport: { width: 375, height: 812 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        launchOptions: chromium,
      },
    },
  ],
});
