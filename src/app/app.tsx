import { RouterProvider } from "react-router/dom";

import { AppProvider } from "@/app/provider";
import { router } from "@/app/router";
// Checked before anything renders, so bad configuration stops the app with a readable message.
import "@/lib/env";

export function App() {
  return (
    <AppProvider>
      <RouterProvider router={router} />
    </AppProvider>
  );
}
