// Page side of the service worker: register it (scope /) and offer a waiting update.

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
