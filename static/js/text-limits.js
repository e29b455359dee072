// Length limits on what people type, counted in Unicode code points as the server counts them
// (Python's len). Chromium's maxlength counts UTF-16 units: it never keeps half of an emoji (it
// drops the whole character), but a 500 limit holds only 250 emoji, and after 499 CJK
// characters no emoji fits at all, while the server would take 500 of either. A cut by
// String.slice at a unit count can also leave a lone surrogate. So the field app sets no
// maxlength: `limitLength` keeps an input within its limit by whole code points.

/** The number of code points in a text (an emoji counts once). */
export function codePointLength(text) {
  let n = 0;
  for (const _ of String(text ?? "")) n += 1;
  return n;
}

/** The text's first `max` code points; never ends inside a surrogate pair. */
export function firstCodePoints(text, max) {
  const value = String(text ?? "");
  if (value.length <= max) return value;
  let out = "";
  let n = 0;
  for (const ch of value) {
    if (n === max) break;
    out += ch;
    n += 1;
  }
  return out;
}

/** Keep an input or textarea within `max` code points as the person types, pastes or composes. */
export function limitLength(input, max) {
  input.dataset.maxChars = String(max);
  // Typing or pasting past the limit keeps what fits of the new text, like maxlength does.
  input.addEventListener("beforeinput", (event) => {
    const data = event.data ?? event.dataTransfer?.getData("text/plain") ?? "";
    if (event.isComposing || !data || !event.cancelable) return;
    const { selectionStart: start, selectionEnd: end, value } = input;
    if (start === null || start === undefined) return;
    const room = max - codePointLength(value.slice(0, start)) - codePointLength(value.slice(end));
    if (codePointLength(data) <= room) return;
    event.preventDefault();
    const fit = firstCodePoints(data, Math.max(0, room));
    if (fit) input.setRangeText(fit, start, end, "end");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  // What no beforeinput could stop (an input method's composed text, a value set by script).
  const trim = () => {
    if (codePointLength(input.value) > max) input.value = firstCodePoints(input.value, max);
  };
  input.addEventListener("input", (event) => {
    if (!event.isComposing) trim();
  });
  input.addEventListener("compositionend", trim);
  trim();
  return input;
}
