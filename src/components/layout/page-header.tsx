import type { ReactNode } from "react";

import { PRODUCT_NAME } from "@/config/product";

type PageHeaderProps = {
  title: string;
  children?: ReactNode;
};

/** The page's one <h1>, with an optional lead paragraph; also sets the document title. */
export function PageHeader({ title, children }: PageHeaderProps) {
  return (
    <div className="mb-6 space-y-2">
      <title>{`${title} · ${PRODUCT_NAME}`}</title>
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      {children ? (
        <p className="max-w-prose text-slate-600 dark:text-slate-300">{children}</p>
      ) : null}
    </div>
  );
}
