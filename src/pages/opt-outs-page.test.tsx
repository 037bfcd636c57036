import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { optOutBackend, optOutStore, seedConsent, type OptOutStore } from "@/testing/msw/opt-outs";
import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { restUrl } from "@/testing/msw/urls";
import { renderRoute } from "@/testing/render-route";

// The Opt-outs page over a stand-in for the user's connections (PostgREST under RLS), the
// opt-out lists with their consent history, and the add/remove RPCs (src/testing/msw/opt-outs).

function connection(id: string, username: string, country: string) {
  return {
    id,
    connection_name: `ClickSend (${username})`,
    external_username: username,
    connection_status: "active",
    credential_hint: "89AB",
    connection_metadata: { account_country: country },
    created_at: "2025-01-01T00:00:00.000Z",
    updated_at: "2025-01-01T00:00:00.000Z",
  };
}

const AU = connection("c0000000-0000-4000-8000-000000000001", "Sandbox_User", "AU");
const GB = connection("c0000000-0000-4000-8000-000000000002", "uk_shop", "GB");
const ALICE = "+61412345678";
const BOB = "+61498765432";
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const exact = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(iso),
  );

let connections: ReturnType<typeof connection>[];
let store: OptOutStore;

beforeEach(() => {
  connections = [AU];
  store = optOutStore({ [AU.id]: "sandbox_user", [GB.id]: "uk_shop" });
  server.use(
    unreadRepliesCount(),
    http.get(restUrl("/user_oauth_connections"), () => HttpResponse.json(connections)),
    ...optOutBackend(store),
  );
});

/** Alice replied STOP three days ago; Bob was added by hand on an account since removed. */
function seedLists() {
  seedConsent(store, {
    account_username: "sandbox_user",
    phone: ALICE,
    action: "opt_out",
    source: "reply",
    keyword: "STOP",
    at: daysAgo(3),
  });
  seedConsent(store, {
    account_username: "old_account",
    phone: BOB,
    action: "opt_out",
    source: "manual",
    keyword: null,
    at: daysAgo(40),
  });
}

async function openOptOuts() {
  const view = await renderRoute("/opt-outs");
  expect(await screen.findByRole("heading", { level: 1, name: "Opt-outs" })).toBeInTheDocument();
  return view;
}

const accountSection = (account: string) =>
  screen.findByRole("region", { name: new RegExp(`^ClickSend account ${account}`) });

describe("Opt-outs: the lists", () => {
  it("lists each account's numbers with since (relative and exact) and source, a removed connection's by its username", async () => {
    seedLists();
    await openOptOuts();

    const ours = await accountSection("sandbox_user");
    const alice = within(ours).getByRole("listitem", { name: ALICE });
    expect(alice).toHaveTextContent("Replied STOP");
    expect(alice).toHaveTextContent("Since 3 days ago");
    expect(alice).toHaveTextContent(exact(store.optOuts[0]?.since ?? ""));
    expect(ours).toHaveTextContent("Applies to every send from ClickSend (Sandbox_User)");

    const old = await accountSection("old_account");
    const bob = within(old).getByRole("listitem", { name: BOB });
    expect(bob).toHaveTextContent("Added by hand");
    expect(bob).toHaveTextContent(/Since (last month|\d+ weeks? ago)/);
    expect(old).toHaveTextContent("No connection uses this account now");
  });

  it("shows a number's consent history on demand, newest first", async () => {
    seedLists();
    seedConsent(store, {
      account_username: "sandbox_user",
      phone: ALICE,
      action: "opt_in",
      source: "reply",
      keyword: "START",
      at: daysAgo(2),
    });
    seedConsent(store, {
      account_username: "sandbox_user",
      phone: ALICE,
      action: "opt_out",
      source: "reply",
      keyword: "UNSUBSCRIBE",
      at: daysAgo(1),
    });
    const { user } = await openOptOuts();
    const alice = within(await accountSection("sandbox_user")).getByRole("listitem", {
      name: ALICE,
    });
    // The latest opt-out's word is the one shown.
    expect(alice).toHaveTextContent("Replied UNSUBSCRIBE");
    expect(screen.queryByRole("region", { name: `Consent history of ${ALICE}` })).toBeNull();

    const toggle = within(alice).getByRole("button", { name: `History of ${ALICE}` });
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const history = await screen.findByRole("region", { name: `Consent history of ${ALICE}` });
    await waitFor(() => {
      expect(
        within(history)
          .getAllByRole("listitem")
          .map((item) => item.textContent),
      ).toEqual([
        `${exact(daysAgo(1))}Opted out: replied UNSUBSCRIBE`,
        `${exact(daysAgo(2))}Opted back in: replied START`,
        `${exact(daysAgo(3))}Opted out: replied STOP`,
      ]);
    });
  });

  it("says what lands here when no one has opted out", async () => {
    await openOptOuts();
    const empty = await screen.findByRole("region", { name: "No one has opted out" });
    expect(empty).toHaveTextContent(
      /When someone replies STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT/,
    );
    expect(empty).toHaveTextContent("their number lands here automatically");
    expect(empty).toHaveTextContent("START, UNSTOP or YES takes them off");
  });

  it("says when the lists cannot be read", async () => {
    server.use(
      http.get(restUrl("/clicksend_opt_outs"), () =>
        HttpResponse.json({ code: "XX000", message: "boom" }, { status: 500 }),
      ),
    );
    await openOptOuts();
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load your opt-outs");
    expect(within(alert).getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});

describe("Opt-outs: adding a number", () => {
  it("reads a national number in the connection's country and adds it as E.164", async () => {
    const { user } = await openOptOuts();
    const form = await screen.findByRole("region", { name: "Add a number" });
    expect(within(form).queryByLabelText("ClickSend account")).toBeNull();

    await user.type(within(form).getByLabelText("Phone number"), "0412 345 678");
    await user.click(within(form).getByRole("button", { name: "Add to opt-outs" }));

    await waitFor(() => {
      expect(store.addCalls).toEqual([{ p_connection_id: AU.id, p_phone: ALICE }]);
    });
    const ours = await accountSection("sandbox_user");
    expect(await within(ours).findByRole("listitem", { name: ALICE })).toHaveTextContent(
      "Added by hand",
    );
    expect(within(form).getByLabelText("Phone number")).toHaveValue("");
  });

  it("lets the user choose the account when there are several, in that account's country", async () => {
    connections = [AU, GB];
    const { user } = await openOptOuts();
    const form = await screen.findByRole("region", { name: "Add a number" });

    await user.selectOptions(within(form).getByLabelText("ClickSend account"), GB.id);
    expect(within(form).getByLabelText("Phone number")).toHaveAccessibleDescription(
      /a local number in GB/,
    );
    await user.type(within(form).getByLabelText("Phone number"), "07400 123456");
    await user.click(within(form).getByRole("button", { name: "Add to opt-outs" }));

    await waitFor(() => {
      expect(store.addCalls).toEqual([{ p_connection_id: GB.id, p_phone: "+447400123456" }]);
    });
    expect(
      await within(await accountSection("uk_shop")).findByRole("listitem", {
        name: "+447400123456",
      }),
    ).toBeInTheDocument();
  });

  it("says clearly what is wrong with a bad number and changes nothing", async () => {
    const { user } = await openOptOuts();
    const form = await screen.findByRole("region", { name: "Add a number" });
    const field = within(form).getByLabelText("Phone number");

    await user.click(within(form).getByRole("button", { name: "Add to opt-outs" }));
    expect(field).toHaveAccessibleDescription(/Enter the phone number/);

    await user.type(field, "12345");
    await user.click(within(form).getByRole("button", { name: "Add to opt-outs" }));
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription(/12345 is not a valid phone number in AU\./);
    expect(store.addCalls).toEqual([]);
    expect(screen.getByRole("region", { name: "No one has opted out" })).toBeInTheDocument();
  });
});

describe("Opt-outs: removing a number", () => {
  it("confirms plainly that the person asked not to be texted, then removes it", async () => {
    seedLists();
    const { user } = await openOptOuts();
    const ours = await accountSection("sandbox_user");
    const alice = within(ours).getByRole("listitem", { name: ALICE });

    await user.click(within(alice).getByRole("button", { name: `Remove ${ALICE}` }));
    const dialog = screen.getByRole("dialog", { name: `Remove ${ALICE} from opt-outs?` });
    expect(dialog).toHaveAccessibleDescription("This person asked not to be texted.");
    expect(dialog).toHaveTextContent(
      `They opted out by replying STOP on ${exact(store.optOuts[0]?.since ?? "")}.`,
    );
    expect(dialog).toHaveTextContent(
      `Removing it lets your agents and the composer text ${ALICE} again from ClickSend account sandbox_user.`,
    );

    // Cancel changes nothing.
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(store.removeCalls).toEqual([]);
    expect(screen.queryByRole("dialog")).toBeNull();

    await user.click(within(alice).getByRole("button", { name: `Remove ${ALICE}` }));
    await user.click(
      within(screen.getByRole("dialog")).getByRole("button", { name: "Remove and allow texts" }),
    );
    await waitFor(() => {
      expect(store.removeCalls).toEqual([{ p_account_username: "sandbox_user", p_phone: ALICE }]);
    });
    await waitFor(() => {
      expect(within(ours).queryByRole("listitem", { name: ALICE })).toBeNull();
    });
    expect(ours).toHaveTextContent("No one has opted out of this account.");
  });
});
