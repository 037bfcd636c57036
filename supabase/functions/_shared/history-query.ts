// History arguments (tool catalog) as a ClickSend history query, newest first.
import type { HistoryQuery } from "./clicksend/client.ts";
import type { ToolArguments } from "./contracts/tool-catalog.ts";

const unixSeconds = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : Math.floor(Date.parse(iso) / 1000);

export function historyQuery(args: ToolArguments<"clicksend_get_sms_history">): HistoryQuery {
  return {
    page: args.page,
    limit: args.limit,
    dateFrom: unixSeconds(args.date_from),
    dateTo: unixSeconds(args.date_to),
    // ClickSend's q takes one field:value; the recipient is the more selective filter.
    q:
      args.to !== undefined
        ? `to:${args.to}`
        : args.status !== undefined
          ? `status:${args.status}`
          : undefined,
    orderBy: "date:desc",
  };
}
