import { useSyncExternalStore } from "react";
import { z } from "zod";

/**
 * The colour theme: the user's choice (light, dark, or whatever the OS says), kept in
 * localStorage, and the scheme it resolves to, written on <html data-theme="light|dark">, which
 * Tailwind's `dark:` variant follows (src/index.css). index.html applies the stored choice with a
 * tiny inline script before the first paint, so a dark page never flashes light; it reads the
 * same key and values as this module (theme.test.ts checks that they agree).
 */
export const THEME_STORAGE_KEY = "theme";

const themeChoiceSchema = z.enum(["light", "dark", "system"]);
export type ThemeChoice = z.infer<typeof themeChoiceSchema>;
type Scheme = "light" | "dark";

const DARK_QUERY = "(prefers-color-scheme: dark)";

/** The stored choice; anything missing, unreadable or unknown counts as "system". */
export function readThemeChoice(): ThemeChoice {
  try {
    return themeChoiceSchema.catch("system").parse(localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    // Storage can be unavailable (privacy settings); the OS's preference still works.
    return "system";
  }
}

function darkQuery(): MediaQueryList | null {
  return typeof window.matchMedia === "function" ? window.matchMedia(DARK_QUERY) : null;
}

function resolveScheme(choice: ThemeChoice, osPrefersDark: boolean): Scheme {
  if (choice === "system") return osPrefersDark ? "dark" : "light";
  return choice;
}

/**
 * Writes the scheme on <html>. Colour transitions are held for one frame, so every button does not
 * fade on its own when the whole page changes scheme.
 */
function applyScheme(scheme: Scheme): void {
  const root = document.documentElement;
  if (root.dataset.theme === scheme) return;
  const hold = document.createElement("style");
  hold.textContent = "*,*::before,*::after{transition:none!important}";
  document.head.append(hold);
  root.dataset.theme = scheme;
  root.style.colorScheme = scheme;
  // Reading a computed style makes the browser apply the new colours before transitions return.
  window.getComputedStyle(root).getPropertyValue("color");
  requestAnimationFrame(() => {
    hold.remove();
  });
}

type ThemeState = { choice: ThemeChoice; scheme: Scheme };

let state: ThemeState | null = null;
const listeners = new Set<() => void>();

function compute(): ThemeState {
  const choice = readThemeChoice();
  return { choice, scheme: resolveScheme(choice, darkQuery()?.matches ?? false) };
}

/** Recomputes from storage and the OS, applies the scheme, and tells subscribers if it changed. */
function refresh(): void {
  const next = compute();
  applyScheme(next.scheme);
  if (state?.choice === next.choice && state.scheme === next.scheme) return;
  state = next;
  for (const listener of listeners) listener();
}

function onStorage(event: StorageEvent): void {
  // Another tab changed the theme (or cleared storage): follow it.
  if (event.key === THEME_STORAGE_KEY || event.key === null) refresh();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    darkQuery()?.addEventListener("change", refresh);
    window.addEventListener("storage", onStorage);
    refresh();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      darkQuery()?.removeEventListener("change", refresh);
      window.removeEventListener("storage", onStorage);
    }
  };
}

function getSnapshot(): ThemeState {
  state ??= compute();
  return state;
}

/** Stores the choice and applies it at once. */
function setThemeChoice(choice: ThemeChoice): void {
  try {
    localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Not persisted (storage unavailable), but still applied to this page below.
  }
  const next = {
    choice,
    scheme: resolveScheme(choice, darkQuery()?.matches ?? false),
  };
  applyScheme(next.scheme);
  state = next;
  for (const listener of listeners) listener();
}

/**
 * Starts following the stored choice and, when it is "system", the OS live. The app calls it
 * once at start-up, so the theme follows the OS on every page, with or without the control.
 */
export function startTheme(): () => void {
  return subscribe(() => undefined);
}

/** The choice and what it resolves to now, with a way to change it. */
export function useTheme(): ThemeState & { setChoice: (choice: ThemeChoice) => void } {
  const current = useSyncExternalStore(subscribe, getSnapshot);
  return { ...current, setChoice: setThemeChoice };
}
