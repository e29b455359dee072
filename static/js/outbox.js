// The device's verbs: what a technician does, as mutations queued in the outbox — the client-side
// twin of the server's services. Each verb builds its mutations and hands them to `queue`, which
// stores them in one transaction (with the optimistic local records), tells the app and asks for a
// sync. Screens call these verbs and never build a mutation by hand.
import { photoMutation } from "./documents.js";
import { enqueue } from "./store.js";
import { announce, requestSync } from "./sync-engine.js";
import { t } from "./i18n.js";
import { stepText } from "./repair-words.js";

/** Queue mutations and their blobs for the signed-in user, tell the app, and ask for a sync. */
export async function queue(ctx, mutations, blobs = []) {
  await enqueue(ctx.user.id, mutations, blobs);
  announce("outbox");
  requestSync("write");
}

/** File a patrol sheet (and the customer's signature on it, when given). */
export async function fileSheet(ctx, { sheetId, data, label, blobs = [], signature = null }) {
  const mutations = [{ kind: "inspection", op: "create", id: sheetId, data, label }];
  const all = [...blobs];
  if (signature) {
    mutations.push(signature.mutation);
    all.push(signature.blob);
  }
  await queue(ctx, mutations, all);
}

/** Report a finding as a repair ticket of the customer (on a device or cabinet); returns its id. */
export async function reportFinding(ctx, { customer, description, deviceId = null, cabinetId = null }) {
  const id = crypto.randomUUID();
  const data = { customer_id: customer.id, description };
  if (deviceId) data.device_id = deviceId;
  if (cabinetId) data.cabinet_id = cabinetId;
  await queue(ctx, [{ kind: "repair_ticket", op: "create", id, data, label: `${customer.data.name} · ${t("Repair ticket")}` }]);
  return id;
}

/** The mutation of one repair step stamped with the device's time. */
export function stepMutation(ticket, type, data = {}) {
  return {
    kind: "repair_event",
    op: "create",
    id: crypto.randomUUID(),
    data: { ticket_id: ticket.id, type, device_time: new Date().toISOString(), data },
    label: `${ticket.data.number} · ${stepText(type)}`,
  };
}

/** Record a repair step (with any mutations that go with it, e.g. a signature); returns the step's id. */
export async function recordStep(ctx, ticket, type, data = {}, { mutations = [], blobs = [] } = {}) {
  const step = stepMutation(ticket, type, data);
  await queue(ctx, [step, ...mutations], blobs);
  return step.id;
}

/**
 * File a record a project's team makes on site (entry review, site log, change, training,
 * acceptance round) with its photos and signatures; returns its id. `photos` are blob rows with
 * `takenAt`; `signatures` are signatureParts ({mutation, blob}) made for this record's id.
 */
export async function fileProjectRecord(ctx, { kind, id = crypto.randomUUID(), data, label, photos = [], signatures = [] }) {
  const mutations = [{ kind, op: "create", id, data, label }];
  const blobs = [];
  for (const photo of photos) {
    blobs.push(photo);
    mutations.push(photoMutation({ documentKind: kind, documentId: id, sha256: photo.sha256, takenAt: photo.takenAt, label }));
  }
  for (const signed of signatures) {
    mutations.push(signed.mutation);
    blobs.push(signed.blob);
  }
  await queue(ctx, mutations, blobs);
  return id;
}
