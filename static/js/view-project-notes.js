// The team's running records of an installation, written on site offline: the daily site log
// (施工日志, like the service diary), a change (变更: what changed, why, the effect on the plan),
// which the server reports to the department head the moment it arrives, and the report that a
// failed internal acceptance's items are rectified (整改), which the next round waits for.
import { h, urlKeeper } from "./dom.js";
import { outboxEntries, photoPicker } from "./field-docs.js";
import { t, todayInSiteZone } from "./i18n.js";
import { fileProjectRecord } from "./outbox.js";
import { errorLine, pageHead } from "./page.js";
import { projectRecords, unrectifiedAcceptance } from "./project-rules.js";
import { projectPath } from "./project-words.js";
import { getRecord } from "./store.js";
import { limitLength } from "./text-limits.js";

// The server's limits (webapp/projects): a log's text, a change's three parts.
const TEXT_MAX = 20000;
const PART_MAX = 4000;
const WORKERS_MAX = 300;

/** A labelled textarea with its limit. */
function textArea(id, words, rows, max) {
  const box = limitLength(h("textarea", { id, name: id, rows }), max);
  return { box, node: h("div.field", [h("label", { for: id }, words), box]) };
}

const FORMS = {
  log: {
    kind: "project_log",
    title: () => t("Site log"),
    fields: () => [["text", t("What was done today"), 6, TEXT_MAX, true], ["workers", t("Who worked on site"), 1, WORKERS_MAX, false]],
    date: "date",
  },
  change: {
    kind: "project_change",
    title: () => t("Record a change"),
    fields: () => [
      ["what", t("What changed"), 3, PART_MAX, true],
      ["why", t("Why"), 3, PART_MAX, true],
      ["effect", t("Effect on the plan"), 3, PART_MAX, false],
    ],
    hint: () => t("The department head is told of the change as soon as it reaches the server."),
  },
  rectify: {
    kind: "project_rectification",
    title: () => t("Report the items rectified"),
    fields: () => [["note", t("What was rectified"), 4, PART_MAX, true]],
    hint: () => t("The acceptance team accepts again once the failed items are reported rectified."),
    round: true,
  },
};

/** The site-log, change or rectification form of a project (by the path). */
export async function projectNoteView(ctx) {
  const [id, which] = ctx.params;
  const spec = FORMS[which];
  const project = await getRecord("project", id);
  if (!project || !spec) return { title: t("Installation project"), node: h("p.empty", t("This project is not on this device.")) };
  const keeper = urlKeeper();
  const { node: error, show: showError } = errorLine();
  const failed = spec.round ? unrectifiedAcceptance(await projectRecords(id, await outboxEntries(ctx.user.id))) : null;
  if (spec.round && !failed) {
    ctx.navigate(projectPath(id), { replace: true });
    return { title: spec.title(), node: h("p", "…") };
  }
  const fields = spec.fields().map(([name, words, rows, max, required]) => ({ name, required, ...textArea(`${which}_${name}`, words, rows, max) }));
  const date = spec.date ? h("input", { type: "date", id: `${which}_date`, value: todayInSiteZone(), required: true }) : null;
  const failedItems = failed ? (failed.data.items || []).filter((item) => !item.ok) : [];
  const photos = photoPicker(keeper, showError);
  let saving = false;
  const save = async (event) => {
    event.preventDefault();
    if (saving) return;
    showError("");
    const missing = fields.find((f) => f.required && !f.box.value.trim());
    if (missing) {
      missing.box.focus();
      return showError(t("Fill in the marked fields."));
    }
    if (date && !date.value) return showError(t("Choose the date."));
    saving = true;
    try {
      const data = failed ? { round_kind: "project_internal_acceptance", round_id: failed.id } : { project_id: id };
      for (const f of fields) data[f.name] = f.box.value.trim();
      if (date) data[spec.date] = date.value;
      await fileProjectRecord(ctx, { kind: spec.kind, data, label: `${project.data.name} · ${spec.title()}`, photos: photos.photos() });
      ctx.navigate(projectPath(id), { replace: true });
    } catch (err) {
      saving = false;
      showError(t("Could not save on this device: %(reason)s", { reason: err?.message || err }));
    }
  };
  return {
    title: spec.title(),
    isForm: true,
    cleanup: () => keeper.release(),
    node: h(`form.project-note.project-${which}`, { onsubmit: save, novalidate: true }, [
      pageHead(spec.title(), project.data.name),
      spec.hint ? h("p.hint", spec.hint()) : null,
      failedItems.length ? h("section.card.failed-items", [
        h("h2", t("Items to rectify")),
        h("ul.list", failedItems.map((item) => h("li.list-item", [h("strong", item.name || ""), h("span.grow", item.rectify || item.note || "")]))),
      ]) : null,
      date ? h("div.field", [h("label", { for: date.id }, t("Date")), date]) : null,
      fields.map((f) => f.node),
      photos.node,
      error,
      h("div.actions.form-actions", h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Save on this device"))),
    ]),
  };
}
