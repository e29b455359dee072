"""The catalogue of error codes: every `code` the server answers, in one place.

Each entry gives the HTTP status the code is answered with (a refused push mutation carries
the same code inside a `200` result, `"status": "rejected"`), a one-line meaning and the shape
of its `details` (facts about the error; messages per field go in `errors`). `PUSH` marks codes
that only ever appear in a push result. A test checks that every code written in the source is
listed here; add a code here in the same change that first raises it.
"""
from __future__ import annotations

from dataclasses import dataclass

PUSH = 200  # answered only inside a push result


@dataclass(frozen=True)
class Code:
    """One error code: its HTTP status, what it means, and the keys of its details."""

    status: int
    meaning: str
    details: str = "{}"


CATALOGUE: dict[str, Code] = {
    # --- any request ------------------------------------------------------------------------
    "bad_request": Code(400, "The request could not be understood."),
    "unauthorized": Code(401, "Not signed in (or the session ended): sign in, then retry."),
    "forbidden": Code(403, "The user's role does not allow this."),
    "not_found": Code(404, "No such record, or not visible to this user; in a push `errors` names the field."),
    "method_not_allowed": Code(405, "The URL does not take this HTTP method."),
    "gone": Code(410, "The thing asked for existed once and is gone."),
    "request_entity_too_large": Code(413, "The request body is over its limit; send less at once."),
    "too_many_requests": Code(429, "Too many attempts; wait a little."),
    "internal_server_error": Code(500, "A bug on the server; it is logged."),
    "service_unavailable": Code(503, "The server cannot answer now; retry later."),
    "database_unavailable": Code(503, "The database cannot be reached or is too busy; retry later. Never an answer to content."),
    "unstorable_value": Code(400, "A value the database cannot store (NUL or lone surrogate in text, too long for "
                                  "its column).", "{reason: exception class name}"),
    "request_too_large": Code(413, "The request body is over this route's byte cap.", "{max_bytes}"),
    "invalid_json": Code(400, "The body is not JSON (or not UTF-8, or uses NaN/Infinity).", "{position?}"),
    "json_too_deep": Code(400, "The JSON nests deeper than the route allows.", "{max_depth}"),
    "json_not_object": Code(400, "The body is JSON but not an object."),
    "csrf_failed": Code(400, "The CSRF token is missing or stale; reload and retry."),
    "domain_error": Code(400, "A rule was broken (a DomainError raised without a code of its own)."),
    "invalid": Code(400, "Some fields do not pass; `errors` holds the messages per field (dotted paths for nested fields)."),
    "invalid_request": Code(400, "The request's envelope is malformed (push body, cursor, client id); see `errors`."),
    "conflict": Code(409, "The same id was sent before with different content (a repair step's event id).",
                     "{id}"),
    "stale": Code(409, "The record changed since the form was opened.", "{version: the current version}"),
    "locked": Code(409, "Signed: the sheet or document can no longer change; make a correction instead.",
                   "{document_kind?, document_id?, fields?: the signed columns a change touched}"),
    "content_mismatch": Code(422, "A signature's content_sha256 is not the server's hash of the content it signs "
                                  "(static/js/signed-fields.json); nothing is stored.",
                             "{document_kind, document_id, expected}"),
    "retired": Code(400, "The record is retired; restore it first."),
    "retired_parent": Code(400, "The customer or parent record is retired; restore it first."),
    "unchanged": Code(400, "Nothing would change."),
    "duplicate": Code(400, "The name or key is taken already."),
    "naive_time": Code(400, "A time was given without a time zone."),
    # --- sign-in and users ------------------------------------------------------------------
    "invalid_credentials": Code(401, "Wrong user name or password."),
    "invalid_role": Code(400, "Unknown role."),
    "invalid_username": Code(400, "The user name breaks the naming rule."),
    "invalid_locale": Code(400, "Unknown language."),
    "weak_password": Code(400, "The password breaks the password rules."),
    "wrong_password": Code(400, "Changing the password: the current password given is wrong."),
    # --- archive ----------------------------------------------------------------------------
    "in_use": Code(400, "The record still holds others; move or retire them first."),
    "duplicate_serial": Code(400, "Another device of this customer has this serial number."),
    "invalid_import": Code(400, "The Excel file has problems; nothing was imported."),
    # --- QR labels --------------------------------------------------------------------------
    "label_changed": Code(400, "The label was changed meanwhile."),
    "label_exists": Code(400, "The record has a label already; reissue it instead."),
    "label_revoked": Code(410, "The label was replaced or withdrawn."),
    "label_unknown": Code(404, "The label is not recognised."),
    "no_label": Code(400, "The record has no label."),
    # --- maintenance ------------------------------------------------------------------------
    "invalid_template": Code(400, "The checklist's content does not pass; `errors` by dotted path (items.0.max)."),
    "invalid_key": Code(400, "A checklist key breaks the naming rule."),
    "stale_version": Code(400, "A newer version of the checklist exists; edit that one."),
    "template_retired": Code(400, "The checklist has been retired."),
    "invalid_scope": Code(400, "The place, device or visit named is not this customer's, or does not fit the checklist."),
    "cabinet_required": Code(400, "The checklist is filled for one cabinet: name it."),
    "device_required": Code(400, "The checklist is filled for one device: name it."),
    "invalid_answers": Code(400, "Some answers do not pass; `errors` holds the messages per item key."),
    "illegal_step": Code(400, "The record's present state does not allow this step (a repair step, a sheet's hand-in, "
                              "review or correction).", "{status, event} for repair steps"),
    "already_signed": Code(400, "The sheet is signed already."),
    "signer_required": Code(400, "The signer's name is missing."),
    "signature_required": Code(400, "The signature image is missing."),
    "invalid_outcome": Code(400, "A review is either accepted or returned with issues."),
    "comment_required": Code(400, "Returning a sheet needs a comment."),
    "invalid_activity": Code(400, "The activity does not recur."),
    "invalid_assignee": Code(400, "The person is not responsible for this customer."),
    "assignee_required": Code(400, "Choose who does the visit."),
    "responsible_required": Code(400, "Choose who is responsible."),
    "start_required": Code(400, "Give the date the plan starts."),
    "date_required": Code(400, "Give the date."),
    "date_in_past": Code(400, "The new date cannot be in the past."),
    "date_in_future": Code(400, "A visit cannot be done in the future."),
    "reason_required": Code(400, "Give a reason."),
    "visit_closed": Code(400, "The visit is closed."),
    "quality_team_only": Code(403, "Spot checks and the year-end inspection are filled by the quality team (and "
                                   "their plans owned by it): nobody scores his own school.", "{activity}"),
    "head_only": Code(403, "Only the department head may do this: lead the quarterly inspection (with the school's "
                           "leaders), set the appraisal scheme, adjust a month, answer a suggestion.", "{activity?}"),
    "attendees_required": Code(400, "A quarterly inspection names at least one of the school's leaders who took part."),
    # --- appraisal ---------------------------------------------------------------------------
    "invalid_weights": Code(400, "A scheme's weights do not pass; `errors` per measure key."),
    "scheme_in_past": Code(400, "A scheme cannot take effect before the current month (past months keep theirs).",
                           "{earliest: the first day it may start}"),
    # --- repairs ----------------------------------------------------------------------------
    "bad_source": Code(400, "Unknown ticket source.", "{source: the value sent}"),
    "bad_customer": Code(400, "The customer is not in the archive."),
    "description_required": Code(400, "Say what is wrong."),
    "not_this_customer": Code(400, "The device or cabinet named is not the ticket's customer's (or names nothing); "
                                    "`errors.device_id` or `errors.cabinet_id`."),
    "assignee_inactive": Code(400, "That person's account is disabled."),
    "not_responsible": Code(400, "The person is not responsible for this customer; `errors.assignee`."),
    "unknown_event": Code(400, "Unknown kind of repair step.", "{event}"),
    "not_assignee": Code(400, "Only the assigned technician may accept the ticket.", "{status, event}"),
    "quote_not_approved": Code(400, "The customer must approve the quote before the repair.", "{status, event}"),
    "ticket_withdrawn": Code(400, "The ticket was withdrawn."),
    # --- the knowledge base ---------------------------------------------------------------
    "kb_not_difficult": Code(400, "An article is written from a resolved difficult-fault ticket; this one is not.",
                             "{ticket_id, category, status}"),
    "kb_unknown_source": Code(400, "An article's source kind is not one the knowledge base knows.", "{source_kind}"),
    "kb_already_published": Code(400, "The article's present version is published already.", "{version}"),
    "kb_no_solution": Code(400, "An article is written from a seminar item once its solution is recorded.", "{item_id}"),
    # --- staff ------------------------------------------------------------------------------
    "invalid_customer": Code(400, "One of the schools chosen for a technician does not exist (any more)."),
    "self_change": Code(400, "Nobody changes their own role or disables their own account."),
    "invalid_stand_in": Code(400, "A stand-in's dates or people are wrong; `errors` names the fields."),
    "password_change_required": Code(403, "Signed in with a temporary password: change it at /settings/password first."),
    # --- the monthly report ------------------------------------------------------------------
    "month_not_ended": Code(400, "A month's report is drafted once the month has ended."),
    "report_issued": Code(400, "The report is issued: its figures and text no longer change."),
    "analysis_required": Code(400, "A report is issued with its analysis written; `errors` names the field."),
    # --- working calendar -------------------------------------------------------------------
    "bad_year": Code(400, "The year is outside the calendar's range."),
    "invalid_calendar": Code(400, "The holidays or make-up days do not pass; `errors` per list."),
    "not_entered": Code(400, "Nothing is entered for that year."),
    # --- training and the seminar ---------------------------------------------------------
    "session_closed": Code(400, "The training session is closed: no more signatures, attendees or handouts.",
                           "{session_id}"),
    "nobody_signed": Code(400, "A training session cannot be closed before anyone has signed."),
    "material_too_large": Code(413, "The handout is over TRAINING_MATERIAL_MAX_BYTES.", "{max_bytes}"),
    "unsupported_material": Code(400, "The handout is not one of the kinds kept (by name and first bytes).",
                                 "{allowed: extensions}"),
    "seminar_issued": Code(400, "The seminar's minutes are issued and no longer change.", "{seminar_id}"),
    "month_in_future": Code(400, "The month has not come yet: no seminar for it.", "{year, month}"),
    "minutes_incomplete": Code(400, "The minutes need the day, the attendees and an agenda; `errors` says which."),
    # --- documents and blobs ----------------------------------------------------------------
    "blob_too_large": Code(413, "The upload is over BLOB_MAX_BYTES.", "{max_bytes}"),
    "too_many_pixels": Code(413, "The image is over BLOB_MAX_PIXELS.", "{max_pixels, width?, height?}"),
    "unsupported_image": Code(422, "Only PNG and JPEG images are accepted."),
    "invalid_image": Code(422, "Not a complete PNG or JPEG image.", "{reason}"),
    "sha256_mismatch": Code(422, "The bytes' SHA-256 is not the name they were sent under.", "{expected, received}"),
    "invalid_sha256": Code(400, "A blob is named by the lowercase SHA-256 hex of its bytes."),
    # --- installation projects --------------------------------------------------------------
    "project_stage": Code(409, "The project is not at the step this needs (no installation before the entry review "
                               "is met, no external acceptance before internal passes, no hand-over before external "
                               "acceptance; on hold or cancelled: nothing moves).",
                          "{status, required: [statuses]}"),
    "rectification_pending": Code(409, "The last internal acceptance failed and its items are not reported "
                                       "rectified yet.", "{round}"),
    "already_archived": Code(409, "The project's hand-over created its archive records already (exactly once).",
                             "{archived_at}"),
    "handover_incomplete": Code(409, "Hand-over items are not all checked off yet.", "{unchecked: count}"),
    "attachment_type": Code(415, "Only PDF, images (PNG, JPEG) and office files (Word, Excel, PowerPoint) "
                                 "may be attached.", "{filename}"),
    "attachment_too_large": Code(413, "The file is over PROJECT_ATTACHMENT_MAX_BYTES.", "{max_bytes}"),
    # --- sync -------------------------------------------------------------------------------
    "client_belongs_to_another_user": Code(403, "The device's sync queue belongs to another user.", "{client_id}"),
    "batch_too_large": Code(400, "Too many mutations in one push.", "{max}"),
    "cursor_too_old": Code(410, "The cursor is older than the kept tombstones: push, then pull from 0.",
                           "{cursor, horizon}"),
    "cursor_unknown": Code(410, "The server never gave out that cursor: push, then pull from 0.", "{cursor, latest}"),
    "scope_changed": Code(410, "New customers were assigned: push, then pull from 0.", "{added: customer ids}"),
    "already_resolved": Code(400, "The conflict was resolved already."),
    "already_handled": Code(400, "The rejected mutation was handled already."),
    "unsupported_op": Code(400, "The kind does not take this operation (from devices, or on the review page)."),
    "append_only": Code(PUSH, "A submission cannot be updated or deleted; send a correction."),
    "unknown_kind": Code(PUSH, "No such kind of record.", "{kind: the value sent}"),
    "seq_reused": Code(PUSH, "The seq was used before with other content; nothing changed (status conflict)."),
    "same_record": Code(PUSH, "The record exists with this very content (status duplicate)."),
    "id_exists": Code(PUSH, "The id exists with other content; both are kept for review (status conflict)."),
    "field_conflict": Code(PUSH, "The office changed the same field; the server's value stays (status conflict)."),
    "record_deleted": Code(PUSH, "The record was deleted on the server; the tombstone stays (status conflict)."),
    "integrity": Code(PUSH, "The mutation clashes with stored data (a unique key).", "{constraint?}"),
    "invalid_text": Code(400, "A string or key holds a NUL character or a lone UTF-16 surrogate (in a push: "
                              "that mutation is rejected).",
                         "{path, reason: nul|surrogate}"),
    "too_long": Code(PUSH, "A string is over its length limit.", "{path, length, max_length}"),
    "too_many_items": Code(PUSH, "A list or object holds more entries than allowed.", "{path, items, max_items}"),
    "out_of_range": Code(PUSH, "A number is not finite or beyond ±2^53.", "{path, max}"),
    "too_deep": Code(PUSH, "The data is nested deeper than allowed.", "{path, max_depth}"),
    "server_error": Code(PUSH, "The server failed on this mutation (a bug, logged); kept for the office.",
                         "{exception: class name}"),
}

HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    410: "gone", 413: "request_entity_too_large", 429: "too_many_requests", 500: "internal_server_error",
    503: "service_unavailable",
}


def http_code(status: int) -> str:
    """The code answered for a bare HTTP error of this status."""
    return HTTP_CODES.get(status, "bad_request" if status < 500 else "internal_server_error")


def status_of(code: str) -> int:
    """The HTTP status a code is answered with (KeyError for a code not in the catalogue)."""
    return CATALOGUE[code].status
