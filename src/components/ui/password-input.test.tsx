import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { Field } from "@/components/ui/field";
import { PasswordInput } from "@/components/ui/password-input";

describe("PasswordInput", () => {
  it("is masked until Show is pressed, and masked again by Hide", async () => {
    const user = userEvent.setup();
    render(
      <Field label="API key" description="From the ClickSend dashboard." error="Enter the API key.">
        <PasswordInput />
      </Field>,
    );
    const input = screen.getByLabelText("API key");
    expect(input).toHaveAttribute("type", "password");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("From the ClickSend dashboard. Enter the API key.");
    await user.type(input, "SECRET-KEY");

    const show = screen.getByRole("button", { name: "Show" });
    expect(show).toHaveAttribute("aria-pressed", "false");
    expect(show).toHaveAttribute("aria-controls", input.id);
    await user.click(show);

    expect(input).toHaveAttribute("type", "text");
    expect(input).toHaveValue("SECRET-KEY");
    const hide = screen.getByRole("button", { name: "Hide" });
    expect(hide).toHaveAttribute("aria-pressed", "true");

    hide.focus();
    await user.keyboard("{Enter}");
    expect(input).toHaveAttribute("type", "password");
    expect(screen.getByRole("button", { name: "Show" })).toHaveFocus();
  });
});
