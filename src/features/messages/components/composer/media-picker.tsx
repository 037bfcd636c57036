import { useState, type ChangeEvent } from "react";

import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  checkMmsMedia,
  MMS_ACCEPTED_TYPES,
  MMS_MAX_BYTES,
} from "@/features/messages/utils/backend";

type MediaPickerProps = {
  file: File | null;
  onFileChange: (file: File | null) => void;
  /** E.g. "Choose an image" from submitting without one. */
  error?: string;
  disabled?: boolean;
};

/**
 * The MMS image. Type and size are checked the moment a file is chosen (the server's own rule),
 * and a file that fails is refused then and there: it is never read or uploaded.
 */
export function MediaPicker({ file, onFileChange, error, disabled }: MediaPickerProps) {
  const [refused, setRefused] = useState<string | null>(null);

  function handleChange(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0] ?? null;
    if (!chosen) {
      setRefused(null);
      onFileChange(null);
      return;
    }
    const check = checkMmsMedia({ type: chosen.type, size: chosen.size });
    if (!check.ok) {
      setRefused(check.reason);
      event.target.value = "";
      onFileChange(null);
      return;
    }
    setRefused(null);
    onFileChange(chosen);
  }

  return (
    <Field
      label="Image"
      description={`JPG, GIF, PNG or BMP, at most ${String(MMS_MAX_BYTES / 1024)} kB. Uploaded to ClickSend once the MMS is complete enough to price, and reused to send it.`}
      error={refused ?? error}
    >
      <Input
        type="file"
        accept={MMS_ACCEPTED_TYPES.join(",")}
        onChange={handleChange}
        disabled={disabled}
        className="file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1 file:text-sm file:font-medium dark:file:bg-slate-800 dark:file:text-slate-100"
      />
      {file ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          {`${file.name}, ${String(Math.ceil(file.size / 1024))} kB`}
        </p>
      ) : null}
    </Field>
  );
}
