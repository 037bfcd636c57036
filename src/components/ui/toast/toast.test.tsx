import { render, screen, waitForElementToBeRemoved, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { Button } from "@/components/ui/button";
import { ToastProvider } from "@/components/ui/toast/toast-provider";
import { useToast } from "@/components/ui/toast/use-toast";

function SaveButton({ durationMs }: { durationMs?: number }) {
  const toast = useToast();
  return (
    <Button
      onClick={() => {
        toast.show({
          title: "Permissions saved",
          description: "Agent Ada may now send SMS.",
          tone: "success",
          durationMs,
        });
      }}
    >
      Save
    </Button>
  );
}

describe("toasts", () => {
  it("announces an outcome in a polite live region that exists before it", async () => {
    const user = userEvent.setup();
    render(
      <ToastProvider>
        <SaveButton />
      </ToastProvider>,
    );
    const region = screen.getByRole("status", { name: "Notifications" });
    expect(region).toHaveAttribute("aria-live", "polite");
    expect(region).toBeEmptyDOMElement();

    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(within(region).getByText("Permissions saved")).toBeInTheDocument();
    expect(within(region).getByText("Agent Ada may now send SMS.")).toBeInTheDocument();
  });

  it("disappears by itself after its time", async () => {
    const user = userEvent.setup();
    render(
      <ToastProvider>
        <SaveButton durationMs={50} />
      </ToastProvider>,
    );

    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitForElementToBeRemoved(() => screen.queryByText("Permissions saved"));
  });

  it("can be dismissed by keyboard", async () => {
    const user = userEvent.setup();
    render(
      <ToastProvider>
        <SaveButton durationMs={Infinity} />
      </ToastProvider>,
    );
    await user.click(screen.getByRole("button", { name: "Save" }));

    await user.tab();
    expect(screen.getByRole("button", { name: "Dismiss notification" })).toHaveFocus();
    await user.keyboard("{Enter}");

    expect(screen.queryByText("Permissions saved")).not.toBeInTheDocument();
  });

  it("replaces a toast of the same kind instead of stacking a second", async () => {
    const user = userEvent.setup();
    render(
      <ToastProvider>
        <SaveButton durationMs={Infinity} />
      </ToastProvider>,
    );
    const region = screen.getByRole("status", { name: "Notifications" });

    await user.click(screen.getByRole("button", { name: "Save" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(within(region).getAllByText("Permissions saved")).toHaveLength(1);
    expect(within(region).getAllByRole("button", { name: "Dismiss notification" })).toHaveLength(1);
  });

  it("refuses to be used outside its provider, saying where it belongs", () => {
    expect(() => render(<SaveButton />)).toThrow("useToast must be used inside <ToastProvider>.");
  });
});
