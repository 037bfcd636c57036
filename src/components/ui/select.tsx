import type { ComponentProps } from "react";

import { controlClasses } from "@/components/ui/control-styles";
import { useFieldControl } from "@/components/ui/field-context";

/** A native select (best on phones and with screen readers), wired to its <Field>. */
export function Select({ className, ...props }: ComponentProps<"select">) {
  const wiring = useFieldControl(props);
  return <select {...props} {...wiring} className={controlClasses(className)} />;
}
