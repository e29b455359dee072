// The words of a repair ticket on the device. Kinds of fault and steps are named by the server's
// tables (webapp/repairs/vocabulary.py, sent in the catalogue's labels); the satisfaction choices
// are literal t("...") strings so the catalogue test finds them.
import { label, t } from "./i18n.js";

export const CLASSES = ["general", "factory_return", "difficult", "vandalism", "out_of_warranty"];
export const SATISFACTION = [
  ["satisfied", () => t("Satisfied")],
  ["basically_satisfied", () => t("Basically satisfied")],
  ["not_satisfied", () => t("Not satisfied")],
];

/** A step's name in the reader's language. */
export function stepText(type) {
  return label("ticket_event", type);
}

/** The kind of fault in the reader's language. */
export function classText(code) {
  return label("classification", code);
}
