import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";

import { Button } from "@/components/ui/button";
import { ConfirmActions, Dialog, DialogActions } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

function ConnectExample() {
  const [open, setOpen] = useState(false);
  const close = () => {
    setOpen(false);
  };
  return (
    <main>
      <Button
        onClick={() => {
          setOpen(true);
        }}
      >
        Connect ClickSend
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title="Connect ClickSend"
        description="Your key is checked with ClickSend before it is stored."
      >
        <Field label="Username">
          <Input />
        </Field>
        <DialogActions>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button>Connect</Button>
        </DialogActions>
      </Dialog>
    </main>
  );
}

describe("Dialog", () => {
  it("opens labelled by its title, moves focus in and makes the page behind inert", async () => {
    const user = userEvent.setup();
    render(<ConnectExample />);

    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));

    const dialog = screen.getByRole("dialog", { name: "Connect ClickSend" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(dialog).toHaveAccessibleDescription(
      "Your key is checked with ClickSend before it is stored.",
    );
    expect(screen.getByLabelText("Username")).toHaveFocus();
    expect(screen.getByRole("main", { hidden: true }).closest("[inert]")).not.toBeNull();
  });

  it("keeps Tab and Shift+Tab inside the dialog", async () => {
    const user = userEvent.setup();
    render(<ConnectExample />);
    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));

    await user.tab();
    expect(screen.getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole("button", { name: "Connect" })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole("button", { name: "Close" })).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByRole("button", { name: "Connect" })).toHaveFocus();
  });

  it("closes on Escape and returns focus to the button that opened it", async () => {
    const user = userEvent.setup();
    render(<ConnectExample />);
    const opener = screen.getByRole("button", { name: "Connect ClickSend" });
    await user.click(opener);

    await user.keyboard("{Escape}");

    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(document.querySelector("[inert]")).toBeNull();
  });

  it("closes from its Close button", async () => {
    const user = userEvent.setup();
    render(<ConnectExample />);
    await user.click(screen.getByRole("button", { name: "Connect ClickSend" }));

    await user.click(screen.getByRole("button", { name: "Close" }));

    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Connect ClickSend" })).toHaveFocus();
  });
});

describe("ConfirmActions", () => {
  it("offers the way back and the action, and while busy only the action's spinner", async () => {
    const user = userEvent.setup();
    const calls: string[] = [];
    const { rerender } = render(
      <ConfirmActions
        confirmLabel="Revoke token"
        onCancel={() => calls.push("cancel")}
        onConfirm={() => calls.push("confirm")}
      />,
    );
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.click(screen.getByRole("button", { name: "Revoke token" }));
    expect(calls).toEqual(["cancel", "confirm"]);
    rerender(
      <ConfirmActions
        confirmLabel="Revoke token"
        cancelLabel="Keep it"
        busy
        onCancel={() => calls.push("cancel")}
        onConfirm={() => calls.push("confirm")}
      />,
    );
    expect(screen.getByRole("button", { name: "Keep it" })).toBeDisabled();
    expect(screen.getByRole("button", { name: /Revoke token/ })).toBeDisabled();
    expect(screen.getByRole("button", { name: /Revoke token/ })).toHaveAttribute(
      "aria-busy",
      "true",
    );
  });
});
