import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";

import { Switch } from "@/components/ui/switch";

function ScopeSwitch() {
  const [checked, setChecked] = useState(false);
  return (
    <Switch
      label="Send SMS"
      description="Unlocks clicksend_send_sms"
      checked={checked}
      onCheckedChange={setChecked}
    />
  );
}

describe("Switch", () => {
  it("toggles by click, by its label and by keyboard", async () => {
    const user = userEvent.setup();
    render(<ScopeSwitch />);
    const toggle = screen.getByRole("switch", { name: "Send SMS" });
    expect(toggle).toHaveAccessibleDescription("Unlocks clicksend_send_sms");
    expect(toggle).not.toBeChecked();

    await user.click(toggle);
    expect(toggle).toBeChecked();

    await user.click(screen.getByText("Send SMS"));
    expect(toggle).not.toBeChecked();

    toggle.focus();
    await user.keyboard(" ");
    expect(toggle).toBeChecked();
    await user.keyboard("{Enter}");
    expect(toggle).not.toBeChecked();
  });

  it("does not toggle while disabled", async () => {
    const user = userEvent.setup();
    const changes: boolean[] = [];
    render(
      <Switch
        label="Send MMS"
        checked={false}
        disabled
        onCheckedChange={(value) => changes.push(value)}
      />,
    );

    await user.click(screen.getByRole("switch", { name: "Send MMS" }));

    expect(changes).toEqual([]);
  });
});
