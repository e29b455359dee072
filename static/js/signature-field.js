// A signature pad (signature_pad: smooth, pressure-like strokes) with clear and undo, that
// keeps its strokes through rotation and resizing: the point data is the truth, and the canvas
// is redrawn from it, scaled to the new width, whenever its size changes.
import SignaturePad from "signature_pad";

/** Scale every point of signature_pad's data by a factor (the canvas keeps its aspect ratio). */
export function scaleStrokes(groups, factor) {
  if (factor === 1) return groups;
  return groups.map((g) => ({ ...g, points: g.points.map((p) => ({ ...p, x: p.x * factor, y: p.y * factor })) }));
}

/** Attach a pad to a canvas; returns {isEmpty, clear, undo, strokes, toPngBlob, destroy}. */
export function createSignatureField(canvas, { onChange = () => {} } = {}) {
  const pad = new SignaturePad(canvas, {
    penColor: "#0b2540",
    minWidth: 0.9,
    maxWidth: 2.8,
    backgroundColor: "rgba(0,0,0,0)",
  });
  let cssWidth = 0;
  let cssHeight = 0;
  let strokes = [];

  /** Size the canvas backing store to its box and redraw the kept strokes. */
  function fit() {
    const rect = canvas.getBoundingClientRect();
    if (!rect.width || !rect.height) return;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    // One factor for both axes keeps the signature's shape; the CSS keeps the pad's 5:2.
    const factor = cssWidth ? Math.min(rect.width / cssWidth, rect.height / cssHeight) : 1;
    strokes = scaleStrokes(strokes, factor);
    canvas.width = Math.round(rect.width * ratio);
    canvas.height = Math.round(rect.height * ratio);
    canvas.getContext("2d").scale(ratio, ratio);
    cssWidth = rect.width;
    cssHeight = rect.height;
    pad.clear();
    if (strokes.length) pad.fromData(strokes);
  }

  pad.addEventListener("endStroke", () => {
    strokes = pad.toData().map((g) => ({ ...g, points: [...g.points] }));
    onChange();
  });
  const observer = new ResizeObserver(() => fit());
  observer.observe(canvas);
  fit();

  return {
    isEmpty: () => strokes.length === 0,
    strokes: () => strokes,
    clear() {
      strokes = [];
      pad.clear();
      onChange();
    },
    undo() {
      strokes = strokes.slice(0, -1);
      pad.clear();
      if (strokes.length) pad.fromData(strokes);
      onChange();
    },
    /** The signature as a transparent PNG (ink only). */
    toPngBlob() {
      return new Promise((resolve, reject) => {
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("could not encode the signature"))), "image/png");
      });
    },
    disable() {
      pad.off();
    },
    destroy() {
      observer.disconnect();
      pad.off();
    },
  };
}
