import { vi } from "vitest";

/**
 * jsdom has no matchMedia: a stand-in that answers "(prefers-color-scheme: dark)" as the test
 * says, and lets it change as an OS switch to dark mode would (firing "change").
 */
export function fakeColorScheme(initial: "light" | "dark") {
  let dark = initial === "dark";
  const listeners = new Set<(event: MediaQueryListEvent) => void>();
  const matchMedia = vi.fn((query: string) => {
    const isDarkQuery = query === "(prefers-color-scheme: dark)";
    return {
      get matches() {
        return isDarkQuery && dark;
      },
      media: query,
      onchange: null,
      addEventListener: (_type: "change", listener: (event: MediaQueryListEvent) => void) => {
        if (isDarkQuery) listeners.add(listener);
      },
      removeEventListener: (_type: "change", listener: (event: MediaQueryListEvent) => void) => {
        listeners.delete(listener);
      },
      addListener: () => undefined,
      removeListener: () => undefined,
      dispatchEvent: () => false,
    } as unknown as MediaQueryList;
  });
  vi.stubGlobal("matchMedia", matchMedia);
  return {
    /** The OS switches scheme: every listener hears it, as the browser would tell them. */
    set(scheme: "light" | "dark") {
      dark = scheme === "dark";
      for (const listener of [...listeners]) {
        listener({ matches: dark, media: "(prefers-color-scheme: dark)" } as MediaQueryListEvent);
      }
    },
    listenerCount: () => listeners.size,
  };
}
