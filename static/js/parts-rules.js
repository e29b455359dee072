// The parts used on a repair form (`resolved` data `parts`: [{name, qty, unit_cost}]), checked
// and normalised on the device by the server's rule (webapp/repairs/step_data.py parts_problems
// and parts_of; tests/e2e/parity/parts.json ties the two). Pure: no DOM, no storage.

export const MAX_PARTS = 30;
export const MAX_QTY = 10000;
export const MAX_UNIT_COST = 10000000;
export const MAX_NAME = 100;
const COST = /^\d+(\.\d{1,2})?$/;

/** A whole number from a number or its digits, else null. */
function wholeNumber(value) {
  if (typeof value === "number") return Number.isInteger(value) ? value : null;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number.parseInt(value.trim(), 10);
  return null;
}

/** A unit cost as text with two decimals ("35.50"), or null when it does not pass. */
function costText(value) {
  const raw = value === undefined ? "0" : typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : null;
  if (raw === null || !COST.test(raw)) return null;
  const [whole, fraction = ""] = raw.split(".");
  const yuan = Number.parseInt(whole, 10);
  const text = `${yuan}.${fraction.padEnd(2, "0")}`;
  return Number(text) > MAX_UNIT_COST ? null : text;
}

/** A line's name, quantity and unit cost text (null where one does not pass). */
function lineValues(line) {
  const name = String(line.name ?? "").trim().slice(0, MAX_NAME);
  let qty = wholeNumber(line.qty);
  if (qty !== null && (qty < 1 || qty > MAX_QTY)) qty = null;
  return { name, qty, cost: costText(line.unit_cost) };
}

/**
 * What is wrong with the lines, as [{line, problem}] (problem: "list", "too_many", "line",
 * "name", "qty", "unit_cost"; line counts from 1, 0 for the whole list); empty when all pass.
 */
export function partsProblems(lines) {
  if (lines === undefined || lines === null || lines === "") return [];
  if (!Array.isArray(lines)) return [{ line: 0, problem: "list" }];
  if (lines.length > MAX_PARTS) return [{ line: 0, problem: "too_many" }];
  const problems = [];
  lines.forEach((line, index) => {
    const n = index + 1;
    if (!line || typeof line !== "object" || Array.isArray(line)) {
      problems.push({ line: n, problem: "line" });
      return;
    }
    const { name, qty, cost } = lineValues(line);
    if (!name) problems.push({ line: n, problem: "name" });
    if (qty === null) problems.push({ line: n, problem: "qty" });
    if (cost === null) problems.push({ line: n, problem: "unit_cost" });
  });
  return problems;
}

/** The lines as the form sends and the server stores them ({name, qty, unit_cost: "35.50"}), or null. */
export function partsOf(lines) {
  if (partsProblems(lines).length) return null;
  return (lines || []).map((line) => {
    const { name, qty, cost } = lineValues(line);
    return { name, qty, unit_cost: cost };
  });
}

/** The editor's rows as lines: a row with neither a name nor a cost is no line at all (its quantity
 * starts at 1), and a blank cost is 0. */
export function filledRows(rows) {
  return rows
    .filter((row) => [row.name, row.unit_cost].some((v) => String(v ?? "").trim() !== ""))
    .map((row) => ({ ...row, unit_cost: String(row.unit_cost ?? "").trim() || "0" }));
}
