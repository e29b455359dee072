// A repair ticket's life-cycle on the device, pure: where a ticket stands after its known steps,
// and which steps may come next. It follows webapp/repairs/lifecycle.py (check_step, _apply,
// fold_events) rule for rule, so the buttons offered offline are the steps the server will take;
// tests/e2e/test_field_app_parity.py runs both on one table of event sequences.
import { CLASSES } from "./repair-words.js";

export const EVENT_TYPES = [
  "assigned", "accepted", "arrived", "classified", "supervisor_informed", "escalation_decision",
  "sent_to_factory", "returned_from_factory", "quote_recorded", "quote_approved", "quote_declined",
  "resolved", "customer_signed", "follow_up_recorded", "closed", "rework_opened",
];
// The steps a technician records on the device; the office records the others.
export const DEVICE_STEPS = [
  "accepted", "arrived", "classified", "supervisor_informed", "sent_to_factory", "returned_from_factory",
  "resolved", "customer_signed", "quote_approved", "quote_declined",
];
const BEFORE_ARRIVAL = ["reported", "assigned", "rework"];
const REPAIRED = ["resolved", "signed", "followed_up", "unsatisfied"];
const QUOTE_CLASSES = ["vandalism", "out_of_warranty"];
const SHA256 = /^[0-9a-f]{64}$/;

/** An integer id from JSON (a number or digits), else null — as repairs/step_data.as_int reads it. */
function asInt(value) {
  if (typeof value === "number") return Number.isInteger(value) ? value : null;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number.parseInt(value.trim(), 10);
  return null;
}

/** A fresh round of the repair (the first one, or a rework). */
function newRound(reworkReason = null) {
  return { classification: null, informed: false, resolved: null, signed: false, filedCategory: null, reworkReason };
}

/** A ticket as reported: 'assigned' when the intake already named a technician. */
export function initialState(ticket) {
  const assignee = ticket.data.intake_assignee_id ?? null;
  return { status: assignee !== null ? "assigned" : "reported", assignee, accepted: false, round: 1, ...newRound() };
}

/** Why a step may not happen now (a short code), or null when it may — lifecycle.check_step. */
export function refusal(state, type, userId = null) {
  const s = state.status;
  if (!EVENT_TYPES.includes(type)) return "unknown_event";
  if (s === "closed" && type !== "rework_opened") return "closed";
  switch (type) {
    case "assigned":
      return REPAIRED.includes(s) ? "repaired" : null;
    case "accepted":
      if (s === "reported") return "nobody_assigned";
      if (!["assigned", "rework"].includes(s)) return "started";
      if (state.accepted) return "accepted";
      if (userId !== null && userId !== state.assignee) return "not_assignee";
      return null;
    case "arrived":
      if (s === "reported") return "nobody_assigned";
      return REPAIRED.includes(s) ? "repaired" : null;
    case "classified":
      if (BEFORE_ARRIVAL.includes(s)) return "not_arrived";
      if (["waiting_factory", "back_from_factory"].includes(s)) return "at_factory";
      if (["waiting_approval", "approved"].includes(s)) return "quote";
      return REPAIRED.includes(s) ? "repaired" : null;
    case "supervisor_informed":
      if (REPAIRED.includes(s)) return "repaired";
      if (state.classification !== "difficult") return "not_difficult";
      return state.informed ? "informed" : null;
    case "escalation_decision":
      if (REPAIRED.includes(s)) return "repaired";
      if (state.classification !== "difficult") return "not_difficult";
      return state.informed ? null : "not_informed";
    case "sent_to_factory":
      if (BEFORE_ARRIVAL.includes(s)) return "not_arrived";
      if (REPAIRED.includes(s)) return "repaired";
      if (s === "waiting_factory") return "at_factory";
      return state.classification === "factory_return" ? null : "not_factory_return";
    case "returned_from_factory":
      if (REPAIRED.includes(s)) return "repaired";
      return s === "waiting_factory" ? null : "not_at_factory";
    case "quote_recorded":
      if (BEFORE_ARRIVAL.includes(s)) return "not_arrived";
      if (REPAIRED.includes(s)) return "repaired";
      if (!QUOTE_CLASSES.includes(state.classification)) return "no_quote_class";
      return s === "approved" ? "approved" : null;
    case "quote_approved":
    case "quote_declined":
      if (s === "approved") return "approved";
      return s === "waiting_approval" ? null : "no_quote";
    case "resolved":
      return resolveRefusal(state);
    case "customer_signed":
      if (["signed", "followed_up", "unsatisfied"].includes(s)) return "signed";
      return s === "resolved" ? null : "not_resolved";
    case "follow_up_recorded":
      if (["followed_up", "unsatisfied"].includes(s)) return "followed_up";
      return s === "signed" ? null : "not_signed";
    case "closed":
      if (s === "unsatisfied") return "unsatisfied";
      return ["signed", "followed_up"].includes(s) ? null : "not_signed";
    case "rework_opened":
      if (s === "closed" && ["quote_declined", "reworked"].includes(state.filedCategory)) return "nothing_to_rework";
      return ["unsatisfied", "closed"].includes(s) ? null : "not_finished";
    default:
      return null;
  }
}

/** Why the repair may not be resolved now, or null — lifecycle._check_resolve. */
function resolveRefusal(state) {
  const s = state.status;
  const kind = state.classification;
  if (BEFORE_ARRIVAL.includes(s)) return "not_arrived";
  if (REPAIRED.includes(s)) return "repaired";
  if (s === "on_site") return "not_classified";
  if (s === "waiting_factory") return "at_factory";
  if (s === "waiting_approval") return "quote_not_approved";
  if (s === "classified" && kind !== "general") return kind === "difficult" ? "not_informed" : kind === "factory_return" ? "not_at_factory" : "quote_not_approved";
  return null;
}

/** Why a step's data is not acceptable (lifecycle.validate_data), or null. */
function dataRefusal(type, data) {
  if (!data || typeof data !== "object" || Array.isArray(data)) return "data";
  const text = (name) => (typeof data[name] === "string" ? data[name].trim() : "");
  const signed = typeof data.signature === "string" && SHA256.test(data.signature);
  if (type === "assigned" && asInt(data.user_id) === null) return "user_id";
  if (type === "classified" && !CLASSES.includes(data.classification)) return "classification";
  if (type === "escalation_decision") {
    if (!["colleagues", "vendor"].includes(data.decided_with)) return "decided_with";
    if (data.decided_with === "vendor" && !text("vendor_name")) return "vendor_name";
    if (!text("solution")) return "solution";
  }
  if (type === "quote_recorded") {
    const amount = typeof data.amount === "boolean" || data.amount === null || data.amount === undefined ? Number.NaN : Number(String(data.amount).trim());
    if (String(data.amount ?? "").trim() === "" || !Number.isFinite(amount) || amount < 0) return "amount";
    const items = "items" in data ? data.items : [];
    if (!Array.isArray(items) || items.some((i) => !i || typeof i !== "object" || !String(i.name ?? "").trim())) return "items";
  }
  if (type === "quote_approved" && !signed && (!text("approver_name") || !/^\d{4}-\d{2}-\d{2}/.test(String(data.approved_on ?? "").trim()))) return "approver";
  if (type === "quote_declined" && !signed && !text("approver_name")) return "approver";
  if (type === "customer_signed" && !signed && !text("signer_name")) return "signature";
  if (type === "follow_up_recorded") {
    if (!["satisfied", "not_satisfied"].includes(data.result)) return "result";
    if (data.result === "not_satisfied" && !text("reason")) return "reason";
  }
  if (type === "rework_opened" && !text("reason")) return "reason";
  return null;
}

/** The state after one step already checked — lifecycle._apply. */
function apply(state, type, data) {
  const s = state;
  if (type === "assigned") {
    const user = asInt(data.user_id);
    if (user !== s.assignee) s.accepted = false;
    s.assignee = user;
    if (s.status === "reported") s.status = "assigned";
  } else if (type === "accepted") s.accepted = true;
  else if (type === "arrived") {
    if (BEFORE_ARRIVAL.includes(s.status)) s.status = "on_site";
  } else if (type === "classified") {
    s.classification = data.classification;
    s.status = data.classification === "difficult" && s.informed ? "escalated" : "classified";
  } else if (type === "supervisor_informed") {
    s.informed = true;
    if (s.classification === "difficult" && s.status === "classified") s.status = "escalated";
  } else if (type === "sent_to_factory") s.status = "waiting_factory";
  else if (type === "returned_from_factory") s.status = "back_from_factory";
  else if (type === "quote_recorded") s.status = "waiting_approval";
  else if (type === "quote_approved") s.status = "approved";
  else if (type === "quote_declined") Object.assign(s, { status: "closed", filedCategory: "quote_declined" });
  else if (type === "resolved") Object.assign(s, { status: "resolved", resolved: data });
  else if (type === "customer_signed") Object.assign(s, { status: "signed", signed: true });
  else if (type === "follow_up_recorded") s.status = data.result === "satisfied" ? "followed_up" : "unsatisfied";
  else if (type === "closed") Object.assign(s, { status: "closed", filedCategory: s.classification });
  else if (type === "rework_opened" && String(data.rework_ticket_id || "").trim()) {
    Object.assign(s, { status: "closed", filedCategory: "reworked" });
  } else if (type === "rework_opened") {
    Object.assign(s, newRound(data.reason.trim()), { status: "rework", round: s.round + 1 });
    const to = asInt(data.assign_to);
    if (to !== null) {
      if (to !== s.assignee) s.accepted = false;
      s.assignee = to;
    }
  }
}

/**
 * A ticket's step records in the order the server takes them: those it has numbered, by its
 * receipt sequence; then the ones it has not numbered yet, by the device's time. A step the
 * server accepted a moment ago is no longer "local" but keeps the device's data (no
 * received_seq) until the pull brings the server's copy: it comes after the numbered ones.
 */
export function receiptOrder(rows) {
  const numbered = (r) => r.data.received_seq !== undefined && r.data.received_seq !== null;
  const server = rows.filter(numbered).sort((a, b) => a.data.received_seq - b.data.received_seq);
  const pending = rows.filter((r) => !numbered(r)).sort((a, b) => String(a.data.device_time).localeCompare(String(b.data.device_time)));
  return [...server, ...pending];
}

/**
 * Where the ticket stands after its known steps, in the order given (the server's in receipt
 * order, then this device's queued ones). A step the server would refuse is left out, as the
 * server's fold leaves it out (and lists it in `skipped`).
 */
export function foldSteps(ticket, steps) {
  const state = { ...initialState(ticket), skipped: [] };
  for (const step of steps) {
    const { type, data = {}, user_id: userId = null } = step.data;
    if (refusal(state, type, userId ?? null) || dataRefusal(type, data ?? {})) {
      state.skipped.push(step.id);
      continue;
    }
    apply(state, type, data ?? {});
  }
  // A ticket whose steps are not on the device (yet) shows the status the server gave it.
  if (steps.length === 0 && ticket.data.status) state.status = ticket.data.status;
  return state;
}

/** Every kind of step that may come next — lifecycle.allowed_events. */
export function allowedSteps(state, userId = null) {
  return EVENT_TYPES.filter((type) => refusal(state, type, userId) === null);
}

/** True when the device offers an allowed step as a button now (a choice of the screen, not a rule). */
function offered(state, type) {
  // A later visit is not a button on the ticket page: the arrival is offered once a round.
  if (type === "arrived") return BEFORE_ARRIVAL.includes(state.status);
  return true;
}

/** The steps the technician's device offers now: the allowed device steps it has buttons for. */
export function nextSteps(state, userId) {
  return allowedSteps(state, userId).filter((type) => DEVICE_STEPS.includes(type) && offered(state, type));
}
