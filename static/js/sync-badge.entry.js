// Server-rendered pages: show the count of unsynced field-app items and install the worker.
import { updateBadge } from "./badge.js";
import { syncEvents } from "./sync-engine.js";
import { registerWorker } from "./sw-client.js";

const badge = document.querySelector("[data-sync-badge]");
const userId = badge ? Number(badge.dataset.userId) : NaN;

if (badge && !Number.isNaN(userId)) {
  const refresh = () => updateBadge(userId).catch(() => {});
  refresh();
  syncEvents.addEventListener("outbox", refresh);
  syncEvents.addEventListener("status", refresh);
}
registerWorker();
