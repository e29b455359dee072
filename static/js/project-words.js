// The words and paths of installation projects on the device. Statuses, standards, what a
// project waits for and the checklists' items are named by the server's tables (webapp/projects,
// sent in the catalogue's labels); the words of results and forms are literal t("...") strings
// so the catalogue test finds them.
import { h } from "./dom.js";
import { label, labelGroup, t } from "./i18n.js";

/** The app path of a project (or one of its forms). */
export function projectPath(id, sub = "") {
  return `/app/projects/${encodeURIComponent(id)}${sub ? `/${sub}` : ""}`;
}

/** Where a project stands, in the reader's language. */
export function statusText(code) {
  return label("project_status", code);
}

/** The status as a tag: on hold and cancelled stand out, completed is good news. */
export function statusTag(code) {
  const cls = { on_hold: "tag-bad", cancelled: "tag-bad", completed: "tag-ok" }[code] || "tag-warn";
  return h(`span.tag.${cls}.project-status`, { "data-status": code }, statusText(code));
}

/** The standard the work follows (the contract's, or the company's plan). */
export function standardText(code) {
  return code ? label("project_standard", code) : "";
}

/** What the project waits for, and from whom (a key from project-rules.waitingKey). */
export function waitingText(key) {
  return label("project_waiting", key);
}

/** The items of a checklist ("project_entry_condition", "project_acceptance_item") as [key, words], in the server's order. */
export function checklistItems(group) {
  return Object.entries(labelGroup(group));
}

/** A round's result as [words, tag class]. */
export function resultTag(kind, passed) {
  if (kind === "entry_review") return passed ? [t("Entry conditions met"), "tag-ok"] : [t("Entry conditions not met"), "tag-bad"];
  return passed ? [t("Accepted"), "tag-ok"] : [t("Not accepted"), "tag-bad"];
}

/** The choices of one checklist item: met / not met (an acceptance says pass / fail). */
export function itemChoices(kind) {
  return kind === "entry_review"
    ? [["yes", t("Met"), "ok"], ["no", t("Not met"), "bad"]]
    : [["yes", t("Pass"), "ok"], ["no", t("Fail"), "bad"]];
}

/** The words of the button to one of a project's site forms. */
export function formWords(form) {
  const words = {
    "entry-review": t("Review the entry conditions"),
    log: t("Write the site log"),
    change: t("Record a change"),
    training: t("Operator training"),
    acceptance: t("Internal acceptance"),
    rectify: t("Report the items rectified"),
  };
  return words[form] || form;
}
