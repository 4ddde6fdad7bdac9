import { Type } from 'typebox';
import { AppError, type ErrorCode } from '../../errors.ts';
import { createWorkerPool, poolSize, siblingModule } from '../../infra/workers/pool.ts';
import { MAX_QR_IMAGE_BYTES, type QrImageRefusal, type QrImageResult } from './qr-image.ts';

/**
 * Uploaded group QR images — a live code's link entries, an external group's current QR — sent as
 * data: URLs in JSON and decoded in worker threads: a 12–16 Mpx JPEG costs seconds of jpeg-js and
 * jsQR, during which the event loop would answer no other request, scans included. At most two
 * decode at once: each may need the 384 MB jpeg-js is allowed, and uploads are staff actions. A
 * decoder idle for 10 s is ended, which gives that memory back (a batch of uploads shares one).
 */

export const QrImageDataUrl = Type.String({
  pattern: '^data:[a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+;base64,[A-Za-z0-9+/]*={0,2}$',
  description: `An external group's QR image (PNG or JPEG, at most ${MAX_QR_IMAGE_BYTES / 1024 / 1024} MiB and 16 megapixels) as a data: URL; it is decoded now and its payload stored`,
});

/** The image travels base64-encoded: its size plus a third, and room for the other fields. */
export const QR_UPLOAD_BODY_LIMIT = Math.ceil((MAX_QR_IMAGE_BYTES * 4) / 3) + 16 * 1024;

const pool = createWorkerPool<Uint8Array, QrImageResult>({ kind: 'qr_decode', entry: siblingModule(import.meta.url, 'qr-decode-worker'), size: poolSize(2), task: 'Decoding the QR image', idleMs: 10_000 });

/** Each refusal has its own problem type, so a client can tell the uploader what to fix. */
const IMAGE_PROBLEMS: Record<QrImageRefusal, [ErrorCode, string]> = {
  not_an_image: ['not_an_image', 'The upload is not a PNG or JPEG image. Upload a screenshot or photo of the group QR code'],
  unreadable: ['image_unreadable', 'The image is corrupt or cut short. Take a new screenshot of the group QR code'],
  too_large: ['image_too_large', `The image is too large: at most ${MAX_QR_IMAGE_BYTES / 1024 / 1024} MiB and 16 megapixels`],
  no_qr: ['no_qr_code', 'No QR code was found in the image. Crop it to the code, or take a sharper screenshot'],
};

/** The payload of the QR code in an uploaded image (body field `image`), or its refusal as an AppError. */
export async function decodeQrUpload(dataUrl: string): Promise<string> {
  const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  const decoded = await pool.run(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (decoded.ok) return decoded.payload;
  const [code, message] = IMAGE_PROBLEMS[decoded.reason];
  throw new AppError(code, message, { errors: [{ in: 'body', pointer: '/image', message }] });
}
