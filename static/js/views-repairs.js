// Repair tickets on the device (被动运维): open tickets, and the technician's steps offline —
// accept, arrival, classification, telling the supervisor, factory trips, the service repair form
// (服务维修单) and the customer's signature. Every step is an append-only `repair_event` in the
// outbox, stamped with the device's time; the server decides (and may refuse) in the order it
// receives them. The buttons offered here follow a local fold of the ticket's known steps.
import { blobRow } from "./documents.js";
import { facts, h } from "./dom.js";
import { outboxEntries, outboxStateTag, signatureBlock, signatureParts } from "./field-docs.js";
import { formatDateTime, label, t } from "./i18n.js";
import { queue, recordStep, stepMutation } from "./outbox.js";
import { pageHead, pathOf, ticketPath } from "./page.js";
import { partsEditor, partsText } from "./parts-editor.js";
import { foldSteps, nextSteps, receiptOrder } from "./repair-rules.js";
import { ticketLink } from "./record-lists.js";
import { CLASSES, SATISFACTION, classText, stepText } from "./repair-words.js";
import { getRecord, listKind } from "./store.js";
import { limitLength } from "./text-limits.js";
import { suggestedArticlesSection } from "./views-knowledge.js";

// The device's limits on the repair form's fields, in code points.
const LIMITS = { fault_found: 1000, cause: 1000, action: 1000, opinion: 500 };

// The kind of fault picked on a ticket's page and not yet recorded, by ticket id. The ticket page
// is redrawn whenever the outbox or the data changes (a sync, a step queued a moment ago), and
// a redraw must not drop what the technician just picked.
const picks = new Map();

/** A ticket's steps on the device, in the order the server takes them (repair-rules.receiptOrder). */
async function stepsOf(ticketId) {
  return receiptOrder((await listKind("repair_event")).filter((r) => r.data.ticket_id === ticketId));
}

/** Open tickets on the device, the signed-in technician's first. */
export async function ticketListView(ctx) {
  const tickets = (await listKind("repair_ticket")).filter((x) => x.data.status !== "closed");
  const customers = new Map((await listKind("customer")).map((c) => [c.id, c]));
  tickets.sort((a, b) => {
    const mine = (x) => (x.data.assigned_to_id === ctx.user.id ? 0 : 1);
    return mine(a) - mine(b) || String(b.data.reported_at).localeCompare(String(a.data.reported_at));
  });
  return {
    title: t("Repair tickets"),
    node: h("div", [
      pageHead(t("Open repair tickets")),
      tickets.length
        ? h("ul.list", tickets.map((x) => ticketLink(x, customers.get(x.data.customer_id), ctx.user.id)))
        : h("p.empty", t("No open repair tickets.")),
    ]),
  };
}

/** A ticket: what was reported, where it stands, its steps, and the next step's buttons. */
export async function ticketView(ctx) {
  const [id] = ctx.params;
  const ticket = await getRecord("repair_ticket", id);
  if (!ticket) return { title: t("Repair ticket"), node: h("p.empty", t("This repair ticket is not on this device.")) };
  const [customer, device, steps, entries] = await Promise.all([
    getRecord("customer", ticket.data.customer_id), getRecord("device", ticket.data.device_id), stepsOf(id),
    outboxEntries(ctx.user.id),
  ]);
  const state = foldSteps(ticket, steps);
  const error = h("p.error", { role: "alert", hidden: true });
  const busy = { on: false };
  const act = (type, data) => async () => {
    if (busy.on) return;
    busy.on = true;
    try {
      await recordStep(ctx, ticket, type, data);
      ctx.navigate(ticketPath(id), { replace: true });
    } catch (err) {
      busy.on = false;
      error.textContent = t("Could not save on this device: %(reason)s", { reason: err?.message || err });
      error.hidden = false;
    }
  };
  const next = nextSteps(state, ctx.user.id);
  const buttons = [];
  if (next.includes("accepted")) buttons.push(h("button.btn", { type: "button", "data-step": "accepted", onclick: act("accepted") }, t("Accept")));
  if (next.includes("arrived")) buttons.push(h("button.btn.btn-primary", { type: "button", "data-step": "arrived", onclick: act("arrived") }, t("I have arrived")));
  if (next.includes("supervisor_informed")) buttons.push(h("button.btn.btn-primary", { type: "button", "data-step": "supervisor_informed", onclick: act("supervisor_informed") }, t("I told the supervisor")));
  if (next.includes("sent_to_factory")) buttons.push(h("button.btn", { type: "button", "data-step": "sent_to_factory", onclick: act("sent_to_factory") }, t("Sent to the factory")));
  if (next.includes("returned_from_factory")) buttons.push(h("button.btn", { type: "button", "data-step": "returned_from_factory", onclick: act("returned_from_factory") }, t("Back from the factory")));
  if (next.includes("resolved")) buttons.push(h("a.btn.btn-primary", { href: ticketPath(id, "repair"), "data-step": "resolved" }, t("Fill in the repair form")));
  if (next.includes("customer_signed")) buttons.push(h("a.btn.btn-primary", { href: ticketPath(id, "sign"), "data-step": "customer_signed" }, t("Get the customer's signature")));
  if (next.includes("quote_approved")) buttons.push(h("a.btn.btn-primary", { href: ticketPath(id, "quote"), "data-step": "quote_decision" }, t("Customer's decision on the quote")));

  let classify = null;
  if (next.includes("classified")) {
    const current = picks.get(id) ?? state.classification;
    const radios = CLASSES.map((code) => h("label.choice", [
      h("input", { type: "radio", name: "classification", value: code, checked: current === code, onchange: () => picks.set(id, code) }),
      h("span", classText(code)),
    ]));
    const submit = (event) => {
      event.preventDefault();
      const chosen = event.target.querySelector("input[name=classification]:checked");
      if (!chosen) {
        error.textContent = t("Choose the kind of fault.");
        error.hidden = false;
        return;
      }
      picks.delete(id);
      act("classified", { classification: chosen.value })();
    };
    classify = h("form.card.classify-form", { onsubmit: submit }, [
      h("fieldset.choice-group", [h("legend", state.classification ? t("Change the kind of fault") : t("Kind of fault")), radios]),
      h("button.btn.btn-primary", { type: "submit", "data-step": "classified" }, t("Classify")),
    ]);
  }
  const notes = [];
  if (state.status === "waiting_approval") notes.push(h("p.flash.flash-warning", t("Waiting for the customer to approve the quote: the repair may not go on yet.")));
  if (state.classification === "difficult" && state.status === "classified") {
    notes.push(h("p.flash.flash-warning", t("A difficult fault: tell the customer, and the supervisor today.")));
  }
  const timeline = h("ol.history.timeline", [
    h("li", [h("strong", t("Reported")), h("div.small.muted", formatDateTime(ticket.data.reported_at))]),
    ...steps.map((step) => {
      const d = step.data.data || {};
      const type = step.data.type;
      const detail = type === "classified" ? classText(d.classification) : type === "resolved" ? d.action || ""
        : type === "customer_signed" ? d.signer_name || "" : type === "quote_recorded" ? yuan(d.amount)
          : ["quote_approved", "quote_declined"].includes(type) ? d.approver_name || "" : "";
      const queued = step.local ? entries.get(step.id)?.state || "queued" : null;
      return h("li", { "data-event": step.data.type }, [
        h("strong", stepText(step.data.type)),
        queued ? [" ", outboxStateTag(queued)] : null,
        detail ? h("div.small", detail) : null,
        h("div.small.muted", [
          step.data.device_time ? [t("Device"), " ", formatDateTime(step.data.device_time)] : null,
          step.data.received_at ? [" · ", t("Received"), " ", formatDateTime(step.data.received_at)] : null,
        ]),
      ]);
    }),
  ]);
  return {
    title: ticket.data.number || t("Repair ticket"),
    live: true,
    node: h("div.ticket-view", [
      pageHead(t("Repair ticket %(number)s", { number: ticket.data.number || "" }), customer?.data.name),
      h("p.ticket-state", [h("span.tag.tag-warn", { "data-status": state.status }, label("ticket_status", state.status)),
        state.classification ? [" ", h("span.tag", classText(state.classification))] : null]),
      ...notes,
      h("section.card", [
        h("p.ticket-description", ticket.data.description || ""),
        facts([
          [t("Customer"), customer ? h("a", { href: pathOf("customer", customer.id) }, customer.data.name) : ""],
          [t("Device"), device ? h("a", { href: pathOf("device", device.id) }, device.data.name) : ""],
          [t("Location"), ticket.data.location],
          [t("Reported by"), ticket.data.reporter_name],
          [t("Phone"), ticket.data.reporter_phone ? h("a", { href: `tel:${ticket.data.reporter_phone.replace(/\s/g, "")}` }, ticket.data.reporter_phone) : ""],
          [t("Agreed arrival"), ticket.data.agreed_arrival_at ? formatDateTime(ticket.data.agreed_arrival_at) : ""],
        ]),
      ]),
      state.status === "waiting_approval" && quoteOf(steps) ? quoteCard(quoteOf(steps)) : null,
      buttons.length ? h("div.actions.step-actions", buttons) : null,
      classify,
      error,
      state.classification === "difficult" ? await suggestedArticlesSection(ticket, device, state.resolved) : null,
      h("section", [h("h2", t("Steps")), timeline]),
    ]),
  };
}

/** An amount of money as the quote prints it: "680.00 元". */
function yuan(amount) {
  return amount === undefined || amount === null || amount === "" ? "" : t("%(amount)s yuan", { amount });
}

/** The latest quote among a ticket's steps (its data: items, amount, note), or null. */
function quoteOf(steps) {
  const quotes = steps.filter((step) => step.data.type === "quote_recorded");
  return quotes.length ? quotes[quotes.length - 1].data.data || {} : null;
}

/** The quote as the customer reads it: its lines, the total, the note. */
function quoteCard(quote) {
  // data-label: on a phone each line is stacked (the item on its own line), its numbers labelled
  const rows = (quote.items || []).map((item) => h("tr", [
    h("td.quote-item", item.name || ""), h("td.num", { "data-label": t("Qty") }, item.qty ?? ""),
    h("td.num", { "data-label": t("Unit price") }, item.price ?? ""), h("td.num", { "data-label": t("Amount") }, item.amount ?? ""),
  ]));
  return h("section.card.quote-card", [
    h("h2", t("Quote")),
    h("div.table-wrap", h("table.data.quote-lines", [
      h("thead", h("tr", [h("th", { scope: "col" }, t("Item")), h("th.num", { scope: "col" }, t("Qty")),
        h("th.num", { scope: "col" }, t("Unit price")), h("th.num", { scope: "col" }, t("Amount"))])),
      h("tbody", rows),
      h("tfoot", h("tr", [h("th", { scope: "row", colspan: 3 }, t("Total")), h("td.num.quote-total", yuan(quote.amount))])),
    ])),
    quote.note ? h("p.pre.note", quote.note) : null,
  ]);
}

/** The customer reads the quote on the tablet and signs to approve or decline it (offline). */
export async function quoteDecisionView(ctx) {
  const [id] = ctx.params;
  const ticket = await getRecord("repair_ticket", id);
  if (!ticket) return { title: t("Quote"), node: h("p.empty", t("This repair ticket is not on this device.")) };
  const steps = await stepsOf(id);
  const state = foldSteps(ticket, steps);
  const quote = quoteOf(steps);
  if (state.status !== "waiting_approval" || !quote) {
    return { title: t("Quote"), node: h("div", [pageHead(t("Quote"), ticket.data.number), h("p.empty", t("No quote is waiting for the customer's decision."))]) };
  }
  const note = limitLength(h("textarea", { id: "quote_note", name: "note", rows: 2 }), 300);
  const sign = signatureBlock({
    legend: t("Customer signature"),
    hint: t("Let the customer read the quote, then sign to approve or decline it."),
    fields: [h("div.field", [h("label", { for: "quote_note" }, t("Note (optional)")), note])],
  });
  const error = h("p.error", { role: "alert", hidden: true });
  let saving = false;
  const decide = (type) => async (event) => {
    event.preventDefault();
    if (saving) return;
    const field = await sign.ready;
    const name = sign.name.value.trim();
    if (field.isEmpty() || !name) {
      error.textContent = t("The customer signs on the pad; enter their name.");
      error.hidden = false;
      return;
    }
    saving = true;
    try {
      const blob = await blobRow(await field.toPngBlob());
      const data = { signature: blob.sha256, approver_name: name };
      if (type === "quote_approved") data.approved_on = new Date().toLocaleDateString("sv-SE");
      if (note.value.trim()) data.note = note.value.trim();
      await recordStep(ctx, ticket, type, data, { blobs: [blob] });
      ctx.navigate(ticketPath(id), { replace: true });
    } catch (err) {
      saving = false;
      error.textContent = t("Could not save on this device: %(reason)s", { reason: err?.message || err });
      error.hidden = false;
    }
  };
  return {
    title: t("Quote"),
    isForm: true,
    cleanup: () => sign.ready.then((f) => f.destroy()),
    node: h("form.repair-form.quote-form", { onsubmit: decide("quote_approved"), novalidate: true }, [
      pageHead(t("Customer's decision on the quote"), `${ticket.data.number || ""}`),
      h("section.card", [h("p.ticket-description", ticket.data.description || "")]),
      quoteCard(quote),
      sign.node,
      error,
      h("div.actions.form-actions", [
        h("button.btn.btn-primary", { type: "submit", "data-step": "quote_approved" }, t("Approve the quote")),
        h("button.btn.btn-danger", { type: "button", "data-step": "quote_declined", onclick: decide("quote_declined") }, t("Decline the quote")),
      ]),
    ]),
  };
}

/** A labelled form field. */
function fieldOf(id, text, input, hint) {
  input.id = id;
  return h("div.field", [h("label", { for: id }, text), input, hint ? h("p.hint", hint) : null]);
}

/** The signature part: opinion, satisfaction, signer's name and the pad. */
function customerBlock() {
  const opinion = limitLength(h("textarea", { name: "opinion", rows: 2 }), LIMITS.opinion);
  const satisfaction = h("fieldset.choice-group.satisfaction", [
    h("legend", t("Satisfaction")),
    SATISFACTION.map(([code, text]) => h("label.choice", [
      h("input", { type: "radio", name: "satisfaction", value: code, checked: code === "satisfied" }), h("span", text()),
    ])),
  ]);
  const block = signatureBlock({
    legend: t("Customer signature"),
    hint: t("Let the customer read the repair form, give their opinion and sign."),
    fields: [fieldOf("opinion", t("Customer's opinion"), opinion), satisfaction],
  });
  return {
    node: block.node,
    ready: block.ready,
    values: () => ({
      opinion: opinion.value.trim(),
      satisfaction: block.node.querySelector("input[name=satisfaction]:checked")?.value || "satisfied",
      signer_name: block.name.value.trim(),
    }),
  };
}

/** The queued mutations of the customer's signature on the repair form (signature, signed step). */
async function customerSignature(ticket, field, customer, formData) {
  const parts = await signatureParts({
    field, documentKind: "repair_ticket", documentId: ticket.id,
    documentData: { ticket_number: ticket.data.number || "", ...formData, ...customer },
    signerName: customer.signer_name, signerRole: "customer", label: `${ticket.data.number} · ${t("Customer signature")}`,
  });
  const signed = stepMutation(ticket, "customer_signed", { signature: parts.blob.sha256, ...customer });
  return { mutations: [parts.mutation, signed], blobs: [parts.blob] };
}

/** The service repair form (服务维修单): what was found and done, then the customer's signature. */
export async function repairFormView(ctx) {
  const [id] = ctx.params;
  const ticket = await getRecord("repair_ticket", id);
  if (!ticket) return { title: t("Repair form"), node: h("p.empty", t("This repair ticket is not on this device.")) };
  const customer = await getRecord("customer", ticket.data.customer_id);
  const inputs = {
    fault_found: limitLength(h("textarea", { rows: 2, required: true }), LIMITS.fault_found),
    cause: limitLength(h("textarea", { rows: 2 }), LIMITS.cause),
    action: limitLength(h("textarea", { rows: 2, required: true }), LIMITS.action),
    time_on_site: h("input", { type: "number", min: 0, max: 1440, step: 1, inputmode: "numeric" }),
  };
  const parts = partsEditor();
  const sign = customerBlock();
  const error = h("p.error", { role: "alert", hidden: true });
  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
    if (message) error.scrollIntoView({ block: "center" });
  };
  let saving = false;
  const save = async (event) => {
    event.preventDefault();
    if (saving) return;
    showError("");
    const form = {};
    for (const [key, input] of Object.entries(inputs)) {
      const value = input.value.trim();
      if (value) form[key] = key === "time_on_site" ? Number.parseInt(value, 10) : value;
    }
    if (!form.fault_found || !form.action) return showError(t("Say what fault you found and what you did."));
    const used = parts.read();
    if (used.problems.length) return showError(used.problems.join(" "));
    if (used.parts.length) form.parts = used.parts;
    const field = await sign.ready;
    const who = sign.values();
    if (!field.isEmpty() && !who.signer_name) return showError(t("Enter the name of the person who signed."));
    saving = true;
    try {
      const extra = field.isEmpty() ? { mutations: [], blobs: [] } : await customerSignature(ticket, field, who, form);
      await recordStep(ctx, ticket, "resolved", form, extra);
      ctx.navigate(ticketPath(id), { replace: true });
    } catch (err) {
      saving = false;
      showError(t("Could not save on this device: %(reason)s", { reason: err?.message || err }));
    }
  };
  return {
    title: t("Repair form"),
    isForm: true,
    cleanup: () => sign.ready.then((f) => f.destroy()),
    node: h("form.repair-form", { onsubmit: save, novalidate: true }, [
      pageHead(t("Service repair form"), `${ticket.data.number || ""} · ${customer?.data.name || ""}`),
      h("section.card", [h("p.ticket-description", ticket.data.description || "")]),
      fieldOf("fault_found", t("Fault found"), inputs.fault_found),
      fieldOf("cause", t("Cause"), inputs.cause),
      fieldOf("action", t("Action taken"), inputs.action),
      parts.node,
      fieldOf("time_on_site", t("Time on site (minutes)"), inputs.time_on_site),
      sign.node,
      error,
      h("div.actions.form-actions", h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Save on this device"))),
    ]),
  };
}

/** The customer signs a repair form resolved earlier without a signature. */
export async function repairSignView(ctx) {
  const [id] = ctx.params;
  const ticket = await getRecord("repair_ticket", id);
  if (!ticket) return { title: t("Signature"), node: h("p.empty", t("This repair ticket is not on this device.")) };
  const state = foldSteps(ticket, await stepsOf(id));
  const sign = customerBlock();
  const error = h("p.error", { role: "alert", hidden: true });
  const save = async (event) => {
    event.preventDefault();
    const field = await sign.ready;
    const who = sign.values();
    if (field.isEmpty() || !who.signer_name) {
      error.textContent = t("The customer signs on the pad; enter their name.");
      error.hidden = false;
      return;
    }
    const parts = await customerSignature(ticket, field, who, state.resolved || {});
    await queue(ctx, parts.mutations, parts.blobs);
    ctx.navigate(ticketPath(id), { replace: true });
  };
  const r = state.resolved || {};
  return {
    title: t("Signature"),
    isForm: true,
    cleanup: () => sign.ready.then((f) => f.destroy()),
    node: h("form.repair-form", { onsubmit: save, novalidate: true }, [
      pageHead(t("Sign the repair form"), ticket.data.number),
      h("section.card", facts([
        [t("Fault found"), r.fault_found], [t("Cause"), r.cause], [t("Action taken"), r.action], [t("Parts used"), r.parts ? h("span.pre", partsText(r.parts)) : r.parts_used],
      ])),
      sign.node,
      error,
      h("div.actions.form-actions", h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Sign and lock"))),
    ]),
  };
}
