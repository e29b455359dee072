"""Photo size benchmark (run by hand, not a test): `.venv/bin/python bench/photo_bytes_bench.py`.

What one photo costs on the wire, and whether a nameplate stays legible: a 12 MP (4000x3000)
phone-like JPEG of a cabinet nameplate (text in three sizes on a noisy, shaded background) goes
through the field app's own `compressPhoto` (static/js/photos.js) in Debian's Chromium at several
long-side / quality settings. For each: bytes, and the PSNR of the nameplate area against the
same downscale without JPEG loss (higher is closer; above about 32 dB the text is as sharp as the
downscale allows), plus the height in pixels of the smallest text line after downscaling.
"""
from __future__ import annotations

import functools
import http.server
import io
import math
import os
import random
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

SETTINGS = [(1600, 0.82), (1600, 0.65), (1600, 0.58), (1440, 0.72), (1440, 0.66), (1280, 0.75)]
FONT = ROOT / "webapp" / "documents" / "fonts" / "wqy-microhei.ttc"
PLATE = (1100, 900, 2900, 2100)  # where the nameplate is in the source (x0, y0, x1, y1)
SMALL_TEXT_PX = 34  # the smallest line on the plate, in source pixels


def source_photo() -> bytes:
    """A 4000x3000 JPEG (quality 92, like a phone camera): shaded metal, sensor noise, a nameplate."""
    rng = random.Random(7)
    width, height = 4000, 3000
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    image = Image.blend(base, noise, 0.55).filter(ImageFilter.GaussianBlur(0.9))
    draw = ImageDraw.Draw(image)
    for _ in range(400):  # screws, cables, vents: some edges for the encoder to spend bytes on
        x, y = rng.randrange(width), rng.randrange(height)
        draw.rectangle((x, y, x + rng.randrange(40, 400), y + rng.randrange(10, 60)), fill=(rng.randrange(30, 90),) * 3)
    draw.rectangle(PLATE, fill=(214, 216, 212), outline=(60, 60, 60), width=8)
    lines = [("海康威视 HIKVISION", 110), ("型号 DS-2CD3T46WDV3-I3", 72), ("序列号 E12345678 2026-03", 52),
             ("DC12V / PoE(802.3af)  ≤6.5W  IP67  制造商：杭州海康威视数字技术股份有限公司", SMALL_TEXT_PX)]
    y = PLATE[1] + 80
    for text, size in lines:
        draw.text((PLATE[0] + 70, y), text, font=ImageFont.truetype(str(FONT), size), fill=(20, 20, 20))
        y += int(size * 1.9)
    image = image.filter(ImageFilter.GaussianBlur(0.6))  # a phone lens is not a vector renderer
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Peak signal-to-noise ratio of two same-size greyscale images, in dB."""
    da, db = a.convert("L").tobytes(), b.convert("L").tobytes()
    mse = sum((x - y) ** 2 for x, y in zip(da, db)) / len(da)
    return 99.0 if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve the repository read-only on a free port (so the page can import static/js/photos.js)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            """No access log on the console."""

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def main() -> None:
    """Compress the source at each setting in Chromium and print bytes, PSNR and text height."""
    source = source_photo()
    work = ROOT / "instance" / "bench-photo"
    work.mkdir(parents=True, exist_ok=True)
    (work / "source.jpg").write_bytes(source)
    (work / "page.html").write_text("<!doctype html><title>photo bench</title>", encoding="utf-8")
    server, url = serve(ROOT)
    original = Image.open(io.BytesIO(source))
    print(f"source: {original.size[0]}x{original.size[1]} JPEG, {len(source) / 1024:.0f} KiB")
    print(f"{'long side':>9} {'quality':>7} {'KiB':>6} {'plate PSNR':>10} {'small text':>10}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                    args=["--no-sandbox", "--headless=new"])
        page = browser.new_page()
        page.goto(f"{url}/instance/bench-photo/page.html")
        for side, quality in SETTINGS:
            data = page.evaluate(
                """async ([side, quality]) => {
                  const { compressPhoto } = await import('/static/js/photos.js');
                  const file = await (await fetch('/instance/bench-photo/source.jpg')).blob();
                  const { blob } = await compressPhoto(file, { quality, maxSide: side });
                  return Array.from(new Uint8Array(await blob.arrayBuffer()));
                }""", [side, quality])
            (work / f"out-{side}-{quality:.2f}.jpg").write_bytes(bytes(data))  # to look at
            small = Image.open(io.BytesIO(bytes(data)))
            scale = small.size[0] / original.size[0]
            box = tuple(round(v * scale) for v in PLATE)
            reference = original.resize(small.size, Image.Resampling.LANCZOS)
            print(f"{side:>9} {quality:>7.2f} {len(data) / 1024:>6.0f} {psnr(small.crop(box), reference.crop(box)):>8.1f} dB"
                  f" {SMALL_TEXT_PX * scale:>7.1f} px")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
