import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { Button } from "@/components/ui/button";

describe("Button", () => {
  it("is disabled while busy, keeps its name, and gets focus back afterwards", () => {
    const { rerender } = render(<Button>Save</Button>);
    const button = screen.getByRole("button", { name: "Save" });
    button.focus();

    rerender(<Button busy>Save</Button>);
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
    expect(button).toHaveAttribute("aria-busy", "true");
    // What a browser does to a focused element that becomes disabled.
    button.blur();

    rerender(<Button>Save</Button>);
    expect(button).toBeEnabled();
    expect(button).toHaveFocus();
  });

  it("leaves focus alone if the user moved on meanwhile", () => {
    const { rerender } = render(
      <>
        <Button>Save</Button>
        <input aria-label="Name" />
      </>,
    );
    screen.getByRole("button", { name: "Save" }).focus();
    rerender(
      <>
        <Button busy>Save</Button>
        <input aria-label="Name" />
      </>,
    );
    screen.getByLabelText("Name").focus();

    rerender(
      <>
        <Button>Save</Button>
        <input aria-label="Name" />
      </>,
    );
    expect(screen.getByLabelText("Name")).toHaveFocus();
  });
});
