// The field app's page kit: headings, the paths of records, short label codes, and a record's
// names in the reader's language. Every screen uses these; no screen is a library for another.
import { h } from "./dom.js";
import { lang } from "./i18n.js";
import { firstCodePoints } from "./text-limits.js";

const RECORD_PATHS = { customer: "customers", cabinet: "cabinets", device: "devices", diary_entry: "diary" };

/** The heading of a page with an optional line under it and action buttons. */
export function pageHead(title, subtitle, ...actions) {
  return h("div.page-head", [
    h("div.page-title", [h("h1", title), subtitle ? h("p.muted.small.subtitle", subtitle) : null]),
    actions.length ? h("div.actions", actions) : null,
  ]);
}

/** The link path of an archive record or a diary entry in the app. */
export function pathOf(kind, id) {
  return `/app/${RECORD_PATHS[kind]}/${encodeURIComponent(id)}`;
}

/** The app path of a patrol sheet (or one of its sub-pages). */
export function sheetPath(id, sub = "") {
  return `/app/sheets/${encodeURIComponent(id)}${sub ? `/${sub}` : ""}`;
}

/** The app path of a repair ticket (or one of its sub-pages). */
export function ticketPath(id, sub = "") {
  return `/app/tickets/${encodeURIComponent(id)}${sub ? `/${sub}` : ""}`;
}

/** The printed short code of a label (the first 8 characters of its token). */
export function shortCode(token) {
  return token ? firstCodePoints(token, 8) : "";
}

/** A record's name field in the reader's language (name_zh / name_en, label_zh / label_en). */
export function localName(data, field = "name") {
  const zh = data[`${field}_zh`] || "";
  const en = data[`${field}_en`] || "";
  return lang() === "en" ? en || zh : zh || en;
}

/** The other language's name, shown small under the first. */
export function otherName(data, field = "label") {
  return lang() === "en" ? data[`${field}_zh`] || "" : data[`${field}_en`] || "";
}

/** Segmented radio buttons: [[value, text, tone]]; calls onPick(value). */
export function segmented(name, choices, current, onPick, labelledBy) {
  return h("div.seg-input", { role: "radiogroup", "aria-labelledby": labelledBy }, choices.map(([value, text, tone]) => {
    const id = `${name}-${value}`;
    const input = h("input.visually-hidden", { type: "radio", name, id, value, checked: current === value });
    input.addEventListener("change", () => onPick(value));
    return h("span.seg-option", [input, h(`label${tone ? `.tone-${tone}` : ""}`, { for: id }, text)]);
  }));
}

/** A form's error line: the node (an alert, hidden while empty) and `show(message)`, which puts
 * the message in it and scrolls it into view, or clears it when the message is empty. */
export function errorLine() {
  const node = h("p.error", { role: "alert", hidden: true });
  const show = (message) => {
    node.textContent = message || "";
    node.hidden = !message;
    if (message) node.scrollIntoView({ block: "center" });
  };
  return { node, show };
}
