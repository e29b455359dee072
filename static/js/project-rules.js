// What the device knows of a project and which site forms it offers the user now. The server's
// verbs (webapp/projects: rules.py, services.py, rounds.py) hold the rules and refuse what is out
// of turn; this module only decides what the page offers, from the status the last pull brought
// and the rounds recorded on this device since (a met entry review lets the team go on offline).
import { listBy, listKind } from "./store.js";

export const FLOW = ["opened", "team_assigned", "entry_met", "internal_passed", "external_passed", "completed"];
const FINISHED = ["completed", "cancelled"];
const INSTALLING = ["entry_met", "internal_passed"];

/** The projects on this device whose team (installation or acceptance) includes the user. */
export async function myProjects(userId) {
  const members = (await listKind("project_member")).filter((m) => m.data.user_id === userId);
  const mine = new Set(members.map((m) => m.data.project_id));
  return (await listKind("project"))
    .filter((p) => mine.has(p.id))
    .sort((a, b) => String(a.data.name || "").localeCompare(String(b.data.name || "")));
}

/** True while the project is neither completed nor cancelled. */
export function isActive(project) {
  return !FINISHED.includes(project.data.status);
}

/** Rounds in the order they were made: the server's number, then (for rounds not numbered yet) the outbox's. */
function byRound(seqs) {
  const order = (r) => [r.data.round || Number.MAX_SAFE_INTEGER, seqs.get(r.id)?.seq || 0];
  return (a, b) => {
    const [ra, sa] = order(a);
    const [rb, sb] = order(b);
    return ra - rb || sa - sb;
  };
}

/**
 * A project's records on the device, by what they are; rounds in order, the rest newest first.
 * `entries` are the user's outbox entries by record id (field-docs.outboxEntries).
 */
export async function projectRecords(projectId, entries = new Map()) {
  const of = async (kind) => (await listKind(kind)).filter((r) => r.data.project_id === projectId);
  const [members, milestones, entryReviews, logs, changes, trainings, acceptances, rectifications] = await Promise.all([
    of("project_member"), of("project_milestone"), of("project_entry_review"), of("project_log"), of("project_change"),
    of("project_training"), of("project_internal_acceptance"), of("project_rectification"),
  ]);
  const signaturesOf = new Map();
  for (const session of trainings) signaturesOf.set(session.id, await listBy("document", "signature", session.id));
  milestones.sort((a, b) => (a.data.position ?? 0) - (b.data.position ?? 0));
  entryReviews.sort(byRound(entries));
  acceptances.sort(byRound(entries));
  const newest = (field) => (a, b) => String(b.data[field] || "").localeCompare(String(a.data[field] || ""));
  logs.sort(newest("date"));
  changes.sort(newest("reported_at"));
  trainings.sort(newest("held_on"));
  return { members, milestones, entryReviews, logs, changes, trainings, acceptances, rectifications, signaturesOf };
}

/** True when the user is on the project's team of that duty ("team" or "acceptance"). */
export function onTeam(records, userId, duty = "team") {
  return records.members.some((m) => m.data.user_id === userId && m.data.duty === duty);
}

/** The last internal acceptance round when it failed and is not reported rectified yet. */
export function unrectifiedAcceptance(records) {
  const last = records.acceptances.at(-1);
  if (!last || last.data.passed) return null;
  return records.rectifications.some((r) => r.data.round_id === last.id) ? null : last;
}

/** Where the project stands as the device sees it: the pulled status, moved on by rounds made here. */
export function effectiveStatus(project, records) {
  let status = project.data.status;
  if (status === "team_assigned" && records.entryReviews.some((r) => r.data.met)) status = "entry_met";
  if (status === "entry_met" && records.acceptances.some((r) => r.data.passed)) status = "internal_passed";
  return status;
}

/** The site forms the page offers the user now (paths under the project). */
export function formsOffered(project, records, userId) {
  const status = effectiveStatus(project, records);
  const forms = [];
  const team = onTeam(records, userId, "team");
  if (team && status === "team_assigned") forms.push("entry-review");
  if (team && INSTALLING.includes(status)) forms.push("log", "change", "training");
  if (status === "entry_met") {
    const failed = unrectifiedAcceptance(records);
    if (failed && team) forms.push("rectify");
    if (!failed && onTeam(records, userId, "acceptance")) forms.push("acceptance");
  }
  return forms;
}

/** The line saying what the project waits for (a key of the catalogue's project_waiting labels). */
export function waitingKey(project, records) {
  const status = effectiveStatus(project, records);
  if (status === "team_assigned" && records.entryReviews.length && !records.entryReviews.at(-1).data.met) return "entry_failed";
  if (status === "entry_met" && unrectifiedAcceptance(records)) return "acceptance_failed";
  return status;
}
