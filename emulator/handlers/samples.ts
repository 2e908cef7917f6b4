/** Sample `data.object` values for mock-payload / send-test-event. */
import type { App } from "../app";

export function sampleObject(trigger: string, app: App): Record<string, unknown> {
  const t = Math.floor(Date.now() / 1000);
  const family = trigger.split(".")[0];
  const grantId = "00000000-0000-4000-8000-000000000001";
  switch (family) {
    case "grant":
      return { grant_id: grantId, provider: "nylas", email: "agent@agents.example.com", code: 25000 };
    case "message":
      return {
        object: "message",
        id: "mock-message-id",
        grant_id: grantId,
        thread_id: "mock-thread-id",
        date: t,
        folders: ["inbox"],
        from: [{ email: "sender@example.com", name: "Sender" }],
        to: [{ email: "agent@agents.example.com" }],
        cc: [],
        bcc: [],
        reply_to: [],
        subject: "Hello from the Nylas emulator",
        body: "<p>This is a mock payload.</p>",
        snippet: "This is a mock payload.",
        unread: true,
        starred: false,
        attachments: [],
      };
    case "thread":
      return { object: "thread", id: "mock-thread-id", grant_id: grantId, message_ids: ["mock-message-id"] };
    case "folder":
      return { object: "folder", id: "mock-folder", grant_id: grantId, name: "Mock" };
    default:
      return { object: family, id: `mock-${family}-id`, grant_id: grantId, application_id: app.meta.application_id };
  }
}
