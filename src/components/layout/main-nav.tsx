import { NavLink } from "react-router";

import { mainNavItems } from "@/config/paths";
import { cn } from "@/utils/cn";

const linkBase =
  "block rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors " +
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400";

export function MainNav() {
  return (
    <nav aria-label="Main">
      <ul className="flex flex-wrap gap-1">
        {mainNavItems.map((item) => (
          <li key={item.to}>
            <NavLink
              to={item.to}
              className={({ isActive }) =>
                cn(
                  linkBase,
                  isActive
                    ? "bg-blue-50 text-blue-800 dark:bg-blue-950 dark:text-blue-200"
                    : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800",
                )
              }
            >
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
