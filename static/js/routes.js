// Paths of the field app and the views that draw them (all under /app/, plus /q/<token>).
import { cabinetView, customerListView, customerView, deviceView, searchView } from "./views-archive.js";
import { diaryDetailView, diaryFormView, diarySignView } from "./views-diary.js";
import { projectListView, projectView } from "./view-project.js";
import { projectNoteView } from "./view-project-notes.js";
import { projectRoundView } from "./view-project-rounds.js";
import { projectTrainingView } from "./view-project-training.js";
import { quoteDecisionView, repairFormView, repairSignView, ticketListView, ticketView } from "./views-repairs.js";
import { scanView, tokenView } from "./view-scan.js";
import { sheetView, sheetSignView } from "./view-sheet.js";
import { sheetFormView } from "./view-sheet-form.js";
import { syncView } from "./view-sync.js";
import { todayView } from "./view-today.js";
import { visitListView } from "./view-visits.js";
import { articleView, knowledgeSearchView } from "./views-knowledge.js";

export const routes = [
  [/^\/app\/?$/, todayView],
  [/^\/app\/customers\/?$/, customerListView],
  [/^\/app\/customers\/([^/]+)$/, customerView],
  [/^\/app\/cabinets\/([^/]+)$/, cabinetView],
  [/^\/app\/devices\/([^/]+)$/, deviceView],
  [/^\/app\/diary\/new$/, diaryFormView],
  [/^\/app\/diary\/([^/]+)\/sign$/, diarySignView],
  [/^\/app\/diary\/([^/]+)$/, diaryDetailView],
  [/^\/app\/tickets\/?$/, ticketListView],
  [/^\/app\/tickets\/([^/]+)\/repair$/, repairFormView],
  [/^\/app\/tickets\/([^/]+)\/sign$/, repairSignView],
  [/^\/app\/tickets\/([^/]+)\/quote$/, quoteDecisionView],
  [/^\/app\/tickets\/([^/]+)$/, ticketView],
  [/^\/app\/visits\/?$/, visitListView],
  [/^\/app\/sheets\/new$/, sheetFormView],
  [/^\/app\/sheets\/([^/]+)\/sign$/, sheetSignView],
  [/^\/app\/sheets\/([^/]+)$/, sheetView],
  [/^\/app\/projects\/?$/, projectListView],
  [/^\/app\/projects\/([^/]+)\/(entry-review|acceptance)$/, projectRoundView],
  [/^\/app\/projects\/([^/]+)\/(log|change|rectify)$/, projectNoteView],
  [/^\/app\/projects\/([^/]+)\/training$/, projectTrainingView],
  [/^\/app\/projects\/([^/]+)$/, projectView],
  [/^\/app\/scan\/?$/, scanView],
  [/^\/app\/search\/?$/, searchView],
  [/^\/app\/knowledge\/?$/, knowledgeSearchView],
  [/^\/app\/knowledge\/([^/]+)$/, articleView],
  [/^\/app\/sync\/?$/, syncView],
  [/^\/q\/([A-Za-z0-9_-]+)\/?$/, tokenView],
];
