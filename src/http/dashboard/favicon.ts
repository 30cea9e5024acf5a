/**
 * The site icon, made here rather than shipped as a binary: an SVG for the pages' <link>, and a
 * 16×16 .ico for browsers that ask for /favicon.ico anyway (a 404 there is a console error on
 * every fresh visit).
 */

export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">' +
  '<rect width="16" height="16" rx="3" fill="#1d4e89"/>' +
  '<path d="M5 3.5h3.2a4.5 4.5 0 0 1 0 9H5z" fill="none" stroke="#fff" stroke-width="1.8"/>' +
  '<path d="M3 8h4" stroke="#fff" stroke-width="1.4"/></svg>';

/** Which pixels of the 16×16 glyph are white: a "Đ" drawn on the blue square. */
function glyph(x: number, y: number): boolean {
  const inD = x >= 4 && x <= 6 && y >= 3 && y <= 12; // stem
  const bar = y >= 7 && y <= 8 && x >= 2 && x <= 7; // the stroke through Đ
  const dx = x - 7.5;
  const dy = y - 7.5;
  const r = Math.sqrt(dx * dx + dy * dy);
  const bowl = x >= 7 && r >= 3.6 && r <= 5.2;
  const flats = (y === 3 || y === 4 || y === 11 || y === 12) && x >= 4 && x <= 8;
  return inD || bar || bowl || flats;
}

function buildIco(): Uint8Array {
  const size = 16;
  const pixels = size * size * 4;
  const mask = size * 4; // 1 bit per pixel, rows padded to 4 bytes
  const bmp = 40 + pixels + mask;
  const out = new Uint8Array(6 + 16 + bmp);
  const v = new DataView(out.buffer);
  v.setUint16(2, 1, true); // type: icon
  v.setUint16(4, 1, true); // one image
  out[6] = size;
  out[7] = size;
  v.setUint16(10, 1, true); // planes
  v.setUint16(12, 32, true); // bits per pixel
  v.setUint32(14, bmp, true);
  v.setUint32(18, 22, true); // offset of the bitmap
  const b = 22;
  v.setUint32(b, 40, true);
  v.setInt32(b + 4, size, true);
  v.setInt32(b + 8, size * 2, true); // colour rows + mask rows
  v.setUint16(b + 12, 1, true);
  v.setUint16(b + 14, 32, true);
  v.setUint32(b + 20, pixels + mask, true);
  for (let row = 0; row < size; row++) {
    const y = size - 1 - row; // bitmaps are stored bottom-up
    for (let x = 0; x < size; x++) {
      const p = b + 40 + (row * size + x) * 4;
      const white = glyph(x, y);
      out[p] = white ? 255 : 0x89; // B
      out[p + 1] = white ? 255 : 0x4e; // G
      out[p + 2] = white ? 255 : 0x1d; // R
      out[p + 3] = 255;
    }
  }
  return out;
}

export const FAVICON_ICO = buildIco();
