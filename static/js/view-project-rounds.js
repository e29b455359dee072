// A round of a project's checklist, filled on site offline: the site-entry review (进场条件审查,
// met / not met per condition) and the internal acceptance (内部验收, pass / fail per item), each
// with notes and photos. A round is one append-only submission; a failed round is followed by a
// new one after rectification, and every round is kept.
import { h, urlKeeper } from "./dom.js";
import { photoPicker, signatureBlock, signatureParts } from "./field-docs.js";
import { t, todayInSiteZone } from "./i18n.js";
import { fileProjectRecord } from "./outbox.js";
import { errorLine, pageHead, segmented } from "./page.js";
import { checklistItems, itemChoices, projectPath, resultTag } from "./project-words.js";
import { getRecord } from "./store.js";
import { limitLength } from "./text-limits.js";

// The server's limits on a round's notes (webapp/projects).
const NOTE_MAX = 2000;

const ROUNDS = {
  "entry-review": {
    kind: "entry_review", sync: "project_entry_review", group: "project_entry_condition", title: () => t("Site-entry review"),
    verdict: "met", day: "reviewed_on",
  },
  acceptance: {
    kind: "acceptance", sync: "project_internal_acceptance", group: "project_acceptance_item", title: () => t("Internal acceptance"),
    verdict: "passed", day: "checked_on",
  },
};

/** One item as the server keeps it: what was checked, ok or not, and the note (for an acceptance,
 * what to rectify when it failed). */
function itemRow(spec, key, words, answer) {
  const ok = answer.value === "yes";
  const text = answer.note.trim();
  if (spec.kind === "entry_review") return { key, label: words, ok, note: text };
  return { key, name: words, ok, note: ok ? text : "", rectify: ok ? "" : text };
}

/** One checklist item's card: the choice, and a note (asked for when the item is not met). */
function itemCard(spec, key, words, answer, redraw) {
  const headId = `item-${key}-label`;
  const note = limitLength(h("textarea", { id: `note-${key}`, rows: 2, placeholder: t("Note (optional)") }), NOTE_MAX);
  note.value = answer.note || "";
  note.addEventListener("input", () => { answer.note = note.value; });
  const failed = answer.value === "no";
  return h(`li.check-item${failed ? ".is-finding" : ""}${answer.problem ? ".has-problem" : ""}`, { "data-item": key }, [
    h("div.check-item-head", [h("strong.grow", { id: headId }, words)]),
    h("div.check-item-body", [
      segmented(`a-${key}`, itemChoices(spec.kind), answer.value, (value) => { answer.value = value; answer.problem = ""; redraw(); }, headId),
      h("div.field.note-field", [h("label", { for: note.id }, failed ? t("What must be rectified") : t("Note")), note]),
      answer.problem ? h("ul.problems", h("li", answer.problem)) : null,
    ]),
  ]);
}

/** The result the items give: passed only when every item is met (passes). */
function resultOf(items, answers) {
  return items.every(([key]) => answers[key].value === "yes");
}

/** The round form of a project: entry review or internal acceptance (by the path). */
export async function projectRoundView(ctx) {
  const [id, form] = ctx.params;
  const spec = ROUNDS[form];
  const project = await getRecord("project", id);
  if (!project || !spec) return { title: t("Installation project"), node: h("p.empty", t("This project is not on this device.")) };
  const items = checklistItems(spec.group);
  const answers = Object.fromEntries(items.map(([key]) => [key, { value: null, note: "" }]));
  const keeper = urlKeeper();
  const { node: error, show: showError } = errorLine();
  const photos = photoPicker(keeper, showError);
  // The reviewer signs the entry review sheet (the paper the department files); an acceptance
  // round is the acceptance team's record and is not signed on the device.
  const signature = spec.kind === "entry_review"
    ? signatureBlock({ legend: t("The reviewer's signature"), hint: t("Sign to confirm the review. A signed round is locked.") })
    : null;
  if (signature) signature.name.value = ctx.user.display_name || "";
  const notes = limitLength(h("textarea", { id: "round_notes", rows: 3 }), NOTE_MAX);
  const list = h("ol.check-list.round-items");
  const verdict = h("p.round-verdict", { "aria-live": "polite" });
  const redraw = () => {
    list.replaceChildren(...items.map(([key, words]) => itemCard(spec, key, words, answers[key], redraw)));
    const all = items.every(([key]) => answers[key].value);
    const [words, cls] = resultTag(spec.kind, resultOf(items, answers));
    verdict.replaceChildren(all ? h(`span.tag.${cls}`, words) : h("span.muted", t("Answer every item.")));
  };
  redraw();
  let saving = false;
  const save = async (event) => {
    event.preventDefault();
    if (saving) return;
    showError("");
    let first = null;
    for (const [key] of items) {
      const a = answers[key];
      a.problem = !a.value ? t("Choose one of the options.")
        : a.value === "no" && !a.note.trim() ? t("Say what must be rectified.") : "";
      if (a.problem && !first) first = key;
    }
    redraw();
    if (first) {
      showError(t("Some items still need an answer or a note; they are marked."));
      return;
    }
    let signer = null;
    if (signature) {
      const field = await signature.ready;
      const name = signature.name.value.trim();
      if (field.isEmpty() || !name) return showError(t("The reviewer enters their name and signs."));
      signer = { field, name };
    }
    saving = true;
    try {
      const roundId = crypto.randomUUID();
      const data = {
        project_id: id,
        [spec.day]: todayInSiteZone(),
        items: items.map(([key, words]) => itemRow(spec, key, words, answers[key])),
        [spec.verdict]: resultOf(items, answers),
        notes: notes.value.trim(),
      };
      if (signer) data.reviewer_name = signer.name;
      const label = `${project.data.name} · ${spec.title()}`;
      const signatures = signer ? [await signatureParts({
        field: signer.field, documentKind: spec.sync, documentId: roundId, documentData: data,
        signerName: signer.name, signerRole: "reviewer", label,
      })] : [];
      await fileProjectRecord(ctx, { kind: spec.sync, id: roundId, data, label, photos: photos.photos(), signatures });
      ctx.navigate(projectPath(id), { replace: true });
    } catch (err) {
      saving = false;
      showError(t("Could not save on this device: %(reason)s", { reason: err?.message || err }));
    }
  };
  return {
    title: spec.title(),
    isForm: true,
    cleanup() {
      keeper.release();
      signature?.ready.then((f) => f.destroy());
    },
    node: h("form.project-round", { onsubmit: save, novalidate: true, "data-round": spec.kind }, [
      pageHead(spec.title(), project.data.name),
      items.length ? list : h("p.empty", t("This checklist is not on this device.")),
      h("div.field", [h("label", { for: notes.id }, t("Notes")), notes]),
      photos.node,
      h("section.card", [h("h2", t("Result")), verdict]),
      signature?.node,
      error,
      h("div.actions.form-actions", h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Save on this device"))),
    ]),
  };
}
