// Agent webhooks: where an agent is woken when something happens for it (a reply now; approvals
// and opt-outs later). Each event is POSTed as JSON, signed with the agent's secret (kept in
// Vault, shown to the owner once), retried on a schedule, and every attempt is recorded for the
// owner to see. The URL must be https to a public address: a webhook must never reach into the
// network the backend runs in (checked when it is set and again before every attempt, since DNS
// can change in between).
import { z } from "zod";
import {
  agentWebhookViewSchema,
  type AgentWebhookBody,
  type AgentWebhookChange,
} from "./contracts/function-requests.ts";
import type { FunctionEnv } from "./env.ts";
import { isSandbox } from "./env.ts";
import { ApiError } from "./http.ts";
import { UNTRUSTED_REPLY_WARNING, type StoredReply } from "./inbound.ts";
import type { Db } from "./supabase.ts";

export const SIGNATURE_HEADER = "ClickSend-Agents-Signature";
/** When each attempt starts, from the moment the event happened: about 0, 2, 10, 30 and 60 s. */
export const ATTEMPT_DELAYS_MS = [0, 2000, 10_000, 30_000, 60_000] as const;
const ATTEMPT_TIMEOUT_MS = 10_000;

type EventType = "reply" | "approval_decided" | "opt_out" | "opt_in";

export interface AgentEvent {
  type: EventType;
  id: string;
  agent_id: string;
  created_at: string;
  data: Record<string, unknown>;
}

/** Looks a host name up (A and AAAA); the functions pass Deno.resolveDns. */
export type Resolver = (host: string) => Promise<string[]>;

function ipv4Parts(address: string): number[] | null {
  const parts = address.split(".");
  if (parts.length !== 4) return null;
  const numbers = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
  return numbers.every((n) => n >= 0 && n <= 255) ? numbers : null;
}

/** True for addresses a webhook must not reach: private, loopback, link-local and the like. */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").toLowerCase();
  const v4 = ipv4Parts(bare);
  if (v4) {
    const [a = 0, b = 0] = v4;
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0 && v4[2] === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  if (!bare.includes(":")) return false;
  const words = ipv6Words(bare);
  // Not an address this check can read: not one a webhook may use.
  if (words === null) return true;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  const embedded = (high: number, low: number) =>
    `${String(high >> 8)}.${String(high & 0xff)}.${String(low >> 8)}.${String(low & 0xff)}`;
  const firstFiveZero = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  // ::, ::1 and the IPv4-compatible ::a.b.c.d (deprecated; never a public webhook).
  if (firstFiveZero && w5 === 0) return true;
  // IPv4-mapped ::ffff:a.b.c.d and NAT64 64:ff9b::a.b.c.d reach the IPv4 address inside.
  if (firstFiveZero && w5 === 0xffff) return isNonPublicAddress(embedded(w6, w7));
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0)
    return isNonPublicAddress(embedded(w6, w7));
  // 6to4 2002:AABB:CCDD::/48 carries the IPv4 address AA.BB.CC.DD.
  if (w0 === 0x2002) return isNonPublicAddress(embedded(w1, w2));
  return (
    (w0 & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (w0 & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (w0 & 0xff00) === 0xff00 || // multicast ff00::/8
    (w0 === 0x2001 && w1 === 0x0db8) || // documentation 2001:db8::/32
    (w0 === 0x0100 && w1 === 0 && w2 === 0 && w3 === 0) // discard 100::/64
  );
}

/** An IPv6 address as its eight 16-bit words (a trailing dotted IPv4 part allowed), or null. */
function ipv6Words(address: string): number[] | null {
  let text = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const v4 = ipv4Parts(dotted[1]);
    if (v4 === null) return null;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, -dotted[1].length);
    if (text.endsWith(":") && !text.endsWith("::")) text = text.slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === "") return [];
    const groups = part.split(":");
    if (groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
    return groups.map((group) => parseInt(group, 16));
  };
  const head = parse(halves[0] ?? "");
  const rest = halves.length === 2 ? parse(halves[1] ?? "") : [];
  if (head === null || rest === null) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1) return known === 8 ? [...head, ...tail] : null;
  if (known > 7) return null;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

/**
 * Why a webhook URL may not be used, or null. https only, to a host that resolves to public
 * addresses only; while the backend talks to the local ClickSend sandbox, http://127.0.0.1 is
 * allowed too, so the local stack and its tests can receive events.
 */
export async function webhookUrlProblem(
  env: FunctionEnv,
  raw: string,
  resolve: Resolver,
): Promise<string | null> {
  if (!URL.canParse(raw)) return "url: not a URL";
  // Kept as given, so it must be what the column takes (and what URL() reads it as): no space,
  // control character or unpaired surrogate, and http(s):// in lower case.
  if (/[\s\p{Cc}\p{Cs}]/u.test(raw)) return "url: must not contain spaces or control characters";
  if (!/^https?:\/\//.test(raw)) return "url: must start with https://";
  const url = new URL(raw);
  if (url.username !== "" || url.password !== "") return "url: must not contain a user or password";
  if (isSandbox(env) && url.protocol === "http:" && url.hostname === "127.0.0.1") return null;
  if (url.protocol !== "https:") return "url: must start with https://";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (ipv4Parts(host) !== null || host.includes(":")) {
    return isNonPublicAddress(host) ? "url: must not point to a private or local address" : null;
  }
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local"))
    return "url: must not point to a private or local address";
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) return `url: ${host} could not be resolved`;
  if (addresses.some(isNonPublicAddress))
    return "url: must not point to a private or local address";
  return null;
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The signature header's value: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>. */
export async function signatureHeader(
  secret: string,
  unixSeconds: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${String(unixSeconds)}.${body}`),
  );
  return `t=${String(unixSeconds)},v1=${hex(mac)}`;
}

const targetSchema = z.array(z.object({ user_id: z.uuid(), url: z.string(), secret: z.string() }));

export interface DeliveryOptions {
  resolve: Resolver;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  delaysMs?: readonly number[];
}

/**
 * Delivers one event to its agent's webhook, if the agent has one: attempts at about 0, 2, 10,
 * 30 and 60 s until one is answered 2xx, each recorded in agent_webhook_deliveries. Never
 * throws: a failed delivery is visible on the agent's page, and the reply stays stored.
 */
export async function deliverEvent(
  env: FunctionEnv,
  service: Db,
  event: AgentEvent,
  options: DeliveryOptions,
): Promise<{ attempts: number; delivered: boolean }> {
  const doFetch = options.fetch ?? fetch;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const delays = options.delaysMs ?? ATTEMPT_DELAYS_MS;
  const { data, error } = await service.rpc("agent_webhook_target", {
    p_agent_id: event.agent_id,
  });
  const target = error ? undefined : targetSchema.catch([]).parse(data)[0];
  if (target === undefined) return { attempts: 0, delivered: false };
  const body = JSON.stringify(event);
  const started = Date.now();
  let attempts = 0;
  for (const [index, delay] of delays.entries()) {
    const wait = started + delay - Date.now();
    if (wait > 0) await sleep(wait);
    attempts = index + 1;
    let statusCode: number | null = null;
    let problem: string | null = await webhookUrlProblem(env, target.url, options.resolve);
    if (problem === null) {
      try {
        const response = await doFetch(target.url, {
          method: "POST",
          redirect: "manual",
          headers: {
            "content-type": "application/json",
            "user-agent": "clicksend-agents-webhooks/1",
            [SIGNATURE_HEADER]: await signatureHeader(
              target.secret,
              Math.floor(Date.now() / 1000),
              body,
            ),
          },
          body,
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        await response.body?.cancel();
        statusCode = response.status;
        if (response.status < 200 || response.status > 299)
          problem = `answered HTTP ${String(response.status)}`;
      } catch (failure) {
        problem =
          failure instanceof Error && failure.name === "TimeoutError"
            ? `no answer within ${String(ATTEMPT_TIMEOUT_MS / 1000)} s`
            : "could not connect";
      }
    }
    await service.from("agent_webhook_deliveries").insert({
      user_id: target.user_id,
      agent_id: event.agent_id,
      event_id: event.id,
      event_type: event.type,
      attempt: attempts,
      url: target.url.slice(0, 2000),
      status_code: statusCode,
      error: problem,
      succeeded: problem === null,
    });
    if (problem === null) return { attempts, delivered: true };
  }
  return { attempts, delivered: false };
}

/** Runs work after the response is sent: EdgeRuntime.waitUntil on Supabase, a floating task locally. */
function inBackground(task: Promise<unknown>): void {
  const runtime = (globalThis as { EdgeRuntime?: { waitUntil?: (p: Promise<unknown>) => void } })
    .EdgeRuntime;
  const guarded = task.catch(() => undefined);
  if (typeof runtime?.waitUntil === "function") runtime.waitUntil(guarded);
}

// ---------------------------------------------------------------------------------------------
// Settings: the agent-webhooks function
// ---------------------------------------------------------------------------------------------
const setOutcomeSchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("agent_not_found") }),
  z.object({ outcome: z.literal("webhook_not_found") }),
  z.object({
    outcome: z.literal("ok"),
    secret: z.string().nullable(),
    webhook: agentWebhookViewSchema,
  }),
]);

/** Sets, rotates or removes an agent's webhook for its owner. */
export async function changeAgentWebhook(
  env: FunctionEnv,
  service: Db,
  userId: string,
  body: AgentWebhookBody,
  resolve: Resolver,
): Promise<AgentWebhookChange | { removed: boolean }> {
  if (body.action === "remove") {
    const { data, error } = await service
      .from("agent_webhooks")
      .delete()
      .eq("agent_id", body.agent_id)
      .eq("user_id", userId)
      .select("agent_id");
    if (error) throw new ApiError(500, "database_error", "Could not remove the webhook.", true);
    return { removed: data.length > 0 };
  }
  if (body.action === "set") {
    const problem = await webhookUrlProblem(env, body.url, resolve);
    if (problem !== null) throw new ApiError(400, "invalid_request", problem);
  }
  const { data, error } = await service.rpc("agent_webhook_set", {
    p_user_id: userId,
    p_agent_id: body.agent_id,
    ...(body.action === "set" ? { p_url: body.url } : {}),
    p_rotate: body.action === "rotate_secret",
  });
  if (error) throw new ApiError(500, "database_error", "Could not save the webhook.", true);
  const outcome = setOutcomeSchema.parse(data);
  if (outcome.outcome === "agent_not_found")
    throw new ApiError(404, "agent_not_found", "No such agent in your account.");
  if (outcome.outcome === "webhook_not_found")
    throw new ApiError(404, "webhook_not_found", "This agent has no webhook; set its URL first.");
  return { webhook: outcome.webhook, secret: outcome.secret };
}

// ---------------------------------------------------------------------------------------------
// Waking agents
// ---------------------------------------------------------------------------------------------
interface DenoDns {
  resolveDns: (host: string, type: "A" | "AAAA") => Promise<string[]>;
}

/** The system's DNS (Deno's, in the functions); no answer where there is none. */
export const systemResolver: Resolver = async (host) => {
  const deno = (globalThis as { Deno?: DenoDns }).Deno;
  if (deno === undefined) return [];
  const [v4, v6] = await Promise.all([
    deno.resolveDns(host, "A").catch(() => []),
    deno.resolveDns(host, "AAAA").catch(() => []),
  ]);
  return [...v4, ...v6];
};

/** A reply as its agent's webhook receives it. */
export function replyEvent(reply: StoredReply, connectionId: string): AgentEvent | null {
  if (reply.agent_id === null) return null;
  if (reply.consent !== null) {
    // A STOP or START word is not a message to act on: the agent hears what changed.
    return {
      type: reply.consent,
      id: crypto.randomUUID(),
      agent_id: reply.agent_id,
      created_at: new Date().toISOString(),
      data: {
        connection_id: connectionId,
        contact: reply.from_number,
        received_at: new Date(reply.received_at).toISOString(),
        meaning:
          reply.consent === "opt_out"
            ? "This person replied with an opt-out word. Sends to this number are now refused (OPTED_OUT); do not try to reach them another way."
            : "This person replied with an opt-in word. Sends to this number are allowed again.",
      },
    };
  }
  return {
    type: "reply",
    id: crypto.randomUUID(),
    agent_id: reply.agent_id,
    created_at: new Date().toISOString(),
    data: {
      untrusted_content_warning: UNTRUSTED_REPLY_WARNING,
      reply_id: reply.id,
      message_id: reply.clicksend_message_id,
      connection_id: connectionId,
      from: reply.from_number,
      to: reply.to_number,
      body: reply.body,
      received_at: new Date(reply.received_at).toISOString(),
      original_message_id: reply.original_message_id,
    },
  };
}

/**
 * Starts delivering one event to its agent's webhook after the caller has answered; resolves
 * when every attempt is over (tests wait for it, functions do not).
 */
export function notifyAgent(
  env: FunctionEnv,
  service: Db,
  event: Omit<AgentEvent, "id" | "created_at">,
  options: Partial<DeliveryOptions> = {},
): Promise<unknown> {
  const delivery = deliverEvent(
    env,
    service,
    { ...event, id: crypto.randomUUID(), created_at: new Date().toISOString() },
    { resolve: systemResolver, ...options },
  );
  inBackground(delivery);
  return delivery;
}

/**
 * Starts delivering each stored reply to its agent's webhook, after the caller has answered
 * (EdgeRuntime.waitUntil on Supabase; locally the function's process keeps running it).
 */
export function wakeAgents(
  env: FunctionEnv,
  service: Db,
  stored: StoredReply[],
  connectionId: string,
  options: Partial<DeliveryOptions> = {},
): Promise<unknown> {
  const deliveries = stored.flatMap((reply) => {
    const event = replyEvent(reply, connectionId);
    if (event === null) return [];
    return [deliverEvent(env, service, event, { resolve: systemResolver, ...options })];
  });
  const all = Promise.all(deliveries);
  inBackground(all);
  return all;
}
