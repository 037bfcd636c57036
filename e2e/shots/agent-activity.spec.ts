// Issue 15, an agent's activity: the agent page's "Activity" section after a send refused by the
// agent's daily limit and a send held for approval (and how many recipients were refused one by
// one), and the header with the full navigation at 1280 and 375 px.
// On the earlier commit the same steps run (they all exist there: limits, playground); the
// agent page simply has no Activity section, so the "activity" pictures show the playground's end
// of the page instead, and the header pictures show the email cut short.
import { expect, SANDBOX, test } from "../fixtures.ts";
import {
  connectClickSend,
  createAgent,
  dismissToasts,
  newEmail,
  runTool,
  setScope,
  signUp,
} from "../specs/helpers.ts";
import { shoot } from "./shoot.ts";

const FOLDER = "issue15";

test("agent activity after a refused and a held call", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await signUp(page, newEmail("activity"));
  await connectClickSend(page, SANDBOX, "Shop");
  await createAgent(page, "Support bot");
  await setScope(page, "Send SMS", true);

  // A daily limit of 1 refuses a send to two numbers whole; only mobiles (+6141...) may be texted.
  const limits = page.getByRole("region", { name: "Limits and safety" });
  await limits.getByLabel("Daily message limit").fill("1");
  await limits.getByLabel("Allowed recipients").fill("+6141*");
  await limits.getByRole("button", { name: "Save limits" }).click();
  await expect(limits.getByText("Saved", { exact: true })).toBeVisible({ timeout: 20_000 });
  let playground = await runTool(page, "clicksend_send_sms", {
    to: ["+61411111111", "+61411111112"],
    body: "Your table for 4 is booked at 7pm.",
  });
  await expect(playground.getByText("Not sent: refused by this agent’s limits")).toBeVisible({
    timeout: 20_000,
  });

  // One recipient outside the allowed ones is refused on its own; the other goes out.
  playground = await runTool(page, "clicksend_send_sms", {
    to: ["+61411111111", "+61299999999"],
    body: "Your table is ready.",
  });
  await expect(playground.getByText(/Sent to 1 of 2/)).toBeVisible({ timeout: 20_000 });

  // Approval "Always" holds the next send (the limit has room again at 50).
  await limits.getByLabel("Daily message limit").fill("50");
  await limits.getByRole("radio", { name: "Always" }).check();
  await limits.getByRole("button", { name: "Save limits" }).click();
  await expect(limits.getByText("Saved", { exact: true })).toBeVisible({ timeout: 20_000 });
  playground = await runTool(page, "clicksend_send_sms", {
    to: ["+61411111111"],
    body: "Your table for 4 is booked at 7pm. Reply STOP to opt out.",
  });
  await expect(playground.getByText("Waiting for your approval")).toBeVisible({ timeout: 20_000 });
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /1 waiting/ }),
  ).toBeVisible({ timeout: 40_000 });
  await dismissToasts(page);

  // The header with every link and the count, at the top of the page.
  await page.evaluate(() => {
    window.scrollTo(0, 0);
  });
  await shoot(page, testInfo, FOLDER, "header-full-nav", { fullPage: false });

  const activity = page.getByRole("region", { name: "Activity" });
  const target = (await activity.count()) > 0 ? activity : playground;
  if ((await activity.count()) > 0) {
    await expect(activity.getByText("Held for approval")).toBeVisible({ timeout: 20_000 });
    await expect(activity.getByText("Refused by this agent's limits")).toBeVisible();
  }
  await target.evaluate((element) => {
    element.scrollIntoView({ block: "start" });
  });
  await shoot(page, testInfo, FOLDER, "agent-activity", { fullPage: false });
});
