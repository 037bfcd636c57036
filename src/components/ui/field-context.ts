import { createContext, useContext, type AriaAttributes } from "react";

/** What a <Field> hands to the control inside it, so label, description and error are wired. */
export type FieldControlProps = {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
};

export const FieldContext = createContext<FieldControlProps | null>(null);

type ControlWiring = Pick<AriaAttributes, "aria-describedby" | "aria-invalid"> & { id?: string };

/**
 * The control's id and ARIA wiring from the enclosing <Field>, merged with the control's own
 * props: its own id and aria-invalid win; aria-describedby lists both.
 */
export function useFieldControl(own: ControlWiring): ControlWiring {
  const field = useContext(FieldContext);
  const describedBy = [field?.["aria-describedby"], own["aria-describedby"]]
    .filter(Boolean)
    .join(" ");
  return {
    id: own.id ?? field?.id,
    "aria-describedby": describedBy || undefined,
    "aria-invalid": own["aria-invalid"] ?? field?.["aria-invalid"],
  };
}
