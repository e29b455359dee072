// On-site operator training (现场操作人员培训签字), offline: the topics, the trainer, and each
// trainee's name and signature on the tablet — several signatures on one paper. The session is
// one submission and each trainee's signature covers it; the server files the paper once every
// trainee named has signed (the filing pipeline).
import { h } from "./dom.js";
import { signatureParts } from "./field-docs.js";
import { t, todayInSiteZone } from "./i18n.js";
import { fileProjectRecord } from "./outbox.js";
import { errorLine, pageHead } from "./page.js";
import { projectPath } from "./project-words.js";
import { signaturePadControls } from "./signature-controls.js";
import { getRecord } from "./store.js";
import { limitLength } from "./text-limits.js";

// The server's limits (webapp/projects and a signature's signer name).
const TOPICS_MAX = 4000;
const NAME_MAX = 100;
const MAX_TRAINEES = 30;

/** The heading of a trainee's row ("Trainee 2"). */
function traineeWords(n) {
  return t("Trainee %(n)s", { n });
}

/** The signature slot of the n-th trainee named on the paper (webapp/projects: `trainee-n`). */
function traineeRole(n) {
  return `trainee-${n}`;
}

/** One trainee's row: the name and the pad. */
function traineeRow(n) {
  const name = limitLength(h("input", { type: "text", id: `trainee_${n}_name`, autocomplete: "off" }), NAME_MAX);
  const pad = signaturePadControls();
  const node = h("li.card.trainee", { "data-trainee": String(n) }, [
    h("h3", traineeWords(n)),
    h("div.field", [h("label", { for: name.id }, t("Trainee's name")), name]),
    pad.pad,
  ]);
  return { n, name, ready: pad.ready, node };
}

/** The training form of a project. */
export async function projectTrainingView(ctx) {
  const [id] = ctx.params;
  const project = await getRecord("project", id);
  if (!project) return { title: t("Operator training"), node: h("p.empty", t("This project is not on this device.")) };
  const topics = limitLength(h("textarea", { id: "training_topics", rows: 3 }), TOPICS_MAX);
  const trainer = limitLength(h("input", { type: "text", id: "training_trainer", value: ctx.user.display_name || "" }), NAME_MAX);
  const date = h("input", { type: "date", id: "training_date", value: todayInSiteZone() });
  const rows = [traineeRow(1)];
  const list = h("ol.trainees", rows[0].node);
  const more = h("button.btn.add-trainee", {
    type: "button",
    onclick: () => {
      if (rows.length >= MAX_TRAINEES) return;
      const row = traineeRow(rows.length + 1);
      rows.push(row);
      list.append(row.node);
      row.name.focus();
    },
  }, t("Add a trainee"));
  const { node: error, show: showError } = errorLine();
  let saving = false;
  const save = async (event) => {
    event.preventDefault();
    if (saving) return;
    showError("");
    if (!topics.value.trim()) return showError(t("Write what the training covered."));
    if (!trainer.value.trim()) return showError(t("Enter the trainer's name."));
    const fields = await Promise.all(rows.map((r) => r.ready));
    const signed = rows.filter((r, i) => r.name.value.trim() || !fields[i].isEmpty());
    if (!signed.length) return showError(t("At least one trainee signs."));
    const unfinished = signed.find((r) => !r.name.value.trim() || fields[rows.indexOf(r)].isEmpty());
    if (unfinished) return showError(t("Each trainee enters their name and signs: %(who)s.", { who: traineeWords(unfinished.n) }));
    saving = true;
    try {
      const sessionId = crypto.randomUUID();
      const data = {
        project_id: id, held_on: date.value || todayInSiteZone(), topics: topics.value.trim(), trainer: trainer.value.trim(),
        trainees: signed.map((r) => r.name.value.trim()),
      };
      const label = `${project.data.name} · ${t("Operator training")}`;
      const signatures = [];
      for (const [i, row] of signed.entries()) {
        signatures.push(await signatureParts({
          field: fields[rows.indexOf(row)], documentKind: "project_training", documentId: sessionId, documentData: data,
          signerName: row.name.value.trim(), signerRole: traineeRole(i + 1), label,
        }));
      }
      await fileProjectRecord(ctx, { kind: "project_training", id: sessionId, data, label, signatures });
      ctx.navigate(projectPath(id), { replace: true });
    } catch (err) {
      saving = false;
      showError(t("Could not save on this device: %(reason)s", { reason: err?.message || err }));
    }
  };
  return {
    title: t("Operator training"),
    isForm: true,
    cleanup: () => rows.forEach((r) => r.ready.then((f) => f.destroy())),
    node: h("form.project-training", { onsubmit: save, novalidate: true }, [
      pageHead(t("Operator training"), project.data.name),
      h("div.field", [h("label", { for: topics.id }, t("Topics")), topics]),
      h("div.form-grid", [
        h("div.field", [h("label", { for: trainer.id }, t("Trainer")), trainer]),
        h("div.field", [h("label", { for: date.id }, t("Date")), date]),
      ]),
      h("fieldset.trainees-block", [
        h("legend", t("Trainees' signatures")),
        h("p.hint", t("Each trainee writes their name and signs on the tablet. The record is locked once saved.")),
        list,
        more,
      ]),
      error,
      h("div.actions.form-actions", h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Save on this device"))),
    ]),
  };
}
