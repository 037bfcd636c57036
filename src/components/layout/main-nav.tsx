import { NavLink } from "react-router";

import { mainNavItems } from "@/config/paths";
import { usePendingApprovals } from "@/lib/approvals/get-pending-approvals";
import { useUnreadReplies } from "@/lib/replies/get-unread-replies";
import { cn } from "@/utils/cn";

const linkBase =
  "flex items-center gap-1.5 rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors " +
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400";

/** The count of unread replies beside "Conversations"; nothing while there are none. */
function UnreadRepliesBadge() {
  const unread = useUnreadReplies();
  if (unread === undefined || unread === 0) return null;
  const count = unread > 99 ? "99+" : String(unread);
  // The space keeps the link's name "Conversations 3 unread"; flex does not render it.
  return (
    <>
      {" "}
      <span className="rounded-full bg-blue-600 px-1.5 py-px text-xs font-semibold text-white tabular-nums">
        <span aria-hidden="true">{count}</span>
        <span className="sr-only">{`${count} unread`}</span>
      </span>
    </>
  );
}

/** The count of sends waiting for approval beside "Approvals"; nothing while there are none. */
function PendingApprovalsBadge() {
  const pending = usePendingApprovals();
  if (pending === undefined || pending === 0) return null;
  const count = pending > 99 ? "99+" : String(pending);
  // The space keeps the link's name "Approvals 2 waiting"; flex does not render it.
  return (
    <>
      {" "}
      <span className="rounded-full bg-amber-700 px-1.5 py-px text-xs font-semibold text-white tabular-nums">
        <span aria-hidden="true">{count}</span>
        <span className="sr-only">{`${count} waiting`}</span>
      </span>
    </>
  );
}

export function MainNav() {
  return (
    <nav aria-label="Main" className="-mx-3">
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
              {item.unreadReplies ? <UnreadRepliesBadge /> : null}
              {"pendingApprovals" in item ? <PendingApprovalsBadge /> : null}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
