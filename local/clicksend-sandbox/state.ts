// Everything the sandbox remembers, in memory. reset() empties it in place so that references
// held by tests and by the server stay valid.
import {
  createAccount,
  DEFAULT_ACCOUNTS,
  formatBalance,
  type AccountSeed,
  type AccountState,
} from "./accounts.ts";
import type { ReceiptStatusCode } from "./delivery.ts";
import type { Fault } from "./faults.ts";

type HistoryStatus = "Queued" | "Completed" | "Scheduled" | "Sent" | "Failed" | "Cancelled";

export interface StoredMessage {
  kind: "sms" | "mms";
  username: string;
  messageId: string;
  /** Unix seconds the message was submitted. */
  date: number;
  /** Unix seconds it is (or was) sent; equals `date` for immediate sends. */
  schedule: number;
  to: string;
  from: string;
  body: string;
  subject: string | null;
  mediaUrl: string | null;
  customString: string;
  fromEmail: string | null;
  country: string;
  carrier: string;
  parts: number;
  priceMicros: number;
  testNumber: boolean;
  status: HistoryStatus;
  statusCode: string | null;
  statusText: string | null;
  errorCode: string | null;
  errorText: string | null;
  /** Insertion order, the tie-breaker for sorting. */
  seq: number;
}

export interface StoredReceipt {
  username: string;
  messageId: string;
  timestampSend: number;
  timestamp: number;
  statusCode: ReceiptStatusCode;
  statusText: string;
  errorCode: number | null;
  errorText: string | null;
  customString: string;
  userId: number;
  subaccountId: number;
  /** Queued for GET /sms/receipts because a POLL rule matched when it arrived. */
  polled: boolean;
  read: boolean;
  seq: number;
}

export type ReceiptRuleAction = "URL" | "POLL" | "EMAIL_FIXED" | "EMAIL_USER" | "SMS" | "NONE";

export interface ReceiptRule {
  id: number;
  username: string;
  ruleName: string;
  /** 0 every receipt, 1 failed only, 2 successful only. */
  matchType: 0 | 1 | 2;
  action: ReceiptRuleAction;
  actionAddress: string;
  enabled: 0 | 1;
}

export const INBOUND_RULE_ACTIONS = [
  "AUTO_REPLY",
  "EMAIL_USER",
  "EMAIL_FIXED",
  "URL",
  "SMS",
  "POLL",
  "GROUP_SMS",
  "MOVE_CONTACT",
  "CREATE_CONTACT",
  "CREATE_CONTACT_PLUS_EMAIL",
  "CREATE_CONTACT_PLUS_NAME_EMAIL",
  "CREATE_CONTACT_PLUS_NAME",
  "SMPP",
  "NONE",
] as const;

export type InboundRuleAction = (typeof INBOUND_RULE_ACTIONS)[number];

/** How a URL rule pushes: form POST, GET with the same keys as a query, or a JSON POST. */
export type WebhookType = "post" | "get" | "json";

export interface InboundRule {
  id: number;
  username: string;
  /** "*" for every number, else the number as given. */
  dedicatedNumber: string;
  ruleName: string;
  /** 0 any message, 1 starts with, 2 contains, 3 does not contain (the search term). */
  messageSearchType: 0 | 1 | 2 | 3;
  messageSearchTerm: string | null;
  action: InboundRuleAction;
  actionAddress: string;
  enabled: 0 | 1;
  webhookType: WebhookType;
  /** Auto-reply text (not sent by the sandbox). */
  body: string | null;
}

/** A reply or another message received on one of the account's numbers. */
export interface StoredInbound {
  username: string;
  /** The inbound message's own id. */
  messageId: string;
  /** Unix seconds it arrived. */
  timestamp: number;
  /** The handset that sent it. */
  from: string;
  /** The account's number it was sent to. */
  to: string;
  body: string;
  /** The outbound message it answers; "" for an unsolicited message. */
  originalMessageId: string;
  originalBody: string;
  customString: string;
  userId: number;
  subaccountId: number;
  /** Rows queued for GET /sms/inbound: one per enabled matching POLL rule (0 = not polled). */
  pollCopies: number;
  read: boolean;
  seq: number;
}

export interface Upload {
  id: number;
  username: string;
  userId: number;
  fileName: string;
  contentType: string;
  convert: string;
  bytes: Buffer;
  dateAdded: number;
  dateDelete: number;
}

export interface SandboxState {
  accounts: Map<string, AccountState>;
  messages: StoredMessage[];
  receipts: StoredReceipt[];
  receiptRules: ReceiptRule[];
  inbound: StoredInbound[];
  inboundRules: InboundRule[];
  /** By file name, as served under /uploads/. */
  uploads: Map<string, Upload>;
  faults: Fault[];
  nextSeq: number;
  /** Receipt and inbound rules share one sequence of ids. */
  nextRuleId: number;
  nextUploadId: number;
}

export function createState(): SandboxState {
  const state: SandboxState = {
    accounts: new Map(),
    messages: [],
    receipts: [],
    receiptRules: [],
    inbound: [],
    inboundRules: [],
    uploads: new Map(),
    faults: [],
    nextSeq: 1,
    nextRuleId: 1,
    nextUploadId: 1,
  };
  resetState(state);
  return state;
}

export function resetState(state: SandboxState): void {
  state.accounts.clear();
  state.messages.length = 0;
  state.receipts.length = 0;
  state.receiptRules.length = 0;
  state.inbound.length = 0;
  state.inboundRules.length = 0;
  state.uploads.clear();
  state.faults.length = 0;
  state.nextSeq = 1;
  state.nextRuleId = 1;
  state.nextUploadId = 1;
  DEFAULT_ACCOUNTS.forEach((seed) => {
    addAccount(state, seed);
  });
}

/** Adds an account with the default POLL receipt rule, so GET /sms/receipts works at once. */
export function addAccount(state: SandboxState, seed: AccountSeed): AccountState {
  const account = createAccount(seed, state.accounts.size);
  state.accounts.set(account.username, account);
  state.receiptRules.push({
    id: state.nextRuleId++,
    username: account.username,
    ruleName: "Poll delivery receipts",
    matchType: 0,
    action: "POLL",
    actionAddress: "",
    enabled: 1,
  });
  return account;
}

export function nextSeq(state: SandboxState): number {
  return state.nextSeq++;
}

/** GET /_sandbox/state: counters per account, for tests that prove what was (not) sent. */
export function stateSummary(state: SandboxState): Record<string, unknown> {
  const accounts: Record<string, unknown> = {};
  const { inbound } = state;
  for (const account of state.accounts.values()) {
    accounts[account.username] = {
      balance: formatBalance(account.balanceMicros),
      sms_sent: account.smsSent,
      mms_sent: account.mmsSent,
      requests: account.requests,
      requests_by_endpoint: { ...account.requestsByEndpoint },
      unread_receipts: state.receipts.filter(
        (receipt) => receipt.username === account.username && receipt.polled && !receipt.read,
      ).length,
      inbound_received: inbound.filter((message) => message.username === account.username).length,
      unread_inbound: inbound
        .filter((message) => message.username === account.username && !message.read)
        .reduce((total, message) => total + message.pollCopies, 0),
    };
  }
  return { accounts, faults: state.faults.map((fault) => ({ ...fault })) };
}
