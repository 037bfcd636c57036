// ClickSend's Laravel-style paginator (clicksend-api.md §1.5): `limit` defaults to 15 and is
// clamped to 15–100, `page` to at least 1; an empty list has last_page 0 and from/to null.
// next/prev URLs carry only `?page=N`, as ClickSend's examples do: filters and limit are not
// kept, so clients should build their own URLs rather than follow these.
import { intParam } from "./http.ts";

const MIN_LIMIT = 15;
const MAX_LIMIT = 100;

export interface Paginator<T> {
  total: number;
  per_page: number;
  current_page: number;
  last_page: number;
  next_page_url: string | null;
  prev_page_url: string | null;
  from: number | null;
  to: number | null;
  data: T[];
}

export interface PageRequest {
  page: number;
  limit: number;
}

export function pageRequest(query: URLSearchParams): PageRequest {
  const limit = intParam(query, "limit") ?? MIN_LIMIT;
  const page = intParam(query, "page") ?? 1;
  return { page: Math.max(1, page), limit: Math.min(MAX_LIMIT, Math.max(MIN_LIMIT, limit)) };
}

/** One page of `items`; `pageUrl` is the endpoint's absolute URL without a query. */
export function paginate<T>(
  items: readonly T[],
  request: PageRequest,
  pageUrl: string,
): Paginator<T> {
  const { page, limit } = request;
  const total = items.length;
  const lastPage = Math.ceil(total / limit);
  const start = (page - 1) * limit;
  const data = items.slice(start, start + limit);
  const link = (target: number): string => `${pageUrl}?page=${target}`;
  return {
    total,
    per_page: limit,
    current_page: page,
    last_page: lastPage,
    next_page_url: page < lastPage ? link(page + 1) : null,
    prev_page_url: page > 1 ? link(page - 1) : null,
    from: data.length > 0 ? start + 1 : null,
    to: data.length > 0 ? start + data.length : null,
    data,
  };
}
