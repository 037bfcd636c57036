// npm run test:e2e — Playwright journeys in Debian's Chromium against the local stack.
// No end-to-end specs exist yet (they come with the web app); say so and succeed.
console.log("test:e2e: no end-to-end specs yet; nothing to run.");
