// The server's sync API (shared/SYNC.md) as plain functions; errors become typed exceptions.

/** The session has expired or nobody is signed in (HTTP 401), or the user signed in with a
 * temporary password and must choose their own first (HTTP 403 password_change_required):
 * `reason` is "signed-out" or "password". */
export class AuthError extends Error {
  /** Keep why the server turned the call away. */
  constructor(reason = "signed-out") {
    super(reason);
    this.reason = reason;
  }
}

/** The network is down or the server could not be reached. */
export class NetworkError extends Error {}

/** Any other HTTP error, with the server's {error: {code, message, details}} body. */
export class HttpError extends Error {
  /** Keep the status and the error body. */
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.code = body?.error?.code || `http_${status}`;
  }
}

let csrfToken = "";
let clientId = "";

/** Remember the CSRF token writes must carry and the client id the audit log records. */
export function setCredentials({ csrf, client }) {
  if (csrf !== undefined) csrfToken = csrf;
  if (client !== undefined) clientId = client;
}

/** fetch() with the session cookie, the CSRF header and typed errors. */
async function call(method, url, { json, body, headers = {}, okStatuses = [] } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers }, cache: "no-store" };
  if (method !== "GET" && method !== "HEAD" && csrfToken) init.headers["X-CSRFToken"] = csrfToken;
  if (clientId) init.headers["X-Client-Id"] = clientId;
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new NetworkError(err?.message || "network error");
  }
  if (response.status === 401) throw new AuthError("signed-out");
  if (!response.ok && !okStatuses.includes(response.status)) {
    let errorBody = null;
    try {
      errorBody = await response.json();
    } catch {
      errorBody = null;
    }
    if (response.status === 403 && errorBody?.error?.code === "password_change_required") throw new AuthError("password");
    throw new HttpError(response.status, errorBody);
  }
  return response;
}

/** Who is signed in, with a fresh CSRF token: {csrf_token, user}. */
export async function getSession() {
  return (await call("GET", "/api/auth/session")).json();
}

/** POST /api/sync/push {client_id, mutations} -> {last_seq, results}. */
export async function push(client, mutations) {
  return (await call("POST", "/api/sync/push", { json: { client_id: client, mutations } })).json();
}

/** GET /api/sync/pull?cursor=N[&snapshot=S] -> {changes, cursor, has_more, snapshot}; a 410 surfaces as HttpError. */
export async function pull(cursor, snapshot = null) {
  const tail = snapshot === null || snapshot === undefined ? "" : `&snapshot=${encodeURIComponent(snapshot)}`;
  return (await call("GET", `/api/sync/pull?cursor=${encodeURIComponent(cursor)}${tail}`)).json();
}

/** True when the server already holds the blob. */
export async function hasBlob(sha256) {
  const response = await call("HEAD", `/api/sync/blobs/${sha256}`, { okStatuses: [404] });
  return response.ok;
}

/** Upload a blob's bytes under its SHA-256. */
export async function putBlob(sha256, blob) {
  await call("PUT", `/api/sync/blobs/${sha256}`, { body: blob, headers: { "Content-Type": blob.type || "application/octet-stream" } });
}

/** Download a blob the server holds (for thumbnails of photos taken on another device). */
export async function getBlobBytes(sha256) {
  const response = await call("GET", `/api/sync/blobs/${sha256}`);
  return response.blob();
}
