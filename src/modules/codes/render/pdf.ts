import { deflateSync } from 'node:zlib';

/**
 * A one-page PDF holding one image. Posters are drawn once, as SVG, and rasterised; putting the
 * 300 dpi raster in a PDF gives printers the file type they ask for without a second layout
 * engine or embedding a 20 MB CJK font. The PDF is written by hand: it is five objects.
 */
export function imagePdf(image: { width: number; height: number; rgba: Buffer }, page: { widthPt: number; heightPt: number; title: string }): Buffer {
  const rgb = Buffer.alloc(image.width * image.height * 3);
  for (let i = 0, j = 0; i < image.rgba.length; i += 4, j += 3) {
    // Posters are opaque; a pixel's alpha only ever blends towards white paper.
    const alpha = image.rgba[i + 3]! / 255;
    for (let c = 0; c < 3; c++) rgb[j + c] = Math.round(image.rgba[i + c]! * alpha + 255 * (1 - alpha));
  }
  const pixels = deflateSync(rgb);
  const content = `q ${page.widthPt} 0 0 ${page.heightPt} 0 0 cm /Im0 Do Q`;
  const objects: (string | Buffer)[][] = [
    ['<< /Type /Catalog /Pages 2 0 R >>'],
    ['<< /Type /Pages /Kids [3 0 R] /Count 1 >>'],
    [`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${page.widthPt} ${page.heightPt}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`],
    [
      `<< /Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length ${pixels.length} >>\nstream\n`,
      pixels,
      '\nendstream',
    ],
    [`<< /Length ${content.length} >>\nstream\n${content}\nendstream`],
    [`<< /Title ${pdfText(page.title)} /Producer (joincode) >>`],
  ];
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = chunks[0]!.length;
  const offsets: number[] = [];
  const add = (part: string | Buffer) => {
    const buffer = typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
    chunks.push(buffer);
    length += buffer.length;
  };
  objects.forEach((parts, index) => {
    offsets.push(length);
    add(`${index + 1} 0 obj\n`);
    parts.forEach(add);
    add('\nendobj\n');
  });
  const xref = length;
  add(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`);
  for (const offset of offsets) add(`${String(offset).padStart(10, '0')} 00000 n \n`);
  add(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

/** A PDF text string in UTF-16BE hex, so any group name is safe and readable in the viewer. */
function pdfText(text: string): string {
  const utf16 = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
  return `<${utf16.toString('hex')}>`;
}
