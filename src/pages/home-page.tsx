import { Link } from "react-router";

import { PageHeader } from "@/components/layout/page-header";
import { paths } from "@/config/paths";

const sections = [
  {
    to: paths.integrations,
    title: "Integrations",
    text: "Connect your ClickSend account with its username and API key. The key is checked with ClickSend before anything is stored, and is never shown again.",
  },
  {
    to: paths.agents,
    title: "Agents",
    text: "Decide, agent by agent, which ClickSend capabilities each one may use.",
  },
  {
    to: paths.messages,
    title: "Messages",
    text: "Watch your balance, SMS and MMS history, delivery receipts and what each agent sent.",
  },
  {
    to: paths.conversations,
    title: "Conversations",
    text: "Read the replies to your messages, thread by thread, and answer them.",
  },
] as const;

export function HomePage() {
  return (
    <>
      <PageHeader title="Overview">
        Let your AI agents send SMS and MMS through your own ClickSend account, with you deciding
        what each agent may do.
      </PageHeader>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {sections.map((section) => (
          <li
            key={section.to}
            className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
          >
            <h2 className="font-semibold">
              <Link
                to={section.to}
                className="rounded-sm text-blue-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:text-blue-300"
              >
                {section.title}
              </Link>
            </h2>
            <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{section.text}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
