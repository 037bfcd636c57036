import type { ComponentProps } from "react";

import { controlClasses } from "@/components/ui/control-styles";
import { useFieldControl } from "@/components/ui/field-context";

/** A multi-line input; inside a <Field> it gets the field's id, description and error wiring. */
export function Textarea({ className, rows = 4, ...props }: ComponentProps<"textarea">) {
  const wiring = useFieldControl(props);
  return <textarea rows={rows} {...props} {...wiring} className={controlClasses(className)} />;
}
