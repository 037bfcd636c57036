// Fixtures every spec uses: state reset before each test, a secret-hygiene watch over the whole
// test (network responses, console, storage, the stack's logs), axe checks and page screenshots.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page, type TestInfo } from "@playwright/test";
import { SANDBOX_API_KEY, SANDBOX_USERNAME } from "../local/clicksend-sandbox/accounts.ts";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set: run the end-to-end suite with \`npm run test:e2e\``);
  }
  return value;
}

export const stack = {
  appUrl: required("E2E_APP_URL"),
  apiUrl: required("E2E_API_URL"),
  sandboxOrigin: required("E2E_SANDBOX_ORIGIN"),
  controlUrl: required("E2E_CONTROL_URL"),
};

/** The sandbox's public test account: the app shows these on purpose when it talks to the sandbox. */
export const SANDBOX = { username: SANDBOX_USERNAME, apiKey: SANDBOX_API_KEY };

/**
 * Keys of a sandbox account nobody advertises (made per run by e2e/run.ts). A user types them; from
 * then on they must not appear anywhere the browser or the logs can see.
 */
export const PRIVATE_ACCOUNT = {
  username: required("E2E_PRIVATE_USERNAME"),
  apiKey: required("E2E_PRIVATE_KEY"),
  rotatedKey: required("E2E_PRIVATE_ROTATED_KEY"),
};

/** The one response allowed to carry the public sandbox key: the app's "which ClickSend" query. */
function mayShowSandboxKey(url: string, method: string): boolean {
  return method === "GET" && url.startsWith(`${stack.apiUrl}/functions/v1/clicksend-connect`);
}

export async function sandboxControl(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${stack.sandboxOrigin}/_sandbox/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${path}: ${String(response.status)}`);
  return response.json();
}

export async function clearSandboxFaults(): Promise<void> {
  const response = await fetch(`${stack.sandboxOrigin}/_sandbox/faults`, { method: "DELETE" });
  if (!response.ok) throw new Error(`sandbox faults: ${String(response.status)}`);
}

export interface SandboxAccountState {
  balance: string;
  sms_sent: number;
  mms_sent: number;
  requests: number;
  requests_by_endpoint: Record<string, number>;
}

export async function sandboxAccount(username: string): Promise<SandboxAccountState> {
  const state = (await sandboxControl("state")) as {
    accounts: Record<string, SandboxAccountState | undefined>;
  };
  const account = state.accounts[username];
  if (!account) throw new Error(`sandbox account ${username} missing`);
  return account;
}

async function stackLogs(): Promise<string[]> {
  const response = await fetch(`${stack.controlUrl}/logs`);
  const body = (await response.json()) as { logs: string[] };
  return body.logs;
}

interface Leak {
  where: string;
  secret: string;
}

function findSecrets(text: string, where: string, secrets: readonly string[]): Leak[] {
  return secrets.filter((secret) => text.includes(secret)).map((secret) => ({ where, secret }));
}

async function storageText(page: Page): Promise<string> {
  if (page.isClosed() || !page.url().startsWith(stack.appUrl)) return "";
  return page.evaluate(() => {
    const dump = (storage: Storage): string[] =>
      Array.from({ length: storage.length }, (_, index) => {
        const key = storage.key(index) ?? "";
        return `${key}=${storage.getItem(key) ?? ""}`;
      });
    return [...dump(window.localStorage), ...dump(window.sessionStorage)].join("\n");
  });
}

/** Where a secret found at run time may appear: a response body, by its URL and method. */
type SecretAllowance = { allowedIn?: (url: string, method: string) => boolean };

/**
 * Adds a secret the test came to know at run time (a token the app made, read from the page) to
 * the watch. Everything the test saw, from its start, is checked for it: every response body
 * except those `allowedIn` names, every request and response header, every request body the
 * browser sent, the console, page errors, local and session storage, and the stack's logs.
 */
type WatchSecret = (value: string, options?: SecretAllowance) => void;

type Fixtures = {
  resetState: undefined;
  secretWatch: WatchSecret;
};

/** Files of the app itself: they cannot hold a secret made while the test runs. */
const STATIC_RESOURCES = new Set(["script", "stylesheet", "image", "font", "media"]);

/** What the browser saw, kept until the end of the test, when every secret is known. */
interface Seen {
  where: string;
  text: string;
  /** A response body: which response, for the allowances. */
  response?: { url: string; method: string };
}

export const test = base.extend<Fixtures>({
  resetState: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function asks for
    async ({}, use) => {
      const response = await fetch(`${stack.controlUrl}/reset`, { method: "POST" });
      expect(response.status, "state reset").toBe(200);
      await sandboxControl("accounts", {
        username: PRIVATE_ACCOUNT.username,
        api_key: PRIVATE_ACCOUNT.apiKey,
        balance: 10,
      });
      await use(undefined);
    },
    { auto: true },
  ],
  secretWatch: [
    async ({ context }, use) => {
      const privateKeys = [PRIVATE_ACCOUNT.apiKey, PRIVATE_ACCOUNT.rotatedKey];
      const everyKey = [...privateKeys, SANDBOX.apiKey];
      const found: { value: string; allowedIn: (url: string, method: string) => boolean }[] = [];
      const logsBefore = (await stackLogs()).length;
      const leaks: Leak[] = [];
      const seen: Seen[] = [];
      const pending: Promise<void>[] = [];
      context.on("request", (request) => {
        // A user types the API keys into the connect form, so requests carry them; a secret found
        // at run time is the app's to show, never the browser's to send.
        const body = request.postData();
        if (body !== null) seen.push({ where: `request body of ${request.url()}`, text: body });
        pending.push(
          request.allHeaders().then(
            (headers) => {
              for (const [name, value] of Object.entries(headers)) {
                seen.push({ where: `request header ${name} of ${request.url()}`, text: value });
              }
            },
            () => undefined, // a request the page dropped before it was sent
          ),
        );
      });
      context.on("response", (response) => {
        const request = response.request();
        const keys = mayShowSandboxKey(response.url(), request.method()) ? privateKeys : everyKey;
        pending.push(
          response.body().then(
            (body) => {
              const text = body.toString("utf8");
              const where = `response ${request.method()} ${response.url()}`;
              leaks.push(...findSecrets(text, where, keys));
              // Kept for secrets found later; the app's own files were built before any was made.
              if (STATIC_RESOURCES.has(request.resourceType())) return;
              seen.push({
                where,
                text,
                response: { url: response.url(), method: request.method() },
              });
            },
            () => undefined, // redirects and aborted requests have no body
          ),
        );
        for (const [name, value] of Object.entries(response.headers())) {
          const where = `response header ${name} of ${response.url()}`;
          leaks.push(...findSecrets(value, where, everyKey));
          seen.push({ where, text: value });
        }
      });
      context.on("console", (message) => {
        const where = `console ${message.type()}`;
        leaks.push(...findSecrets(message.text(), where, everyKey));
        seen.push({ where, text: message.text() });
      });
      context.on("weberror", (error) => {
        leaks.push(...findSecrets(String(error.error()), "page error", everyKey));
        seen.push({ where: "page error", text: String(error.error()) });
      });

      await use((value, { allowedIn = () => false } = {}) => {
        if (value.length < 8) throw new Error("watchSecret: too short to tell apart from text");
        found.push({ value, allowedIn });
      });

      const storage: string[] = [];
      for (const open of context.pages()) {
        const text = await storageText(open);
        storage.push(text);
        leaks.push(...findSecrets(text, "browser storage", everyKey));
      }
      await Promise.all(pending);
      const logs = (await stackLogs()).slice(logsBefore).join("\n");
      leaks.push(...findSecrets(logs, "stack logs", everyKey));
      expect(leaks, "an API key leaked").toEqual([]);

      const tokenLeaks: Leak[] = [];
      for (const secret of found) {
        const values = [secret.value];
        for (const { where, text, response } of seen) {
          if (response && secret.allowedIn(response.url, response.method)) continue;
          tokenLeaks.push(...findSecrets(text, where, values));
        }
        tokenLeaks.push(...findSecrets(storage.join("\n"), "browser storage", values));
        tokenLeaks.push(...findSecrets(logs, "stack logs", values));
      }
      // The value itself is not repeated in the report: it names where, and which secret by its start.
      expect(
        tokenLeaks.map(({ where, secret }) => ({ where, secret: `${secret.slice(0, 8)}…` })),
        "a secret found at run time leaked",
      ).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** axe on what is on screen now (page or open dialog): no serious or critical violations. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5),
    }));
  // Soft: the test goes on, so one run lists every page's findings, and still fails at the end.
  expect.soft(serious, `axe: serious or critical violations on ${what}`).toEqual([]);
}

/** A full-page screenshot kept as an artifact: e2e/.artifacts/screenshots/<project>/<name>.png. */
async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const dir = join(import.meta.dirname, ".artifacts", "screenshots", testInfo.project.name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/**
 * Shows the page in one colour scheme, as the OS would ask for it, and waits until the app has
 * applied it: with the default theme ("system") the app follows prefers-color-scheme live.
 */
export async function showScheme(page: Page, scheme: "light" | "dark"): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await expect(page.locator("html")).toHaveAttribute("data-theme", scheme);
}

/**
 * Checks and records a page or dialog in light and in dark: axe in both schemes (a colour that
 * reads in one can fail in the other), no horizontal scroll, a screenshot of each
 * (<name>.png and <name>-dark.png). Leaves the page in light, as the suite runs.
 */
export async function review(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    await showScheme(page, scheme);
    const what = scheme === "light" ? name : `${name} (dark)`;
    await expectAccessible(page, what);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `${what} scrolls horizontally`).toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, scheme === "light" ? name : `${name}-dark`);
  }
  await showScheme(page, "light");
}
