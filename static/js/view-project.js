// Installation projects on the device: the Today entry, the list of the technician's projects
// and a project's page — where it stands, what waits for whom, plan against progress, and the
// team's site records (entry reviews, site log, changes, training, internal acceptances), each
// with its sync state. Everything reads IndexedDB, so the page works offline.
import { facts, h } from "./dom.js";
import { outboxEntries, outboxStateTag } from "./field-docs.js";
import { formatDate, formatDateTime, t, todayInSiteZone } from "./i18n.js";
import { pageHead } from "./page.js";
import { FLOW, effectiveStatus, formsOffered, isActive, myProjects, onTeam, projectRecords, waitingKey } from "./project-rules.js";
import { formWords, projectPath, resultTag, standardText, statusTag, statusText, waitingText } from "./project-words.js";
import { section } from "./record-lists.js";
import { getRecord } from "./store.js";

/** One project as a list link: name, where it stands, address. */
function projectLink(project) {
  const d = project.data;
  return h("li.list-item.project-item", { "data-project": project.id }, h("a", { href: projectPath(project.id) }, [
    h("strong", d.name || ""),
    statusTag(d.status),
    h("span.muted.small.grow", d.address || ""),
  ]));
}

/** The Today block: the technician's active projects (nothing when there are none). */
export async function projectsSection(ctx) {
  const active = (await myProjects(ctx.user.id)).filter(isActive);
  if (!active.length) return null;
  return h("section.projects", { "data-section": "projects" }, [
    h("h2", t("My installation projects")),
    h("ul.list", active.map(projectLink)),
  ]);
}

/** Every project of the technician's teams on this device. */
export async function projectListView(ctx) {
  const projects = await myProjects(ctx.user.id);
  const active = projects.filter(isActive);
  const done = projects.filter((p) => !isActive(p));
  return {
    title: t("Installation projects"),
    node: h("div", [
      pageHead(t("Installation projects")),
      section(t("In progress"), active.length ? h("ul.list", active.map(projectLink)) : null, t("No project in progress.")),
      done.length ? section(t("Finished"), h("ul.list", done.map(projectLink))) : null,
    ]),
  };
}

/** The steps of the flow, done ones ticked and the current one marked. */
function flowSteps(status) {
  const at = FLOW.indexOf(status);
  return h("ol.project-flow", FLOW.map((step, i) => {
    const state = at < 0 ? "todo" : i < at || status === "completed" ? "done" : i === at ? "current" : "todo";
    return h(`li.flow-step.is-${state}`, { "data-step": step, "aria-current": state === "current" ? "step" : null }, statusText(step));
  }));
}

/** The plan against progress: each milestone's planned and actual end, late ones standing out. */
function milestoneList(milestones, today) {
  if (!milestones.length) return null;
  return h("ol.list.milestones", milestones.map((m) => {
    const { planned_end: due, actual_end: done, name } = m.data;
    const late = done ? done > due : due < today;
    return h(`li.list-item.milestone${late ? ".is-late" : ""}`, { "data-milestone": m.id }, [
      h("strong.grow", name || ""),
      h("span.small", t("Planned: %(date)s", { date: formatDate(due) })),
      h("span.small", done ? t("Done: %(date)s", { date: formatDate(done) }) : t("Not done yet")),
      late ? h("span.tag.tag-bad", t("Late")) : null,
    ]);
  }));
}

/** A list of a project's site records, each with its sync state. */
function recordList(records, entries, draw) {
  if (!records.length) return null;
  return h("ul.list", records.map((r) => h("li.list-item.project-record", { "data-record": r.id, "data-kind": r.kind }, [
    ...draw(r),
    outboxStateTag(entries.get(r.id)?.state),
  ])));
}

/** A round in a list: its number (once the server gave it), its result and day. */
function roundLine(kind, passedField, dayField, rectified) {
  return (r) => {
    const [words, cls] = resultTag(kind, Boolean(r.data[passedField]));
    return [
      h("strong", r.data.round ? t("Round %(n)s", { n: r.data.round }) : t("New round")),
      h(`span.tag.${cls}`, words),
      rectified?.has(r.id) ? h("span.tag", t("Rectified")) : null,
      h("span.muted.small.grow", formatDate(r.data[dayField])),
    ];
  };
}

/** A project's page: where it stands, what waits, the plan, and the team's site records. */
export async function projectView(ctx) {
  const [id] = ctx.params;
  const project = await getRecord("project", id);
  if (!project || project.deleted) {
    return { title: t("Installation project"), node: h("p.empty", t("This project is not on this device.")) };
  }
  const d = project.data;
  const entries = await outboxEntries(ctx.user.id);
  const rec = await projectRecords(id, entries);
  const status = effectiveStatus(project, rec);
  const offered = formsOffered(project, rec, ctx.user.id);
  const rectified = new Set(rec.rectifications.map((r) => r.data.round_id));
  const held = ["on_hold", "cancelled"].includes(d.status);
  return {
    title: d.name || t("Installation project"),
    live: true,
    node: h("div.project-view", { "data-status": status }, [
      pageHead(d.name || t("Installation project"), d.address || ""),
      h("section.card.project-state", [
        h("h2", [t("Where it stands"), " ", statusTag(status)]),
        held ? h("p.flash.flash-warning.hold-reason", d.status_reason || "") : flowSteps(status),
        held ? null : h("p.waiting", { "data-waiting": waitingKey(project, rec) }, waitingText(waitingKey(project, rec))),
        facts([
          [t("Contract or tender number"), d.contract_no || ""],
          [t("Standard"), standardText(d.standard)],
          [t("Team"), t("%(n)s people", { n: rec.members.filter((m) => m.data.duty === "team").length })],
          [t("Team leader"), d.leader_id === ctx.user.id ? t("You") : ""],
        ]),
        offered.length ? h("div.actions.project-actions", offered.map((form, i) =>
          h(`a.btn${i === 0 ? ".btn-primary" : ""}`, { href: projectPath(id, form), "data-form": form }, formWords(form)))) : null,
        // After the external acceptance the leader signs the report and the school the receipt on
        // the project's own page (signed and filed on the server, so it needs a connection).
        status === "external_passed" && onTeam(rec, ctx.user.id) ? h("p.actions", h("a.btn.btn-primary", {
          href: `/projects/${encodeURIComponent(id)}#completion`, "data-office-page": id,
        }, t("Completion report and hand-over (online)"))) : null,
      ]),
      section(t("Plan against progress"), milestoneList(rec.milestones, todayInSiteZone()), t("No work plan filed yet.")),
      section(t("Site-entry reviews"), recordList(rec.entryReviews, entries, roundLine("entry_review", "met", "reviewed_on")),
        t("No entry review yet.")),
      section(t("Changes"), recordList(rec.changes, entries, (r) => [
        h("strong.grow", r.data.what || ""), h("span.muted.small", formatDateTime(r.data.reported_at)),
      ]), t("No changes recorded.")),
      section(t("Site log"), recordList(rec.logs, entries, (r) => [
        h("strong", formatDate(r.data.date)), h("span.grow.clip", r.data.text || ""),
      ]), t("No site log yet.")),
      section(t("Operator training"), recordList(rec.trainings, entries, (r) => [
        h("strong.grow", r.data.topics || ""),
        h("span.small", t("Signed: %(signed)s of %(all)s", { signed: (rec.signaturesOf.get(r.id) || []).length, all: (r.data.trainees || []).length })),
      ]), t("No training recorded.")),
      section(t("Internal acceptance"), recordList(rec.acceptances, entries, roundLine("acceptance", "passed", "checked_on", rectified)),
        t("No acceptance round yet.")),
    ]),
  };
}
