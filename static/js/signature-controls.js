// The signature pad as every form uses it: the canvas with undo and clear, wired to the pad once
// its code (loaded on demand, so the app's first load stays small) has arrived.
import { h } from "./dom.js";
import { t } from "./i18n.js";

/** Returns {canvas, frame, actions, ready}; `ready` resolves to the signature field. */
export function signaturePadControls() {
  const canvas = h("canvas.signature-canvas", { "aria-label": t("Signature pad"), role: "img" });
  const undo = h("button.btn", { type: "button", disabled: true }, t("Undo"));
  const clear = h("button.btn", { type: "button", disabled: true }, t("Clear"));
  const ready = import("./signature-field.js").then(({ createSignatureField }) => {
    const field = createSignatureField(canvas, {
      onChange() {
        undo.disabled = field.isEmpty();
        clear.disabled = field.isEmpty();
      },
    });
    undo.addEventListener("click", () => field.undo());
    clear.addEventListener("click", () => field.clear());
    return field;
  });
  return { canvas, frame: h("div.signature-frame", canvas), actions: h("div.actions", [undo, clear]), ready };
}
