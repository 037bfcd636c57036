import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { readThemeChoice, THEME_STORAGE_KEY, useTheme } from "@/lib/theme";
import { fakeColorScheme } from "@/testing/match-media";

import indexHtml from "../../index.html?raw";

const html = document.documentElement;

beforeEach(() => {
  localStorage.clear();
  delete html.dataset.theme;
  html.style.colorScheme = "";
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("theme store", () => {
  it("starts on system and follows the OS, live, while the choice is system", () => {
    const os = fakeColorScheme("light");
    const { result, unmount } = renderHook(() => useTheme());
    expect(result.current.choice).toBe("system");
    expect(html.dataset.theme).toBe("light");

    act(() => {
      os.set("dark");
    });
    expect(result.current.scheme).toBe("dark");
    expect(html.dataset.theme).toBe("dark");
    expect(html.style.colorScheme).toBe("dark");

    act(() => {
      os.set("light");
    });
    expect(html.dataset.theme).toBe("light");
    unmount();
    expect(os.listenerCount()).toBe(0);
  });

  it("keeps an explicit choice whatever the OS says, and stores it", () => {
    const os = fakeColorScheme("light");
    const { result, unmount } = renderHook(() => useTheme());

    act(() => {
      result.current.setChoice("dark");
    });
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("dark");
    expect(result.current).toMatchObject({ choice: "dark", scheme: "dark" });
    expect(html.dataset.theme).toBe("dark");

    act(() => {
      os.set("dark");
      os.set("light");
    });
    expect(html.dataset.theme).toBe("dark");

    act(() => {
      result.current.setChoice("system");
    });
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("system");
    expect(html.dataset.theme).toBe("light");
    unmount();
  });

  it("reads a stored choice back, as after a reload", () => {
    fakeColorScheme("dark");
    localStorage.setItem(THEME_STORAGE_KEY, "light");
    const { result, unmount } = renderHook(() => useTheme());
    expect(result.current).toMatchObject({ choice: "light", scheme: "light" });
    expect(html.dataset.theme).toBe("light");
    unmount();
  });

  it.each(["blue", "", "DARK", '"dark"'])("treats a stored %j as system", (stored) => {
    fakeColorScheme("dark");
    localStorage.setItem(THEME_STORAGE_KEY, stored);
    expect(readThemeChoice()).toBe("system");
    const { result, unmount } = renderHook(() => useTheme());
    expect(result.current).toMatchObject({ choice: "system", scheme: "dark" });
    expect(html.dataset.theme).toBe("dark");
    unmount();
  });

  it("follows a change made in another tab", () => {
    fakeColorScheme("light");
    const { result, unmount } = renderHook(() => useTheme());
    act(() => {
      localStorage.setItem(THEME_STORAGE_KEY, "dark");
      window.dispatchEvent(new StorageEvent("storage", { key: THEME_STORAGE_KEY }));
    });
    expect(result.current.choice).toBe("dark");
    expect(html.dataset.theme).toBe("dark");
    unmount();
  });

  it("works without matchMedia (light) and without storage (system, still applied)", () => {
    vi.stubGlobal("matchMedia", undefined);
    const { result, unmount } = renderHook(() => useTheme());
    expect(result.current.scheme).toBe("light");
    vi.spyOn(Storage.prototype, "setItem").mockImplementation(() => {
      throw new Error("storage disabled");
    });
    act(() => {
      result.current.setChoice("dark");
    });
    expect(html.dataset.theme).toBe("dark");
    vi.restoreAllMocks();
    unmount();
  });
});

// The inline script in index.html runs before the app to avoid a flash of the wrong scheme: it
// must resolve every stored value exactly as the module does.
describe("index.html's first-paint script", () => {
  const script = /<script>([\s\S]*?)<\/script>/.exec(indexHtml)?.[1];

  it.each([
    { stored: null, os: "light", expected: "light" },
    { stored: null, os: "dark", expected: "dark" },
    { stored: "system", os: "dark", expected: "dark" },
    { stored: "light", os: "dark", expected: "light" },
    { stored: "dark", os: "light", expected: "dark" },
    { stored: "blue", os: "dark", expected: "dark" },
    { stored: "blue", os: "light", expected: "light" },
  ] as const)("stored $stored with the OS in $os: $expected", ({ stored, os, expected }) => {
    expect(script).toBeDefined();
    fakeColorScheme(os);
    if (stored !== null) localStorage.setItem(THEME_STORAGE_KEY, stored);
    // The page's own script, run as the browser runs it (the test reads it from index.html).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function(script ?? "") as () => void;
    run();
    expect(html.dataset.theme).toBe(expected);
    expect(html.style.colorScheme).toBe(expected);

    // The module, started on the same page, agrees.
    delete html.dataset.theme;
    const { result, unmount } = renderHook(() => useTheme());
    expect(result.current.scheme).toBe(expected);
    unmount();
  });
});
