// Photos taken or picked on the device, shrunk before they are queued: long side at most
// 1600 px, JPEG quality 0.6. Re-encoding through a canvas also drops the camera's metadata (GPS
// and all). bench/photo_bytes_bench.py measured a 12 MP nameplate photo: 256 KiB at quality 0.82,
// about 145 KiB at 0.6 with the smallest printed line still sharp (13.6 px high, as at 0.82).

export const MAX_SIDE = 1600;
export const QUALITY = 0.6;

/** The size a w×h image gets when its long side is capped at `max`. */
export function fitWithin(width, height, max = MAX_SIDE) {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Decode an image file (honouring its EXIF orientation) and re-encode it as a smaller JPEG. */
export async function compressPhoto(file, { quality = QUALITY, maxSide = MAX_SIDE } = {}) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const size = fitWithin(bitmap.width, bitmap.height, maxSide);
  const canvas = document.createElement("canvas");
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.drawImage(bitmap, 0, 0, size.width, size.height);
  bitmap.close?.();
  const blob = await new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("could not encode the photo"))), "image/jpeg", quality);
  });
  return { blob, ...size };
}
