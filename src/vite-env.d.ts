// Variables the app reads from import.meta.env. They are checked at startup by src/lib/env.ts;
// these declarations only make typos visible to the compiler.
interface ImportMetaEnv {
  readonly VITE_SUPABASE_URL?: string;
  readonly VITE_SUPABASE_ANON_KEY?: string;
}
