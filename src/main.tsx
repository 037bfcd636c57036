import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { StartupError } from "@/app/startup-error";
import { startTheme } from "@/lib/theme";

import "./index.css";

// Follows the stored theme, and the OS live when it is "system" (index.html applied it already).
startTheme();

const container = document.getElementById("root");
if (!container) throw new Error('index.html must contain <div id="root"> for the app to mount in.');
const root = createRoot(container);

// The app is imported dynamically so that a failure while loading it (such as invalid
// configuration, which src/lib/env.ts reports by throwing) appears on the page, not only in the console.
import("@/app/app")
  .then(({ App }) => {
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    console.error(error);
    root.render(<StartupError error={error} />);
  });
