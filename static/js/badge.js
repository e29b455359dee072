// The unsynced-items badge in the top bar (the same markup on server pages and in the app).
import { unsyncedCount } from "./store.js";

/** Show the number of a user's unsynced items in every [data-sync-badge] (hidden at zero). */
export async function updateBadge(userId) {
  const count = await unsyncedCount(userId);
  for (const badge of document.querySelectorAll("[data-sync-badge]")) {
    const counter = badge.querySelector("[data-sync-count]");
    if (counter) counter.textContent = String(count);
    badge.hidden = count === 0;
    badge.dataset.count = String(count);
  }
  return count;
}
