// The attendance sheet's signature page (templates/training/sign.html): the shared signature pad
// on a server-rendered form. The drawn signature goes in as a PNG data URL in the form's hidden
// field, so the page needs no API of its own; without ink the Sign button stays disabled.
import { createSignatureField } from "./signature-field.js";

/** Read a Blob as a data: URL. */
function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

const form = document.querySelector("form[data-signature-form]");
if (form) {
  const canvas = form.querySelector("canvas.signature-canvas");
  const input = form.querySelector("input[name=signature]");
  const submit = form.querySelector("[data-submit]");
  const undo = form.querySelector("[data-undo]");
  const clear = form.querySelector("[data-clear]");
  const field = createSignatureField(canvas, {
    onChange() {
      const empty = field.isEmpty();
      for (const button of [submit, undo, clear]) button.disabled = empty;
    },
  });
  undo.addEventListener("click", () => field.undo());
  clear.addEventListener("click", () => field.clear());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (field.isEmpty()) return;
    submit.disabled = true;
    input.value = await dataUrl(await field.toPngBlob());
    form.submit();
  });
  form.dataset.ready = "1";
}
