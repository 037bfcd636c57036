// The /v3 endpoints the sandbox implements.
import type { SandboxContext } from "./context.ts";
import { accountView } from "./accounts.ts";
import {
  createInboundRule,
  createReceiptRule,
  deleteInboundRule,
  deleteReceiptRule,
  getInboundRule,
  getReceiptRule,
  listInboundRules,
  listReceiptRules,
  updateInboundRule,
  updateReceiptRule,
} from "./automations.ts";
import { ok } from "./envelope.ts";
import { mmsHistory, smsHistory } from "./history.ts";
import {
  addTestInbound,
  getReply,
  listInbound,
  markAllInboundRead,
  markInboundRead,
} from "./inbound.ts";
import { priceMms, sendMms } from "./mms.ts";
import { addTestReceipt, getReceipt, listReceipts, markReceiptsRead } from "./receipts.ts";
import type { Route, RouteRequest } from "./router.ts";
import { cancelAllSms, cancelSms, priceSms, sendSms } from "./sms.ts";
import { upload } from "./uploads.ts";

const getAccount = (_ctx: SandboxContext, req: RouteRequest) =>
  ok("Here's your account.", accountView(req.account));

export const ROUTES: readonly Route[] = [
  { method: "GET", pattern: "/account", handler: getAccount },
  { method: "POST", pattern: "/sms/send", handler: sendSms },
  { method: "POST", pattern: "/sms/price", handler: priceSms },
  { method: "GET", pattern: "/sms/history", handler: smsHistory },
  { method: "PUT", pattern: "/sms/cancel-all", handler: cancelAllSms },
  { method: "PUT", pattern: "/sms/:id/cancel", handler: cancelSms },
  { method: "GET", pattern: "/sms/receipts", handler: listReceipts },
  { method: "POST", pattern: "/sms/receipts", handler: addTestReceipt },
  { method: "GET", pattern: "/sms/receipts/:id", handler: getReceipt },
  { method: "PUT", pattern: "/sms/receipts-read", handler: markReceiptsRead },
  { method: "GET", pattern: "/sms/inbound", handler: listInbound },
  { method: "POST", pattern: "/sms/inbound", handler: addTestInbound },
  { method: "GET", pattern: "/sms/inbound/:id", handler: getReply },
  { method: "PUT", pattern: "/sms/inbound-read", handler: markAllInboundRead },
  { method: "PUT", pattern: "/sms/inbound-read/:id", handler: markInboundRead },
  { method: "POST", pattern: "/mms/send", handler: sendMms },
  { method: "POST", pattern: "/mms/price", handler: priceMms },
  { method: "GET", pattern: "/mms/history", handler: mmsHistory },
  { method: "POST", pattern: "/uploads", handler: upload },
  { method: "GET", pattern: "/automations/sms/receipts", handler: listReceiptRules },
  { method: "POST", pattern: "/automations/sms/receipts", handler: createReceiptRule },
  { method: "GET", pattern: "/automations/sms/receipts/:id", handler: getReceiptRule },
  { method: "PUT", pattern: "/automations/sms/receipts/:id", handler: updateReceiptRule },
  { method: "DELETE", pattern: "/automations/sms/receipts/:id", handler: deleteReceiptRule },
  { method: "GET", pattern: "/automations/sms/inbound", handler: listInboundRules },
  { method: "POST", pattern: "/automations/sms/inbound", handler: createInboundRule },
  { method: "GET", pattern: "/automations/sms/inbound/:id", handler: getInboundRule },
  { method: "PUT", pattern: "/automations/sms/inbound/:id", handler: updateInboundRule },
  { method: "DELETE", pattern: "/automations/sms/inbound/:id", handler: deleteInboundRule },
];
