// Page side of the service worker: register it (scope /) and offer a waiting update. An update
// never reloads the page under an open form: the technician saves or leaves it first.
import { t } from "./i18n.js";

let acceptedUpdate = false;

/** Register /sw.js; onUpdate(apply) is called when a new version waits, onReplaced when another tab took it. */
export async function registerWorker({ onUpdate = () => {}, onReplaced = () => {} } = {}) {
  if (!("serviceWorker" in navigator)) return null;
  let registration;
  try {
    registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch {
    return null;
  }
  const offer = (worker) =>
    onUpdate(() => {
      acceptedUpdate = true;
      worker.postMessage({ type: "SKIP_WAITING" });
    });
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (acceptedUpdate) window.location.reload();
    else if (hadController) onReplaced();
  });
  // Look for a new release when the app comes back to the foreground.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && navigator.onLine) registration.update().catch(() => {});
  });
  return registration;
}

/** Apply an update unless a form is open; then say why it waits (nothing typed is thrown away). */
export function updateWhenSafe(apply, formOpen) {
  const bar = document.querySelector("[data-banner=update]");
  let note = bar?.querySelector("[data-update-note]");
  if (bar && !note) {
    note = document.createElement("span");
    note.dataset.updateNote = "";
    note.className = "update-note";
    note.hidden = true;
    bar.append(note);
  }
  if (formOpen()) {
    if (note) {
      note.textContent = t("Save or leave the form you are filling in first, then reload.");
      note.hidden = false;
    }
    return false;
  }
  if (note) note.hidden = true;
  apply();
  return true;
}
