import { Fragment } from "react";

import { textLinkClasses } from "@/components/ui/text-link-styles";
import type { Provider } from "@/features/integrations/api/get-provider";
import { featureLabel, orderedSteps } from "@/features/integrations/utils/format";

/** What the integration can do and how to set it up, from the provider's configuration. */
export function ProviderDetails({ provider }: { provider: Provider }) {
  const { features, setup_instructions, documentation_url } = provider.configuration_metadata;
  const enabled = Object.entries(features)
    .filter(([, on]) => on)
    .map(([key]) => featureLabel(key));
  const steps = orderedSteps(setup_instructions);

  return (
    <div className="grid gap-6 md:grid-cols-2">
      {enabled.length > 0 ? (
        <section aria-labelledby="clicksend-features">
          <h3 id="clicksend-features" className="font-semibold">
            Features
          </h3>
          <ul className="mt-2 grid grid-cols-1 gap-1 text-sm min-[420px]:grid-cols-2">
            {enabled.map((label) => (
              <li key={label} className="flex items-start gap-2">
                <svg
                  viewBox="0 0 20 20"
                  fill="currentColor"
                  aria-hidden="true"
                  className="mt-0.5 size-4 shrink-0 text-green-700 dark:text-green-400"
                >
                  <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.58l7.3-7.3a1 1 0 0 1 1.4 0Z" />
                </svg>
                {label}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {steps.length > 0 ? (
        <section aria-labelledby="clicksend-setup">
          <h3 id="clicksend-setup" className="font-semibold">
            How to connect
          </h3>
          <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm">
            {steps.map((step) => (
              <li key={step} className="wrap-break-word">
                <Linkified text={step} />
              </li>
            ))}
          </ol>
          {documentation_url ? (
            <p className="mt-3 text-sm">
              <a
                href={documentation_url}
                target="_blank"
                rel="noreferrer"
                className={textLinkClasses}
              >
                ClickSend API documentation
                <span className="sr-only"> (opens in a new tab)</span>
              </a>
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

/** Plain text with its http(s) addresses as links (setup steps name ClickSend's sign-up page). */
function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s]+)/);
  return parts.map((part, index) =>
    index % 2 === 1 ? (
      <a key={index} href={part} target="_blank" rel="noreferrer" className={textLinkClasses}>
        {part.replace(/^https?:\/\//, "")}
        <span className="sr-only"> (opens in a new tab)</span>
      </a>
    ) : (
      <Fragment key={index}>{part}</Fragment>
    ),
  );
}
