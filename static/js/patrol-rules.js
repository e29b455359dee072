// The patrol sheet's rules on the device, pure: which answer is a finding, what an answer still
// needs before the sheet is handed in, the answers as the server takes them, and the content a
// customer's signature covers. They follow webapp/maintenance/validation.py; the parity tests
// (tests/e2e/test_field_app_parity.py) run both on one table so neither can move alone.
import { signedContent } from "./documents.js";
import { t } from "./i18n.js";
import { localName } from "./page.js";
import { codePointLength } from "./text-limits.js";

// The server's limits (webapp/maintenance/schemas.py, validation.py), in code points.
export const NOTE_MAX = 2000;
export const TEXT_ANSWER_MAX = 2000;
export const VERSION_MAX = 100;

const DIGITS = String.raw`\d(?:_?\d)*`;
const FLOAT_TEXT = new RegExp(`^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:e[+-]?${DIGITS})?$`, "i");
const answerNames = () => ({ pass: t("Pass"), flag: t("Flag"), fail: t("Fail"), yes: t("Yes"), no: t("No") });

/** A typed reading as a number, or null (a comma is a decimal point, as the server reads it). */
export function reading(value) {
  if (typeof value === "boolean" || value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string" || value.trim() === "") return null;
  const text = value.trim().replace(",", ".");
  // The forms Python's float() takes (digits may be grouped by "_"); Number() alone would also
  // take "0x1f" and refuse "1_000".
  if (!FLOAT_TEXT.test(text)) return null;
  const n = Number(text.replaceAll("_", ""));
  return Number.isFinite(n) ? n : null;
}

/** True when an item has no answer yet (a photo item is answered by its photos). */
function isEmpty(item, answer) {
  if (item.type === "photo") return !(answer.photo_ids || []).length;
  const v = answer.value;
  return v === null || v === undefined || (typeof v === "string" && !v.trim());
}

/** True when an answer is a finding by the item's rules, or because the technician flagged it. */
export function isFinding(item, answer) {
  if (!answer || answer.na) return false;
  if (isEmpty(item, answer)) return Boolean(answer.flagged);
  const v = answer.value;
  let byRule = false;
  switch (item.type) {
    case "pass_flag_fail":
      byRule = v === "flag" || v === "fail";
      break;
    case "yes_no": {
      const normal = v === true ? "yes" : v === false ? "no" : v;
      byRule = Boolean(item.flag_on) && normal === item.flag_on;
      break;
    }
    case "number": {
      const n = reading(v);
      byRule = n !== null && ((item.min !== null && item.min !== undefined && n < item.min)
        || (item.max !== null && item.max !== undefined && n > item.max));
      break;
    }
    case "single_choice":
      byRule = Boolean((item.options || []).find((o) => o.key === v)?.flag);
      break;
    default:
      byRule = false;
  }
  return byRule || Boolean(answer.flagged);
}

/** True when an item is answered (or marked not applicable): what the sheet's progress counts. */
export function isAnswered(item, answer) {
  return Boolean(answer) && (Boolean(answer.na) || !isEmpty(item, answer));
}

/**
 * The value that says "all is normal" for an item, or null where only the technician can say it
 * (a reading, a text, a photo, a yes/no with no side flagged): what "all normal" fills in.
 */
export function normalAnswer(item) {
  switch (item.type) {
    case "pass_flag_fail":
      return "pass";
    case "yes_no":
      return item.flag_on === "yes" ? "no" : item.flag_on === "no" ? "yes" : null;
    case "single_choice":
      return (item.options || []).find((o) => !o.flag)?.key ?? null;
    case "software_upgrade":
      return [];
    default:
      return null;
  }
}

/** The code of what is wrong with an answered value of the item's type, or null (validation._check_value). */
function valueProblem(item, v) {
  switch (item.type) {
    case "number":
      return reading(v) === null ? "number" : null;
    case "pass_flag_fail":
      return ["pass", "flag", "fail"].includes(v) ? null : "choice";
    case "yes_no":
      return [true, false, "yes", "no"].includes(v) ? null : "choice";
    case "single_choice":
      return (item.options || []).some((o) => o.key === v) ? null : "choice";
    case "text":
      if (typeof v !== "string") return "text";
      return codePointLength(v) > TEXT_ANSWER_MAX ? "too_long" : null;
    case "software_upgrade":
      if (!Array.isArray(v)) return "version";
      return v.every((e) => e && typeof e.to_version === "string" && e.to_version.trim() && codePointLength(e.to_version) <= VERSION_MAX)
        ? null : "version";
    default:
      return null;
  }
}

/**
 * What an answer still needs before the sheet is handed in, as codes: "required", "number",
 * "choice", "text", "version", "too_long", "not_applicable", "note" (a finding says what was
 * found), "photo". Empty when it is fine; the server's check_answers refuses the same.
 */
export function answerProblems(item, answer = {}) {
  const note = answer.note || "";
  if (codePointLength(note) > NOTE_MAX) return ["too_long"];
  if (answer.na) return item.na_allowed ? [] : ["not_applicable"];
  const problems = [];
  if (isEmpty(item, answer)) {
    if (item.required) problems.push("required");
    if (answer.flagged && !note.trim()) problems.push("note");
    return problems;
  }
  const wrong = valueProblem(item, answer.value);
  if (wrong) problems.push(wrong);
  const finding = wrong && wrong !== "too_long" ? Boolean(answer.flagged) : isFinding(item, answer);
  if (finding && !note.trim()) problems.push("note");
  const photos = (answer.photo_ids || []).length;
  if (!photos && (item.photo === "required" || (item.photo === "on_flag" && finding))) problems.push("photo");
  return problems;
}

/** An answer in words, for lists and a ticket's description. */
export function answerText(item, answer) {
  if (!answer || answer.na) return answer?.na ? t("Not applicable") : "—";
  const v = answer.value;
  if (item.type === "photo") return (answer.photo_ids || []).length ? t("%(n)s photos", { n: answer.photo_ids.length }) : "—";
  if (v === null || v === undefined || v === "") return "—";
  if (item.type in { pass_flag_fail: 1, yes_no: 1 }) return answerNames()[v] || v;
  if (item.type === "number") return `${v} ${item.unit || ""}`.trim();
  if (item.type === "single_choice") {
    const option = (item.options || []).find((o) => o.key === v);
    return option ? localName(option, "label") : v;
  }
  if (item.type === "software_upgrade") {
    return Array.isArray(v) && v.length ? v.map((e) => `${e.to_version}`).join(", ") : t("No upgrade needed");
  }
  return String(v);
}

/** Answers as the device files them: only what was given, readings as typed. */
export function cleanAnswers(items, answers) {
  const out = {};
  for (const item of items) {
    const a = answers[item.key];
    if (!a) continue;
    const entry = {};
    if (a.na) entry.na = true;
    else if (a.value !== null && a.value !== undefined && a.value !== "") entry.value = item.type === "number" ? String(a.value).trim() : a.value;
    if ((a.note || "").trim()) entry.note = a.note.trim();
    if ((a.photo_ids || []).length) entry.photo_ids = [...a.photo_ids];
    if (a.ticket_id) entry.ticket_id = a.ticket_id;
    if (Object.keys(entry).length) out[item.key] = entry;
  }
  return out;
}

/** One answer's value as the server stores it: readings as numbers, yes/no as words, text trimmed. */
function storedValue(item, value) {
  if (item.type === "number") {
    return reading(value);
  }
  if (item.type === "yes_no") return value === true ? "yes" : value === false ? "no" : value;
  if (item.type === "text") return String(value).trim();
  if (item.type === "photo") return null;
  if (item.type === "software_upgrade") {
    if (!Array.isArray(value)) return value;
    return value.map((e) => ({ device_id: e.device_id, from_version: e.from_version ?? null, to_version: String(e.to_version).trim() }));
  }
  return value;
}

/**
 * The answers of a handed-in sheet as the server keeps them (validation.check_answers):
 * {value, note, photo_ids, flagged, na[, ticket_id]} for each item answered, noted or flagged.
 * Applying it to answers it made gives the same answers.
 */
export function storedAnswers(items, answers = {}) {
  const out = {};
  for (const item of items) {
    const a = answers[item.key];
    if (!a) continue;
    const note = (a.note || "").trim();
    const photos = [...(a.photo_ids || [])];
    const linked = a.ticket_id ? { ticket_id: a.ticket_id } : {};
    if (a.na) {
      out[item.key] = { value: null, note, photo_ids: photos, flagged: false, na: true, ...linked };
    } else if (isEmpty(item, a)) {
      if (note || photos.length || a.flagged) {
        out[item.key] = { value: null, note, photo_ids: photos, flagged: Boolean(a.flagged), na: false, ...linked };
      }
    } else {
      out[item.key] = { value: storedValue(item, a.value), note, photo_ids: photos, flagged: isFinding(item, a), na: false, ...linked };
    }
  }
  return out;
}

/** A copy of a value with non-integer numbers as their text (canonical JSON holds integers only). */
function integersOnly(value) {
  if (typeof value === "number") return Number.isInteger(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(integersOnly);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, integersOnly(v)]));
  return value;
}

/**
 * What a customer's signature on a sheet covers, as the document data documents.js signs: the
 * sheet's signed fields (static/js/signed-fields.json) with its answers as the server stores
 * them. The save path (the data about to be filed) and the sign-later path (the sheet on the
 * device, filed earlier or pulled from the server) give the same content for the same sheet.
 */
export function signedSheetData(items, data) {
  return { ...data, answers: integersOnly(storedAnswers(items, data.answers || {})), customer_opinion: (data.customer_opinion || "").trim() };
}

/** The exact text a signature on a sheet covers (canonical JSON, see documents.signedContent). */
export function signedSheetContent(sheetId, items, data) {
  return signedContent("inspection", sheetId, signedSheetData(items, data));
}
