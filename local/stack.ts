// npm run stack — database, gateway, Edge Functions and ClickSend sandbox, without Vite (for
// tests and scripts). `npm run stack -- --reset` starts from an empty embedded database.
import { runStack } from "./stack-runner.ts";

await runStack({
  withApp: false,
  reset: process.argv.includes("--reset"),
  // Tests and scripts sign up and sign in many users from 127.0.0.1, past the per-IP limit for people.
  signInSignUpsPerIp: 100_000,
});
