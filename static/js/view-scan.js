// Scanning a cabinet or device label: the camera in the app, a typed short code, and a
// /q/<token> URL opened from the phone's own camera app (answered by the worker when offline).
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { pageHead, pathOf, shortCode } from "./page.js";
import { parseToken, startScanner } from "./scanner.js";
import { findByShortCode, findByToken } from "./store.js";
import { limitLength } from "./text-limits.js";

/** What to show for a token this device does not know. */
function notOnDevice(token) {
  const code = shortCode(token);
  return h("section.card.not-found", { "data-token": token }, [
    h("h2", t("This label is not on this device")),
    h("p", t("Label code %(code)s does not belong to any cabinet or device on this device. It may be a customer not assigned to you, or a label made after the last sync.", { code })),
    h("form.search-bar", { action: "/app/search", role: "search" }, [
      h("input", { type: "search", name: "q", value: code, "aria-label": t("Search") }),
      h("button.btn.btn-primary", { type: "submit" }, t("Search")),
    ]),
    h("div.actions", [
      h("a.btn", { href: "/app/scan" }, t("Scan again")),
      navigator.onLine ? h("a.btn", { href: `/q/${encodeURIComponent(token)}`, "data-reload": "" }, t("Open the label online")) : null,
    ]),
  ]);
}

/** Search submits go through the app's router. */
function routeSearch(ctx, node) {
  node.querySelectorAll("form[role=search]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ctx.navigate(`/app/search?q=${encodeURIComponent(new FormData(form).get("q") || "")}`);
    });
  });
  return node;
}

/** The in-app scanner with a short-code search under it. */
export async function scanView(ctx) {
  const video = h("video.scan-video", { playsinline: true, muted: true, "aria-label": t("Camera view") });
  const status = h("p.scan-status", { role: "status" }, t("Starting the camera…"));
  const result = h("div.scan-result", { "aria-live": "polite" });
  let scanner = null;
  let closed = false;
  let handled = false;

  const onCode = async (text) => {
    if (handled) return;
    const token = parseToken(text);
    if (!token) {
      status.textContent = t("This QR code is not a label of this service.");
      return;
    }
    handled = true;
    scanner?.stop();
    const record = await findByToken(token);
    if (record) {
      ctx.navigate(pathOf(record.kind, record.id));
      return;
    }
    status.textContent = "";
    result.replaceChildren(routeSearch(ctx, notOnDevice(token)));
  };

  startScanner(video, onCode)
    .then((s) => {
      if (closed) s.stop();
      else {
        scanner = s;
        status.textContent = t("Point the camera at the QR label.");
      }
    })
    .catch((err) => {
      status.textContent = t("The camera is not available (%(reason)s). Type the label code instead.", { reason: err?.name || err?.message || err });
    });

  const codeInput = limitLength(h("input", {
    type: "text", id: "short_code", name: "code", inputmode: "text", autocapitalize: "none", autocomplete: "off",
    spellcheck: "false", minlength: 4, placeholder: "Ab3dE7_x",
  }), 64);
  const matches = h("div.code-matches", { "aria-live": "polite" });
  const findCode = async (event) => {
    event.preventDefault();
    const value = codeInput.value.trim();
    const token = parseToken(value);
    const rows = token ? [await findByToken(token)].filter(Boolean) : await findByShortCode(value);
    if (rows.length === 1) {
      ctx.navigate(pathOf(rows[0].kind, rows[0].id));
      return;
    }
    if (!rows.length) {
      matches.replaceChildren(routeSearch(ctx, notOnDevice(value)));
      return;
    }
    matches.replaceChildren(h("ul.list", rows.map((r) => h("li.list-item", h("a", { href: pathOf(r.kind, r.id) }, [
      h("span.tag", r.kind === "cabinet" ? t("Cabinet") : t("Device")), h("strong", r.data.name),
    ])))));
  };

  return {
    title: t("Scan a label"),
    isForm: true,
    cleanup() {
      closed = true;
      scanner?.stop();
    },
    node: h("div", [
      pageHead(t("Scan a label")),
      h("div.scan-frame", [video, h("div.scan-target", { "aria-hidden": "true" })]),
      status,
      result,
      h("form.card.code-form", { onsubmit: findCode }, [
        h("label", { for: "short_code" }, t("Or type the code printed under the QR")),
        h("div.search-bar", [codeInput, h("button.btn.btn-primary", { type: "submit" }, t("Find"))]),
        matches,
      ]),
    ]),
  };
}

/** /q/<token>: open the cabinet or device this label belongs to, from the device's data. */
export async function tokenView(ctx) {
  const [token] = ctx.params;
  const record = await findByToken(token);
  if (record) {
    ctx.navigate(pathOf(record.kind, record.id), { replace: true });
    return { title: t("Scan a label"), node: h("p", "…") };
  }
  return {
    title: t("This label is not on this device"),
    node: routeSearch(ctx, h("div", [pageHead(t("Scanned label")), notOnDevice(token)])),
  };
}
