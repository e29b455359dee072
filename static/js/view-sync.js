// The sync page: what is on the device and not yet on the server, each item's state, the last
// good sync, "sync now" with progress, and an export for when sync keeps failing.
import { facts, h } from "./dom.js";
import { downloadExport } from "./export-outbox.js";
import { formatDateTime, t } from "./i18n.js";
import { dismissEntry, getMeta, listOutbox, othersWaiting } from "./store.js";
import { announce, isSyncing, requestSync, syncEvents } from "./sync-engine.js";
import { outboxStateTag as stateTag } from "./field-docs.js";
import { pageHead } from "./page.js";

const FAILURES_BEFORE_EXPORT = 3;

/** A kind of record in words. */
function kindLabel(kind) {
  const labels = {
    diary_entry: t("Diary entry"), photo: t("Photo"), signature: t("Signature"), customer: t("Customer"),
    cabinet: t("Cabinet"), device: t("Device"), repair_ticket: t("Repair ticket"),
    inspection: t("Sheet"), repair_event: t("Repair step"),
  };
  return labels[kind] || kind;
}

/** The server's reasons, flattened to "field: message" lines. */
function reasons(error) {
  if (!error) return [];
  if (typeof error === "string") return [error];
  const lines = error.message ? [error.message] : [];
  if (error.message !== undefined) error = error.errors;
  const walk = (value, path) => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, path));
    else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => walk(v, path ? `${path}.${k}` : k));
    else lines.push(path && path !== "_schema" ? `${path}: ${value}` : String(value));
  };
  walk(error, "");
  return lines;
}

/** Why sync failed, in words a technician can act on. */
function plainReason(lastError) {
  const status = lastError.status || 0;
  if (!status) return t("the server cannot be reached (no network, or the server is down).");
  if (status >= 500) return t("the server has a problem (%(reason)s). Tell the office.", { reason: lastError.message });
  return t("the server refused the request (%(reason)s). Tell the office.", { reason: lastError.message });
}

/** The sync page. */
export async function syncView(ctx) {
  const user = ctx.user;
  const [entries, lastSync, failures, lastError, auth, others, persisted, failingSince] = await Promise.all([
    listOutbox(user.id), getMeta("lastSync"), getMeta("failures"), getMeta("lastError"), getMeta("auth"),
    othersWaiting(user.id), getMeta("persisted"), getMeta("failingSince"),
  ]);
  const unsynced = entries.filter((e) => e.state !== "synced");
  const progress = h("progress.sync-progress", { max: 1, value: 0, hidden: true });
  const progressText = h("p.muted.small.sync-progress-text", { role: "status" });
  const button = h("button.btn.btn-primary", { type: "button", "data-action": "sync-now" }, t("Sync now"));
  const phases = { start: t("Connecting…"), blobs: t("Uploading photos and signatures…"), push: t("Sending…"), pull: t("Receiving changes…") };
  const onProgress = (event) => {
    const { phase, done, total } = event.detail;
    if (phase === "done") {
      progress.hidden = true;
      button.disabled = false;
      return;
    }
    if (phase === "offline") {
      // The page already says so in its status box when it was drawn offline.
      if (!offlineNoted) progressText.textContent = t("You are offline. Everything stays on this device until the network is back.");
      return;
    }
    button.disabled = true;
    progress.hidden = false;
    if (total) {
      progress.max = total;
      progress.value = done;
    } else {
      progress.removeAttribute("value");
    }
    progressText.textContent = `${phases[phase] || ""}${total ? ` ${done}/${total}` : ""}`;
  };
  syncEvents.addEventListener("progress", onProgress);
  if (isSyncing()) {
    button.disabled = true;
    progress.hidden = false;
    progress.removeAttribute("value");
    progressText.textContent = t("Syncing…");
  }
  button.addEventListener("click", () => requestSync("manual"));

  const failing = (failures || 0) >= FAILURES_BEFORE_EXPORT || auth?.required;
  const exportButton = h(`button.btn${failing ? ".btn-primary" : ""}`, { type: "button", "data-action": "export" }, t("Export unsynced items"));
  exportButton.addEventListener("click", () => downloadExport(user));

  let status;
  let offlineNoted = false;
  if (auth?.required && auth.reason === "password") {
    status = h("div.flash.flash-error", [
      h("p", t("You signed in with a temporary password. Nothing is lost: choose your own password and sync resumes where it stopped.")),
      h("a.btn.btn-primary", { href: "/settings/password?next=/app/sync", "data-reload": "" }, t("Change password")),
    ]);
  } else if (auth?.required) {
    status = h("div.flash.flash-error", [
      h("p", t("Your sign-in has expired. Nothing is lost: sign in again and sync resumes where it stopped.")),
      h("a.btn.btn-primary", { href: "/login?next=/app/sync", "data-reload": "" }, t("Sign in again")),
    ]);
  } else if (lastError && failures >= FAILURES_BEFORE_EXPORT) {
    // Sync keeps failing: say so in plain words and put the way out (the export) right here.
    status = h("div.flash.flash-error.sync-failing", { role: "alert" }, [
      h("p", h("strong", t("Sync is not working."))),
      h("p", t("It has failed %(n)s times in a row since %(time)s: %(reason)s", {
        n: failures, time: formatDateTime(failingSince || lastError.at), reason: plainReason(lastError),
      })),
      h("p", unsynced.length
        ? t("Items waiting on this device: %(n)s. They are safe here; if this goes on, export them and send the file to the office.", { n: unsynced.length })
        : t("Nothing is waiting on this device.")),
      unsynced.length ? exportButton : null,
    ]);
  } else if (lastError && failures) {
    status = h("p.flash.flash-warning", t("The last %(n)s attempts failed (%(reason)s). Your items stay on this device.", { n: failures, reason: lastError.message }));
  } else if (!navigator.onLine) {
    status = h("p.flash", t("You are offline. Everything stays on this device until the network is back."));
    offlineNoted = true;
  }

  const items = entries.slice().reverse().slice(0, 200).map((entry) => {
    const lines = reasons(entry.error);
    return h("li.list-item.outbox-item", { "data-seq": entry.seq, "data-state": entry.state, "data-kind": entry.kind }, [
      h("div.line", [stateTag(entry.state), " ", h("strong", kindLabel(entry.kind)), " ", h("span", entry.label || "")]),
      h("div.muted.small", [t("Saved %(time)s", { time: formatDateTime(entry.created_at) }), entry.synced_at ? ` · ${t("synced %(time)s", { time: formatDateTime(entry.synced_at) })}` : ""]),
      lines.length ? h("ul.reasons", lines.map((l) => h("li", l))) : null,
      entry.state === "rejected" || entry.state === "conflict"
        ? h("button.btn.btn-link.small", {
          type: "button",
          onclick: async () => {
            await dismissEntry(entry.client_id, entry.seq);
            announce("outbox");
          },
        }, t("Dismiss (the office keeps the server's copy)"))
        : null,
    ]);
  });

  const signOut = h("button.btn.btn-link", { type: "button" }, t("Sign out"));
  signOut.addEventListener("click", async () => {
    try {
      const { csrf_token: token } = await (await fetch("/api/auth/session", { credentials: "same-origin" })).json();
      await fetch("/api/auth/session", { method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": token } });
    } finally {
      window.location.assign("/login?next=/app/");
    }
  });

  return {
    title: t("Sync"),
    live: true,
    cleanup: () => syncEvents.removeEventListener("progress", onProgress),
    node: h("div", [
      pageHead(t("Sync"), `${user.display_name} (${user.username})`),
      status,
      h("section.card", [
        facts([
          [t("Waiting to sync"), h("strong.unsynced-count", String(unsynced.length))],
          [t("Last successful sync"), lastSync ? formatDateTime(lastSync) : t("Never")],
          [t("Storage"), persisted ? t("Kept by the browser (persistent)") : t("May be cleared by the browser if space runs low; sync often")],
        ]),
        others ? h("p.muted.small", t("Items of another user waiting on this device: %(n)s. They are sent when that user signs in.", { n: others })) : null,
        h("div.actions", [button, unsynced.length && !status?.classList.contains("sync-failing") ? exportButton : null]),
        progress,
        progressText,
      ]),
      h("section", [h("h2", t("Records on this device")), items.length ? h("ul.list.outbox", items) : h("p.empty", t("Nothing written on this device yet."))]),
      h("p", [h("a", { href: "/", "data-reload": "" }, t("Office pages")), " · ", signOut]),
    ]),
  };
}
