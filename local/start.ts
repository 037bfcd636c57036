// npm start — the whole local stack plus the web app on http://127.0.0.1:5173.
// `npm start -- --reset` starts from an empty embedded database.
import { runStack } from "./stack-runner.ts";

await runStack({ withApp: true, reset: process.argv.includes("--reset") });
