// The words of proactive service on the device: activities and a sheet's review states, each a
// literal t("...") so the catalogue test finds it.
import { t } from "./i18n.js";

export const ACTIVITIES = ["monthly_patrol", "semi_annual_maintenance", "quarterly_inspection", "spot_check", "year_end_inspection", "other"];
const activityNames = () => ({
  monthly_patrol: t("Monthly patrol"),
  semi_annual_maintenance: t("Semi-annual maintenance"),
  quarterly_inspection: t("Quarterly inspection"),
  spot_check: t("Spot check"),
  year_end_inspection: t("Year-end inspection"),
  other: t("Other"),
});
const reviewStates = () => ({
  submitted: [t("Received"), "tag-warn"],
  received: [t("Received"), "tag-warn"],
  has_issues: [t("Has issues"), "tag-bad"],
  accepted: [t("Accepted"), "tag-ok"],
  superseded: [t("Corrected"), ""],
});

/** An activity's name in the reader's language. */
export function activityText(code) {
  return activityNames()[code] || code || "";
}

/** The office's review of a sheet as [words, tag class], or undefined before it has one. */
export function reviewState(state) {
  return reviewStates()[state];
}
