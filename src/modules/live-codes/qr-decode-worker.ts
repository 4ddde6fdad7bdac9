import { serveJobs } from '../../infra/workers/serve.ts';
import { decodeQrImage } from './qr-image.ts';

/** A decoding worker (see qr-upload.ts): one uploaded image at a time, its payload or refusal back. */
serveJobs((bytes: Uint8Array) => decodeQrImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
