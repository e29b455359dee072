// Tiny DOM helpers: build elements without innerHTML, so record text can never become markup.

/** Create an element: h("a.btn", {href}, "text", child...). Class names after dots. */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  if (attrs && (typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  appendAll(el, children);
  return el;
}

/** Append strings, nodes and (nested) arrays of them; null and false are skipped. */
export function appendAll(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace an element's children. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  return appendAll(el, children);
}

/** A definition list of [label, value] pairs, skipping empty values. */
export function facts(pairs) {
  const dl = h("dl.facts");
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === "") continue;
    dl.append(h("dt", label), h("dd", value));
  }
  return dl;
}

/** Object URLs made for a view, released when it goes. */
export function urlKeeper() {
  const urls = [];
  return {
    make(blob) {
      const url = URL.createObjectURL(blob);
      urls.push(url);
      return url;
    },
    release() {
      urls.splice(0).forEach((u) => URL.revokeObjectURL(u));
    },
  };
}
