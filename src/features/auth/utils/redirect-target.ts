import { paths, REDIRECT_PARAM } from "@/config/paths";

const AUTH_PAGES: readonly string[] = [paths.signIn, paths.createAccount];

/**
 * The in-app page to return to after signing in, from `?redirectTo=`. Only same-origin paths are
 * accepted ("/agents", not "//evil.example" or "https://..."), so the link cannot send users away.
 */
export function redirectTargetFrom(search: URLSearchParams): string {
  const target = search.get(REDIRECT_PARAM);
  if (!target?.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) {
    return paths.home;
  }
  const pathname = target.split(/[?#]/)[0] ?? "";
  return AUTH_PAGES.includes(pathname) ? paths.home : target;
}

/** `path` with `?redirectTo=target`, leaving it off when the target is the overview anyway. */
export function withRedirect(path: string, target: string): string {
  if (target === paths.home) return path;
  return `${path}?${new URLSearchParams({ [REDIRECT_PARAM]: target }).toString()}`;
}
