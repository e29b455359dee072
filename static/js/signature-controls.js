// The signature pad as every form uses it: the canvas with undo and clear, wired to the pad once
// its code (loaded on demand, so the app's first load stays small) has arrived. On a phone held
// sideways the pad takes the whole screen: the first touch opens it full screen (top bar,
// banners and tab bar out of the way, the pad and its buttons on screen) and 完成 closes it.
import { h } from "./dom.js";
import { t } from "./i18n.js";

// A phone held sideways: too short for the pad under the app's bars.
const LANDSCAPE_PHONE = "(orientation: landscape) and (max-height: 540px)";

/** Returns {canvas, pad, ready}; `pad` holds the canvas and its buttons, `ready` resolves to the signature field. */
export function signaturePadControls() {
  const canvas = h("canvas.signature-canvas", { "aria-label": t("Signature pad"), role: "img" });
  const undo = h("button.btn", { type: "button", disabled: true }, t("Undo"));
  const clear = h("button.btn", { type: "button", disabled: true }, t("Clear"));
  const done = h("button.btn.btn-primary.sign-done", { type: "button" }, t("Done signing"));
  const frame = h("div.signature-frame", canvas);
  const pad = h("div.signature-pad", [
    h("p.hint.sign-full-hint", t("Tap the pad to sign on the whole screen.")),
    frame,
    h("div.actions", [undo, clear, done]),
  ]);
  const landscape = window.matchMedia(LANDSCAPE_PHONE);
  const enter = () => {
    pad.classList.add("is-full");
    document.documentElement.classList.add("is-signing");
  };
  const leave = () => {
    if (!pad.classList.contains("is-full")) return;
    pad.classList.remove("is-full");
    document.documentElement.classList.remove("is-signing");
    pad.scrollIntoView({ block: "center" });
  };
  // The opening touch is not a stroke: it is held back from the pad, which then grows.
  frame.addEventListener("pointerdown", (event) => {
    if (!landscape.matches || !pad.isConnected || pad.classList.contains("is-full")) return;
    event.preventDefault();
    event.stopPropagation();
    enter();
  }, { capture: true });
  done.addEventListener("click", leave);
  const turned = () => {
    if (!landscape.matches) leave();
  };
  landscape.addEventListener("change", turned);
  const ready = import("./signature-field.js").then(({ createSignatureField }) => {
    const field = createSignatureField(canvas, {
      onChange() {
        undo.disabled = field.isEmpty();
        clear.disabled = field.isEmpty();
      },
    });
    undo.addEventListener("click", () => field.undo());
    clear.addEventListener("click", () => field.clear());
    const destroy = field.destroy;
    field.destroy = () => {
      leave();
      landscape.removeEventListener("change", turned);
      destroy();
    };
    return field;
  });
  return { canvas, pad, ready };
}
