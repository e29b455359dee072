// The words of proactive service on the device. Activities are named by the server's table
// (webapp/maintenance/labels.py, sent in the catalogue's labels); a sheet's review states are
// literal t("...") strings so the catalogue test finds them.
import { label, t } from "./i18n.js";

export const ACTIVITIES = ["monthly_patrol", "semi_annual_maintenance", "quarterly_inspection", "spot_check", "year_end_inspection", "other"];
const reviewStates = () => ({
  submitted: [t("Received"), "tag-warn"],
  received: [t("Received"), "tag-warn"],
  has_issues: [t("Has issues"), "tag-bad"],
  accepted: [t("Accepted"), "tag-ok"],
  superseded: [t("Corrected"), ""],
});

/** An activity's name in the reader's language. */
export function activityText(code) {
  return label("activity", code);
}

/** The office's review of a sheet as [words, tag class], or undefined before it has one. */
export function reviewState(state) {
  return reviewStates()[state];
}
