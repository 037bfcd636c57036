import type { ComponentProps } from "react";

import { controlClasses } from "@/components/ui/control-styles";
import { useFieldControl } from "@/components/ui/field-context";

/** A text input; inside a <Field> it gets the field's id, description and error wiring. */
export function Input({ className, ...props }: ComponentProps<"input">) {
  const wiring = useFieldControl(props);
  return <input {...props} {...wiring} className={controlClasses(className)} />;
}
