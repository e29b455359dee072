// The parts used on the repair form (更换配件): a small line editor (name, quantity, unit cost;
// add and remove rows) that works offline and checks its lines by the server's rule
// (parts-rules.js) before the step is queued, and the lines as the technician and customer read them.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { MAX_NAME, MAX_PARTS, MAX_QTY, MAX_UNIT_COST, filledRows, partsOf, partsProblems } from "./parts-rules.js";
import { limitLength } from "./text-limits.js";

/** A device problem code (parts-rules.js) in the server's words. */
function problemText({ line, problem }) {
  const n = line;
  switch (problem) {
    case "name": return t("Part %(n)s: enter its name.", { n });
    case "qty": return t("Part %(n)s: the quantity is a whole number from 1 to %(max)s.", { n, max: MAX_QTY });
    case "unit_cost": return t("Part %(n)s: the unit cost is an amount in yuan from 0 to %(max)s, with at most two decimals.", { n, max: MAX_UNIT_COST });
    case "too_many": return t("At most %(n)s lines of parts.", { n: MAX_PARTS });
    default: return t("Part %(n)s: give its name, quantity and unit cost.", { n });
  }
}

/** The editor: `node`, and `read()` → {parts, problems} (parts null while a problem remains). */
export function partsEditor() {
  const list = h("ol.parts-lines");
  const add = h("button.btn.btn-small.parts-add", { type: "button" }, t("Add a part"));
  const rows = [];
  const renumber = () => rows.forEach((row, i) => {
    row.node.querySelector(".parts-line-no").textContent = String(i + 1);
    row.remove.setAttribute("aria-label", t("Remove part %(n)s", { n: i + 1 }));
  });
  const addRow = () => {
    const name = limitLength(h("input", { type: "text", name: "part_name", autocomplete: "off", "aria-label": t("Part") }), MAX_NAME);
    const qty = h("input", { type: "number", name: "part_qty", min: 1, max: MAX_QTY, step: 1, inputmode: "numeric", value: "1", "aria-label": t("Qty") });
    const cost = h("input", { type: "text", name: "part_unit_cost", inputmode: "decimal", autocomplete: "off", placeholder: "0.00", "aria-label": t("Unit cost (yuan)") });
    const remove = h("button.btn.btn-small.parts-remove", { type: "button" }, "×");
    const row = { name, qty, cost, remove };
    row.node = h("li.parts-line", [
      h("span.parts-line-no", { "aria-hidden": "true" }),
      h("label.parts-name", [h("span.small.muted", t("Part")), name]),
      h("label.parts-qty", [h("span.small.muted", t("Qty")), qty]),
      h("label.parts-cost", [h("span.small.muted", t("Unit cost (yuan)")), cost]),
      remove,
    ]);
    remove.addEventListener("click", () => {
      rows.splice(rows.indexOf(row), 1);
      row.node.remove();
      renumber();
      add.hidden = false;
      add.focus();
    });
    rows.push(row);
    list.append(row.node);
    renumber();
    add.hidden = rows.length >= MAX_PARTS;
    return row;
  };
  add.addEventListener("click", () => addRow().name.focus());
  const read = () => {
    const lines = filledRows(rows.map((r) => ({ name: r.name.value, qty: r.qty.value, unit_cost: r.cost.value })));
    const problems = partsProblems(lines).map(problemText);
    return { parts: problems.length ? null : partsOf(lines), problems };
  };
  const node = h("fieldset.parts-editor", [
    h("legend", t("Parts used")),
    h("p.hint", t("One line per part: its name, how many and the unit cost. Leave it empty when no part was used.")),
    list,
    add,
  ]);
  return { node, read };
}

/** The parts lines as text, one per line: "电源适配器 ×2 · 35.50 yuan". */
export function partsText(parts) {
  return (parts || []).map((p) => `${p.name} ×${p.qty} · ${t("%(amount)s yuan", { amount: p.unit_cost })}`).join("\n");
}
