// What happens to a message after ClickSend accepts it: the receipts it will get, in order.
// Real numbers get 200 (sent to network) at once and 201 (on handset) after the receipt delay;
// sandbox magic numbers produce the other codes. Test numbers get nothing (see numbers.ts).

export type ReceiptStatusCode = 200 | 201 | 300 | 301 | 302;

export interface DeliveryStep {
  /** false: when the message is dispatched; true: one receipt delay later. */
  delayed: boolean;
  statusCode: ReceiptStatusCode;
  errorCode: number | null;
}

/** ClickSend's gateway error codes that end a message (help "List of SMS gateway error codes"). */
const GATEWAY_ERRORS: ReadonlyMap<number, { statusCode: ReceiptStatusCode; text: string }> =
  new Map([
    [7, { statusCode: 301, text: "Unknown failure." }],
    [8, { statusCode: 301, text: "Unknown subscriber: the number is inactive or invalid." }],
    [9, { statusCode: 301, text: "Unidentified subscriber: the network could not route it." }],
    [10, { statusCode: 301, text: "Illegal subscriber: rejected by authentication or filtering." }],
    [11, { statusCode: 301, text: "The network or handset does not support SMS." }],
    [12, { statusCode: 301, text: "Absent subscriber: the handset was off or out of range." }],
    [13, { statusCode: 301, text: "Handset memory full." }],
    [14, { statusCode: 301, text: "Recipient network error or congestion." }],
    [15, { statusCode: 301, text: "Rejected by the network." }],
    [16, { statusCode: 300, text: "Temporary network error, will be retried." }],
    [17, { statusCode: 301, text: "Network timeout." }],
    [18, { statusCode: 301, text: "Network routing error." }],
    [19, { statusCode: 301, text: "Rejected as spam." }],
    [20, { statusCode: 301, text: "Delivery receipt expired." }],
  ]);

/** Answers THROTTLED at send time, as if the same body had just gone to it. */
export const THROTTLED_NUMBER = "+61400000429";

const NORMAL: readonly DeliveryStep[] = [
  { delayed: false, statusCode: 200, errorCode: null },
  { delayed: true, statusCode: 201, errorCode: null },
];

const MAGIC_NUMBERS: ReadonlyMap<string, readonly DeliveryStep[]> = new Map([
  ["+61400000200", [{ delayed: false, statusCode: 200, errorCode: null }]],
  [
    "+61400000300",
    [
      { delayed: false, statusCode: 300, errorCode: 16 },
      { delayed: true, statusCode: 201, errorCode: null },
    ],
  ],
  [
    "+61400000301",
    [
      { delayed: false, statusCode: 200, errorCode: null },
      { delayed: true, statusCode: 301, errorCode: 8 },
    ],
  ],
  [
    "+61400000302",
    [
      { delayed: false, statusCode: 302, errorCode: null },
      { delayed: true, statusCode: 301, errorCode: 18 },
    ],
  ],
]);

/** +614000010EE: sent (200), then the gateway error EE (07–20) from the help article's table. */
const ERROR_FAMILY = /^\+614000010(\d\d)$/;

export function deliveryPlan(e164: string): readonly DeliveryStep[] {
  const magic = MAGIC_NUMBERS.get(e164);
  if (magic) return magic;
  const family = ERROR_FAMILY.exec(e164);
  const errorCode = family?.[1] ? Number(family[1]) : undefined;
  const error = errorCode === undefined ? undefined : GATEWAY_ERRORS.get(errorCode);
  if (errorCode !== undefined && error) {
    return [
      { delayed: false, statusCode: 200, errorCode: null },
      { delayed: true, statusCode: error.statusCode, errorCode },
    ];
  }
  return NORMAL;
}

export function statusText(statusCode: ReceiptStatusCode, errorCode: number | null): string {
  switch (statusCode) {
    case 200:
      return "Sent: Message sent to the network.";
    case 201:
      return "Success: Message received on handset.";
    case 300:
      return "Temporary: Temporary network error, will be retried.";
    case 302:
      return "Temporary: Supplier routing issue, will be retried.";
    case 301:
      return `Failed: ${errorText(errorCode) ?? "Message could not be delivered."}`;
  }
}

export function errorText(errorCode: number | null): string | null {
  return errorCode === null ? null : (GATEWAY_ERRORS.get(errorCode)?.text ?? null);
}

/** The history `status` word a receipt code leaves behind (no "Delivered" exists). */
export function historyStatusFor(statusCode: ReceiptStatusCode): "Sent" | "Failed" {
  return statusCode === 200 || statusCode === 201 ? "Sent" : "Failed";
}

export function isFailure(statusCode: ReceiptStatusCode): boolean {
  return statusCode === 300 || statusCode === 301 || statusCode === 302;
}
