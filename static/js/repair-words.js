// The words of a repair ticket on the device: kinds of fault, steps and satisfaction, each a
// literal t("...") so the catalogue test finds it.
import { t } from "./i18n.js";

export const CLASSES = ["general", "factory_return", "difficult", "vandalism", "out_of_warranty"];
const CLASS_TEXT = {
  general: () => t("General problem"),
  factory_return: () => t("Factory return"),
  difficult: () => t("Difficult fault"),
  vandalism: () => t("Vandalism"),
  out_of_warranty: () => t("Out of warranty"),
};
const STEP_TEXT = {
  assigned: () => t("Assigned"),
  accepted: () => t("Ticket accepted"),
  arrived: () => t("Arrived on site"),
  classified: () => t("Fault classified"),
  supervisor_informed: () => t("Supervisor informed"),
  escalation_decision: () => t("Solution decided"),
  sent_to_factory: () => t("Sent to the factory"),
  returned_from_factory: () => t("Back from the factory"),
  quote_recorded: () => t("Quote recorded"),
  quote_approved: () => t("Quote approved"),
  quote_declined: () => t("Quote declined"),
  resolved: () => t("Resolved"),
  customer_signed: () => t("Signed by the customer"),
  follow_up_recorded: () => t("Follow-up call"),
  closed: () => t("Closed and filed"),
  rework_opened: () => t("Rework opened"),
};
export const SATISFACTION = [
  ["satisfied", () => t("Satisfied")],
  ["basically_satisfied", () => t("Basically satisfied")],
  ["not_satisfied", () => t("Not satisfied")],
];

/** A step's name in the reader's language. */
export function stepText(type) {
  return STEP_TEXT[type] ? STEP_TEXT[type]() : type;
}

/** The kind of fault in the reader's language. */
export function classText(code) {
  return CLASS_TEXT[code] ? CLASS_TEXT[code]() : code || "";
}
