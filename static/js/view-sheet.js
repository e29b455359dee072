// A saved patrol sheet on the device: its answers, findings, the office's review and the
// signature; and signing a sheet saved without the customer's signature.
import { imageShaOf } from "./documents.js";
import { facts, h, urlKeeper } from "./dom.js";
import { blobImage, outboxEntryOf, outboxStateTag, signatureBlock, signatureParts } from "./field-docs.js";
import { formatDateTime, t } from "./i18n.js";
import { queue } from "./outbox.js";
import { localName, otherName, pageHead, pathOf, sheetPath, ticketPath } from "./page.js";
import { answerText, isFinding, signedSheetData } from "./patrol-rules.js";
import { reviewState } from "./patrol-words.js";
import { getRecord, listBy } from "./store.js";

/** One saved sheet: answers, findings, the office's review, the signature. */
export async function sheetView(ctx) {
  const [id] = ctx.params;
  const sheet = await getRecord("inspection", id);
  if (!sheet) return { title: t("Sheet"), node: h("p.empty", t("This sheet is not on this device.")) };
  const d = sheet.data;
  const [template, customer, visit, signatures, entry] = await Promise.all([
    getRecord("checklist_template", d.template_id), getRecord("customer", d.customer_id), getRecord("schedule", d.visit_id),
    listBy("document", "signature", id), outboxEntryOf(ctx.user.id, id),
  ]);
  const keeper = urlKeeper();
  const items = template?.data.items || [];
  const signature = signatures[0];
  const review = reviewState(d.state);
  const tickets = new Map();
  for (const a of Object.values(d.answers || {})) {
    if (a.ticket_id) tickets.set(a.ticket_id, await getRecord("repair_ticket", a.ticket_id));
  }
  const answerRows = items.map((item, i) => {
    const a = (d.answers || {})[item.key] || {};
    const finding = a.flagged ?? isFinding(item, a);
    const ticket = a.ticket_id ? tickets.get(a.ticket_id) : null;
    return h(`li.check-item${finding ? ".is-finding" : ""}`, [
      h("div.check-item-head", [
        h("span.check-no", String(i + 1)),
        h("div.grow", [h("strong", localName(item, "label")), h("div.muted.small", otherName(item))]),
        finding ? h("span.tag.tag-bad", t("Finding")) : null,
      ]),
      h("div.check-item-body", [
        h("div.answer", answerText(item, a)),
        a.note ? h("p.pre.note", a.note) : null,
        (a.photo_ids || []).length ? h("ul.thumbs", a.photo_ids.map((sha, n) => h("li.thumb", blobImage(sha, ctx.user.id, keeper, t("Photo %(n)s", { n: n + 1 }))))) : null,
        a.ticket_id ? h("p.small", [t("Repair ticket"), ": ", h("a", { href: ticketPath(a.ticket_id) }, ticket?.data.number || t("Not synced yet"))]) : null,
      ]),
    ]);
  });
  const signed = signature || d.signed_at;
  const signatureNode = signed
    ? h("section.card.signed", [
      h("h2", [t("Signature"), " ", h("span.tag.tag-ok", t("Signed — locked"))]),
      signature ? blobImage(imageShaOf(signature), ctx.user.id, keeper, t("Signature of %(name)s", { name: signature.data.signer_name })) : null,
      h("p", t("Signed by %(name)s at %(time)s", { name: signature?.data.signer_name || d.signer_name, time: formatDateTime(signature?.data.signed_at || d.signed_at) })),
      navigator.onLine && d.document_id ? h("a.btn", { href: `/maintenance/sheets/${encodeURIComponent(id)}/pdf`, "data-reload": "", target: "_blank", rel: "noopener" }, t("Signed PDF")) : null,
    ])
    : h("section.card", [
      h("h2", t("Signature")),
      h("p", t("Not signed yet.")),
      h("a.btn.btn-primary", { href: sheetPath(id, "sign") }, t("Get the customer's signature")),
    ]);
  const canCorrect = d.state === "has_issues" && d.performed_by_id === ctx.user.id;
  return {
    title: template ? localName(template.data) : t("Sheet"),
    live: true,
    cleanup: () => keeper.release(),
    node: h("div.sheet-view", [
      pageHead(template ? localName(template.data) : t("Sheet"), [customer?.data.name || "", visit ? ` · ${visit.data.period_key}` : ""],
        canCorrect ? h("a.btn.btn-primary", { href: `/app/sheets/new?supersedes=${encodeURIComponent(id)}` }, t("Make a correction")) : null),
      d.state === "has_issues" ? h("section.card.review-returned", { role: "status" }, [
        h("h2", t("Returned by the office")),
        h("p.pre", d.review_comment || ""),
      ]) : null,
      h("section.card", facts([
        [t("Customer"), customer ? h("a", { href: pathOf("customer", customer.id) }, customer.data.name) : ""],
        [t("Finished"), formatDateTime(d.finished_at)],
        [t("Sync"), outboxStateTag(entry?.state)],
        [t("Review"), review ? h(`span.tag${review[1] ? `.${review[1]}` : ""}`, review[0]) : ""],
        [t("Findings"), String(d.flagged_count ?? items.filter((it) => isFinding(it, (d.answers || {})[it.key])).length)],
        [t("Score"), d.score !== null && d.score !== undefined ? `${d.score}%` : ""],
      ])),
      entry?.error ? h("div.flash.flash-error", [h("p", entry.error.message || ""), h("ul", Object.entries(entry.error.errors || {}).map(([k, v]) => h("li", `${k}: ${[].concat(v).join(" ")}`)))]) : null,
      h("ol.check-list.sheet-answers", answerRows),
      h("section.card", [h("h2", t("Customer's opinion")), h("p.pre", d.customer_opinion || "—")]),
      signatureNode,
    ]),
  };
}

/** Sign a sheet saved without the customer's signature. */
export async function sheetSignView(ctx) {
  const [id] = ctx.params;
  const sheet = await getRecord("inspection", id);
  if (!sheet) return { title: t("Signature"), node: h("p.empty", t("This sheet is not on this device.")) };
  if ((await listBy("document", "signature", id)).length || sheet.data.signed_at) {
    ctx.navigate(sheetPath(id), { replace: true });
    return { title: t("Signature"), node: h("p", "…") };
  }
  const [template, customer] = await Promise.all([getRecord("checklist_template", sheet.data.template_id), getRecord("customer", sheet.data.customer_id)]);
  const signature = signatureBlock();
  const error = h("p.error", { role: "alert", hidden: true });
  const sign = async (event) => {
    event.preventDefault();
    const field = await signature.ready;
    const name = signature.name.value.trim();
    if (field.isEmpty() || !name) {
      error.textContent = t("The customer signs on the pad; enter their name.");
      error.hidden = false;
      return;
    }
    const parts = await signatureParts({
      field, documentKind: "inspection", documentId: id, documentData: signedSheetData(template?.data.items || [], sheet.data),
      signerName: name, signerRole: t("Customer representative"),
      label: `${customer?.data.name || ""} · ${template ? localName(template.data) : ""}`,
    });
    await queue(ctx, [parts.mutation], [parts.blob]);
    ctx.navigate(sheetPath(id), { replace: true });
  };
  return {
    title: t("Signature"),
    isForm: true,
    cleanup: () => signature.ready.then((f) => f.destroy()),
    node: h("form", { onsubmit: sign, novalidate: true }, [
      pageHead(t("The customer's signature"), customer?.data.name),
      h("p.hint", t("Let the customer read the sheet, write their opinion and sign. A signed sheet is locked.")),
      signature.node,
      error,
      h("div.actions.form-actions", h("button.btn.btn-primary.btn-block", { type: "submit" }, t("Sign and lock"))),
    ]),
  };
}
