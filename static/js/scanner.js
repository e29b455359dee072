// The in-app QR scanner: camera frames (getUserMedia) decoded by jsQR, bundled locally.

/** The token of a label URL (.../q/<token>), or of a bare token; null for anything else. */
export function parseToken(text) {
  const value = String(text || "").trim();
  try {
    const url = new URL(value);
    const match = url.pathname.match(/^\/q\/([A-Za-z0-9_-]{6,64})\/?$/);
    return match ? match[1] : null;
  } catch {
    return /^[A-Za-z0-9_-]{12,64}$/.test(value) ? value : null;
  }
}

/** Start the camera into `video` and call onCode(text) for the first QR code read; returns {stop}. */
export async function startScanner(video, onCode) {
  const module = await import("jsqr");
  const jsQR = module.default?.default || module.default || module;
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: false,
  });
  video.srcObject = stream;
  video.setAttribute("playsinline", "");
  video.muted = true;
  await video.play();
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  let stopped = false;
  let timer = 0;

  const tick = () => {
    if (stopped) return;
    if (video.readyState >= 2 && video.videoWidth) {
      const scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const code = jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
      if (code?.data) {
        onCode(code.data);
      }
    }
    timer = setTimeout(tick, 200);
  };
  tick();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
