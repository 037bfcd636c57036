/** Shown while a page's code is being fetched. */
export function PageLoading() {
  return (
    <p role="status" className="py-8 text-sm text-slate-600 dark:text-slate-300">
      Loading…
    </p>
  );
}
