// npm run stack — the API gateway, Edge Functions and ClickSend sandbox without Vite.
// Nothing to run yet: the local stack is built in the next issue. Exits 0 so scripts can call it.
console.log(
  "stack: the local API gateway, functions and ClickSend sandbox are not built yet; nothing to run.",
);
