// One item of a patrol sheet being filled: its answer input by type, the note, photos, "not
// applicable", the problems still to fix, and the panel that turns a finding into a repair
// ticket. `drawItem(form, item)` (re)draws the item's card from its answer.
import { h } from "./dom.js";
import { blobImage } from "./field-docs.js";
import { t } from "./i18n.js";
import { localName, otherName, segmented, ticketPath } from "./page.js";
import { NOTE_MAX, TEXT_ANSWER_MAX, VERSION_MAX, answerProblems, answerText, isFinding } from "./patrol-rules.js";
import { limitLength } from "./text-limits.js";

// The ticket's description limit on the server (sync/kinds/maintenance.py).
const TICKET_DESCRIPTION_MAX = 4000;

/** A problem code of patrol-rules.answerProblems in words. */
function problemText(code) {
  const words = {
    required: t("This item is required."),
    number: t("Enter a number."),
    choice: t("Choose one of the options."),
    text: t("Enter text."),
    version: t("Give the new version of each upgraded device."),
    not_applicable: t("This item cannot be marked not applicable."),
    too_long: t("At most 2000 characters."),
    note: t("A finding needs a note saying what was found."),
    photo: t("This item needs a photo."),
  };
  return words[code] || code;
}

/** The normal range of a reading, as a hint. */
function rangeText(item) {
  const { min, max, unit = "" } = item;
  if (min !== null && min !== undefined && max !== null && max !== undefined) return t("Normal: %(low)s – %(high)s %(unit)s", { low: min, high: max, unit });
  if (min !== null && min !== undefined) return t("Normal: at least %(low)s %(unit)s", { low: min, unit });
  if (max !== null && max !== undefined) return t("Normal: at most %(high)s %(unit)s", { high: max, unit });
  return "";
}

/** The software-upgrade answer: each upgraded device with its new version. */
function upgradeInput(answer, devices, set) {
  const rows = Array.isArray(answer.value) ? answer.value : [];
  const select = h("select", { "aria-label": t("Device") }, [h("option", { value: "" }, t("Add an upgraded device")),
    ...devices.filter((d) => !rows.some((r) => r.device_id === d.id)).map((d) => h("option", { value: d.id }, `${d.data.name} (${d.data.software_version || "?"})`))]);
  select.addEventListener("change", () => {
    if (!select.value) return;
    const dev = devices.find((d) => d.id === select.value);
    set({ value: [...rows, { device_id: dev.id, from_version: dev.data.software_version || null, to_version: "" }] });
  });
  return h("div.upgrades", [
    h("ul.list", rows.map((r, i) => {
      const dev = devices.find((d) => d.id === r.device_id);
      const box = limitLength(h("input", { type: "text", value: r.to_version || "", "aria-label": t("New version"), placeholder: t("New version") }), VERSION_MAX);
      box.addEventListener("change", () => set({ value: rows.map((x, j) => (j === i ? { ...x, to_version: box.value.trim() } : x)) }));
      return h("li.list-item", [h("strong", dev?.data.name || r.device_id), " ", h("span.muted.small", r.from_version || ""), " → ", box]);
    })),
    select,
    rows.length ? null : h("button.btn.btn-small", { type: "button", onclick: () => set({ value: [] }) }, t("No upgrade needed")),
  ]);
}

/** The form to open a repair ticket from a finding, prefilled with the device and what was found. */
function ticketPanel({ item, answer, devices, defaultDevice, onCreate }) {
  const select = h("select", { id: `ticket-device-${item.key}` }, [
    h("option", { value: "" }, t("No particular device")),
    ...devices.map((d) => h("option", { value: d.id, selected: d.id === defaultDevice }, d.data.name)),
  ]);
  const text = h("textarea", { id: `ticket-text-${item.key}`, rows: 3 });
  const note = (answer.note || "").trim();
  const found = t("Found on patrol: %(item)s — %(answer)s", { item: localName(item, "label"), answer: answerText(item, answer) });
  text.value = note ? t("%(finding)s. %(note)s", { finding: found, note }) : found;
  limitLength(text, TICKET_DESCRIPTION_MAX);
  const create = h("button.btn.btn-primary", { type: "button" }, t("Create the repair ticket"));
  create.addEventListener("click", () => {
    create.disabled = true;
    onCreate({ deviceId: select.value || null, description: text.value.trim() }).finally(() => {
      create.disabled = false;
    });
  });
  return h("div.ticket-panel", [
    h("div.field", [h("label", { for: select.id }, t("Device")), select]),
    h("div.field", [h("label", { for: text.id }, t("What is wrong")), text]),
    create,
  ]);
}

/** The answer input of an item by its type (null where the buttons below are the answer). */
function answerInput(form, item, a, set, headId) {
  if (a.na) return null; // the ticked "not applicable" box says it
  const pick = (v) => set({ value: v });
  if (item.type === "pass_flag_fail") {
    return segmented(`a-${item.key}`, [["pass", t("Pass"), "ok"], ["flag", t("Flag"), "warn"], ["fail", t("Fail"), "bad"]], a.value, pick, headId);
  }
  if (item.type === "yes_no") {
    const tone = (v) => (item.flag_on ? (item.flag_on === v ? "bad" : "ok") : "");
    return segmented(`a-${item.key}`, [["yes", t("Yes"), tone("yes")], ["no", t("No"), tone("no")]], a.value, pick, headId);
  }
  if (item.type === "single_choice") {
    return segmented(`a-${item.key}`, (item.options || []).map((o) => [o.key, localName(o, "label"), o.flag ? "bad" : ""]), a.value, pick, headId);
  }
  if (item.type === "number") {
    const box = h("input", { type: "text", inputmode: "decimal", id: `a-${item.key}`, value: a.value ?? "", "aria-labelledby": headId, autocomplete: "off" });
    let live = 0;
    box.addEventListener("input", () => {
      a.value = box.value.trim() === "" ? null : box.value.trim();
      form.keepDraft();
      form.onAnswer?.();
      // A reading out of range shows its note and photo while the keyboard is still up, so the
      // next tap lands on them instead of first closing the keyboard.
      clearTimeout(live);
      live = setTimeout(() => {
        if (document.activeElement !== box || form.cards.get(item.key).dataset.shape === cardShape(item, a)) return;
        drawItem(form, item);
        const again = document.getElementById(box.id);
        again?.focus();
        again?.setSelectionRange(again.value.length, again.value.length);
      }, 400);
    });
    box.addEventListener("change", () => {
      clearTimeout(live);
      refreshItem(form, item);
    });
    return h("div.num-input", [box, item.unit ? h("span.unit", item.unit) : null, h("span.muted.small", rangeText(item))]);
  }
  if (item.type === "text") {
    const box = h("textarea", { id: `a-${item.key}`, rows: 2, "aria-labelledby": headId });
    box.value = a.value || "";
    limitLength(box, TEXT_ANSWER_MAX);
    box.addEventListener("input", () => {
      a.value = box.value;
      form.keepDraft();
      form.onAnswer?.();
    });
    return box;
  }
  if (item.type === "software_upgrade") return upgradeInput(a, form.allDevices, set);
  return null;
}

/** The photos of an answer as thumbnails with a remove button. */
function thumbnails(form, a, set) {
  return (a.photo_ids || []).map((sha, i) => {
    const row = form.photos.get(sha);
    const alt = t("Photo %(n)s", { n: i + 1 });
    return h("li.thumb", [
      row ? h("img", { src: form.keeper.make(row.blob), alt }) : blobImage(sha, form.userId, form.keeper, alt),
      h("button.btn.thumb-remove", {
        type: "button", "aria-label": t("Remove photo %(n)s", { n: i + 1 }),
        onclick: () => set({ photo_ids: a.photo_ids.filter((x) => x !== sha) }),
      }, "×"),
    ]);
  });
}

/** The note of an answer (what was found, and what was done). */
function noteBox(form, item, a, finding) {
  const note = h("textarea", { id: `note-${item.key}`, rows: 2, placeholder: finding ? t("What was found, and what was done") : t("Note (optional)") });
  note.value = a.note || "";
  limitLength(note, NOTE_MAX);
  note.addEventListener("input", () => {
    a.note = note.value;
    form.keepDraft();
  });
  note.addEventListener("change", () => refreshItem(form, item));
  return note;
}

/** The repair ticket made from a finding, or the button that offers to make one. */
function ticketPart(form, item, a, finding) {
  if (a.ticket_id) {
    return h("p.ticket-made", [h("span.tag.tag-ok", t("Repair ticket created")), " ",
      h("a", { href: ticketPath(a.ticket_id) }, t("Open the ticket"))]);
  }
  if (!finding) return null;
  const panel = h("div.ticket-slot");
  const devices = form.devices;
  const offer = h("button.btn.make-ticket", {
    type: "button",
    onclick: (e) => {
      e.target.remove();
      panel.replaceChildren(ticketPanel({
        item, answer: a, devices, defaultDevice: form.device?.id || (devices.length === 1 ? devices[0].id : ""),
        onCreate: (choice) => form.createTicket(item, choice),
      }));
    },
  }, t("Turn into a repair ticket"));
  return [offer, panel];
}

/** What decides which parts an item's card has: when it stays the same, the card keeps its nodes. */
function cardShape(item, a) {
  const finding = isFinding(item, a);
  return JSON.stringify([finding, Boolean(a.na), Boolean(finding || a.noteOpen || (a.note || "").trim())]);
}

/** The problems list and the finding/problem marks of a card, updated in place. */
function markProblems(form, item, card, a) {
  const problems = card.dataset.checked ? answerProblems(item, a) : [];
  card.classList.toggle("has-problem", problems.length > 0);
  const list = problems.length ? h("ul.problems", problems.map((p) => h("li", problemText(p)))) : null;
  const old = card.querySelector(".problems");
  if (old && list) old.replaceWith(list);
  else if (old) old.remove();
  else if (list) card.querySelector(".check-item-body").append(list);
}

/** After a typed value or note is left: redraw only when the card's parts change.
 *
 * Leaving a box fires `change` on the press that lands on the next button (拍照, 转为报修单);
 * redrawing the card then would replace that button under the finger and swallow the tap. */
export function refreshItem(form, item) {
  const card = form.cards.get(item.key);
  const a = form.answerOf(item.key);
  if (card.dataset.shape !== cardShape(item, a)) return drawItem(form, item);
  markProblems(form, item, card, a);
  form.onAnswer?.();
}

/** Draw (or redraw) one item's card from its answer. */
export function drawItem(form, item) {
  const card = form.cards.get(item.key);
  const a = form.answerOf(item.key);
  const finding = isFinding(item, a);
  card.dataset.shape = cardShape(item, a);
  const headId = `item-${item.key}-label`;
  const set = (patch) => {
    Object.assign(a, patch);
    form.keepDraft();
    drawItem(form, item);
  };
  // A finding always offers a photo (required when the checklist says so).
  const wantsPhoto = item.type === "photo" || item.photo === "required" || item.photo === "optional" || finding;
  const camera = h("input.visually-hidden", { type: "file", accept: "image/*", capture: "environment", id: `cam-${item.key}`, onchange: (e) => form.addPhotos(item, e.target) });
  const thumbs = thumbnails(form, a, set);
  const showNote = finding || a.noteOpen || (a.note || "").trim();
  const problems = card.dataset.checked ? answerProblems(item, a) : [];
  card.className = `check-item sheet-item${finding ? " is-finding" : ""}${problems.length ? " has-problem" : ""}`;
  card.replaceChildren(
    h("div.check-item-head", [
      h("span.check-no", String(form.items.indexOf(item) + 1)),
      h("div.grow", [
        h("strong", { id: headId }, localName(item, "label")), item.required ? h("span.req", { title: t("Required") }, " *") : null,
        h("div.muted.small", otherName(item)),
        localName(item, "hint") ? h("div.hint", localName(item, "hint")) : null,
        item.points ? h("div.muted.small.points", t("%(n)s points", { n: item.points })) : null,
      ]),
      finding ? h("span.tag.tag-bad", t("Finding")) : null,
    ]),
    h("div.check-item-body", [
      answerInput(form, item, a, set, headId),
      item.na_allowed ? h("label.check.na-toggle", [
        h("input", { type: "checkbox", checked: Boolean(a.na), onchange: (e) => set({ na: e.target.checked }) }),
        h("span", t("Not applicable")),
      ]) : null,
      showNote ? h("div.field.note-field", [h("label", { for: `note-${item.key}` }, finding ? t("Note on the finding") : t("Note")), noteBox(form, item, a, finding)]) : null,
      !showNote && !a.na && item.type !== "text" ? h("button.btn.btn-link.add-note", { type: "button", onclick: () => set({ noteOpen: true }) }, t("Add a note")) : null,
      wantsPhoto && !a.na ? h("div.photo-row", [camera, h("label.btn", { for: camera.id }, t("Take photo")), thumbs.length ? h("ul.thumbs", thumbs) : null]) : null,
      ticketPart(form, item, a, finding),
      problems.length ? h("ul.problems", problems.map((p) => h("li", problemText(p)))) : null,
    ]),
  );
  form.onAnswer?.();
}
