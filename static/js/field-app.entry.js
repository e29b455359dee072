// The field app shell: routing, banners, the signed-in user, and when to sync.
// Every view renders from IndexedDB, so the app opens offline after a reload or a restart.
import { AuthError, NetworkError, getSession, setCredentials } from "./api.js";
import { updateBadge } from "./badge.js";
import { h, replaceChildren } from "./dom.js";
import { t } from "./i18n.js";
import { ensureClient, getMeta, setMeta } from "./store.js";
import { registerWorker, updateWhenSafe } from "./sw-client.js";
import { requestSync, startAutoSync, syncEvents } from "./sync-engine.js";
import { routes } from "./routes.js";

const main = document.getElementById("main");
const state = { user: null, view: null, renderId: 0 };

/** Show or hide one of the banners under the top bar. */
function banner(name, show) {
  const node = document.querySelector(`[data-banner="${name}"]`);
  if (node) node.hidden = !show;
}

/** Why sync is paused for the user, if it is: signed out, or a temporary password to change. */
function showAuth(auth) {
  const password = Boolean(auth?.required) && auth.reason === "password";
  banner("auth", Boolean(auth?.required) && !password);
  banner("password", password);
}

/** Navigate inside the app without a page load. */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  render();
}

/** Find the view for the current location and draw it. */
async function render({ soft = false } = {}) {
  const renderId = ++state.renderId;
  state.view?.cleanup?.();
  state.view = null;
  const url = new URL(window.location.href);
  let match = null;
  let view = null;
  for (const [pattern, handler] of routes) {
    match = url.pathname.match(pattern);
    if (match) {
      view = handler;
      break;
    }
  }
  const context = {
    params: match ? match.slice(1).map(decodeURIComponent) : [],
    query: url.searchParams,
    user: state.user,
    navigate,
  };
  let result;
  try {
    if (!state.user) result = firstRunView();
    else result = view ? await view(context) : { title: t("Not found"), node: h("p.empty", t("This page is not part of the app.")) };
  } catch (err) {
    console.error(err);
    result = { title: t("Something went wrong"), node: h("p.empty", String(err?.message || err)) };
  }
  if (renderId !== state.renderId) {
    result.cleanup?.();
    return;
  }
  state.view = result;
  document.title = `${result.title} · ${t("O&M Service")}`;
  replaceChildren(main, result.node);
  markCurrentTab(url.pathname);
  updateLangLink(url);
  if (soft) return;
  if (!result.keepFocus) main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

/** Before the first sign-in on this device there is nothing to show offline. */
function firstRunView() {
  return {
    title: t("Field app"),
    node: h("section.card.narrow", [
      h("h1", t("Field app")),
      h("p", t("This device holds no data yet. Connect to the network and sign in once; after that the app works offline.")),
      h("a.btn.btn-primary", { href: "/login?next=/app/", "data-reload": "" }, t("Sign in")),
    ]),
  };
}

let liveTimer = 0;

/** Re-draw a live view (sync page, a diary entry's state) soon, once for a burst of events. */
function refreshLive() {
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => {
    if (state.view?.live) render({ soft: true });
  }, 120);
}

/** Re-draw the current view after data changed, unless it holds unsaved input. */
function refresh() {
  if (state.view && !state.view.isForm) render({ soft: true });
}

/** Highlight the bottom tab of the current section. */
function markCurrentTab(pathname) {
  for (const tab of document.querySelectorAll(".tabbar a")) {
    const section = tab.dataset.section;
    const current =
      (section === "today" && (pathname === "/app/" || pathname === "/app")) ||
      (section !== "today" && pathname.startsWith(`/app/${section}`));
    if (current) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
}

/** The language switch keeps the current page. */
function updateLangLink(url) {
  const link = document.querySelector("[data-lang-switch]");
  if (link) {
    const path = url.pathname.startsWith("/app") ? url.pathname : "/app/";
    link.href = `${path}?lang=${link.dataset.langSwitch}`;
  }
}

/** Intercept clicks on in-app links. */
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const href = link.getAttribute("href");
  if (!href.startsWith("/app") || link.hasAttribute("download") || link.dataset.reload !== undefined) return;
  if (href.includes("?lang=")) return;
  event.preventDefault();
  navigate(href);
});
window.addEventListener("popstate", () => render());

/** Who uses the app: the user remembered on the device, confirmed by the server when online. */
async function identify() {
  state.user = (await getMeta("user")) || null;
  if (state.user || !navigator.onLine) return;
  try {
    const session = await getSession();
    await setMeta("user", session.user);
    state.user = session.user;
    setCredentials({ csrf: session.csrf_token });
  } catch (err) {
    if (err instanceof AuthError) {
      window.location.assign("/login?next=/app/");
      throw err;
    }
    // Offline or the server failing: the first-run page explains what to do.
    if (!(err instanceof NetworkError)) console.error(err);
  }
}

/** React to what the sync engine reports. */
function watchSync() {
  const refreshBadge = () => state.user && updateBadge(state.user.id);
  syncEvents.addEventListener("outbox", () => {
    refreshBadge();
    refreshLive();
  });
  syncEvents.addEventListener("data", async () => {
    state.user = (await getMeta("user")) || state.user;
    refresh();
  });
  syncEvents.addEventListener("status", async (event) => {
    const user = await getMeta("user");
    if (user && user.id !== state.user?.id) {
      state.user = user;
      await ensureClient(user.id);
      render();
    }
    showAuth(await getMeta("auth"));
    refreshBadge();
    refreshLive();
    void event;
  });
  syncEvents.addEventListener("progress", (event) => showFirstSync(event.detail));
  const online = () => banner("offline", !navigator.onLine);
  window.addEventListener("online", online);
  window.addEventListener("offline", online);
  online();
}

/** While a first sync runs, how much of it has arrived ({total, received}, from the pull's
 * progress or, after a reload in the middle, from what the device stored). */
function showFirstSync({ phase, done, total, first } = {}) {
  if (phase === "pull" && total) {
    const node = document.querySelector("[data-banner=first-sync]");
    node.querySelector("[data-first-sync-progress]").max = total;
    node.querySelector("[data-first-sync-progress]").value = done;
    node.querySelector("[data-first-sync-count]").textContent = `${done} / ${total}`;
    banner("first-sync", first !== false);
  } else if (phase === "done") {
    getMeta("firstSync").then((left) => banner("first-sync", Boolean(left)));
  }
}

/** True while the current view is a form that may hold unsaved input. */
function formOpen() {
  return Boolean(state.view?.isForm);
}

/** Start the app. */
async function boot() {
  registerWorker({
    onUpdate(apply) {
      banner("update", true);
      document.querySelector("[data-action=reload]").onclick = () => updateWhenSafe(apply, formOpen);
    },
    onReplaced() {
      banner("update", true);
      document.querySelector("[data-action=reload]").onclick = () => updateWhenSafe(() => window.location.reload(), formOpen);
    },
  });
  const url = new URL(window.location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.delete("lang");
    history.replaceState(null, "", url.pathname + url.search);
  }
  watchSync();
  try {
    await identify();
  } catch {
    return;
  }
  if (state.user) {
    await ensureClient(state.user.id);
    updateBadge(state.user.id);
    showAuth(await getMeta("auth"));
    const firstSync = await getMeta("firstSync");
    if (firstSync) showFirstSync({ phase: "pull", done: firstSync.received, total: firstSync.total });
  }
  await render();
  startAutoSync();
  document.documentElement.dataset.ready = "1";
}

export const app = { state, navigate, requestSync };
boot();
