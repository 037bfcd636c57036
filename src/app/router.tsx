import { createBrowserRouter } from "react-router";

import { routes } from "@/app/routes";

// Created once, outside React, as the data router expects.
export const router = createBrowserRouter(routes);
