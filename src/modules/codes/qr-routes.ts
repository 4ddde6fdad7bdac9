import type { FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import { AppError } from '../../errors.ts';
import type { Deps } from '../../deps.ts';
import { WorkspaceAnd } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { codeFace } from './face.ts';
import { COLOUR_PATTERN } from './render/colours.ts';
import { MAX_LOGO_BYTES, readLogo, type Logo } from './render/logo.ts';
import { renderPoster } from './render/poster.ts';
import { ERROR_CORRECTION_LEVELS, renderQr } from './render/qr.ts';
import { LOCALES } from '../../pages/locale.ts';

const ImageResponse = Type.Unsafe<Buffer>({
  description: 'The image',
  content: { 'image/png': { schema: { type: 'string', format: 'binary' } }, 'image/svg+xml': { schema: { type: 'string' } } },
});
const PosterResponse = Type.Unsafe<Buffer>({
  description: 'The poster',
  content: {
    'image/png': { schema: { type: 'string', format: 'binary' } },
    'image/svg+xml': { schema: { type: 'string' } },
    'application/pdf': { schema: { type: 'string', format: 'binary' } },
  },
});

const PosterQuery = Type.Object(
  {
    format: Type.Optional(Type.Enum(['png', 'svg', 'pdf'], { default: 'png' })),
    locale: Type.Optional(Type.Enum(LOCALES, { default: 'zh-CN' })),
  },
  { additionalProperties: false },
);

const QrQuery = Type.Object(
  {
    format: Type.Optional(Type.Enum(['png', 'svg'], { default: 'png' })),
    size: Type.Optional(Type.Integer({ minimum: 128, maximum: 4096, default: 512, description: 'Width in pixels' })),
    margin: Type.Optional(Type.Integer({ minimum: 0, maximum: 16, default: 4, description: 'Quiet zone in modules; scanners want 4' })),
    errorCorrection: Type.Optional(Type.Enum(ERROR_CORRECTION_LEVELS, { default: 'M' })),
    dark: Type.Optional(Type.String({ pattern: COLOUR_PATTERN, default: '#000000' })),
    light: Type.Optional(Type.String({ pattern: COLOUR_PATTERN, default: '#ffffff' })),
    caption: Type.Optional(Type.Boolean({ default: true, description: "The group's name and the check code under the code" })),
  },
  { additionalProperties: false },
);

/** A 512 KiB logo as base64 plus the options. */
const LOGO_BODY_LIMIT = Math.ceil((MAX_LOGO_BYTES * 4) / 3) + 4096;

/** Disposition-safe file name: the code's name, letters and digits only. */
function fileName(name: string, format: string): string {
  const base = name.replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-+|-+$/g, '') || 'joincode';
  return `${base}.${format}`;
}

/** An image as a download; the ASCII fallback name keeps old clients happy. */
function sendImage(reply: FastifyReply, image: { contentType: string; body: Buffer }, name: string): FastifyReply {
  const extension = name.slice(name.lastIndexOf('.'));
  return reply
    .type(image.contentType)
    .header('content-disposition', `attachment; filename="joincode${extension}"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('cache-control', 'no-store')
    .send(image.body);
}

export async function codeQrRoutes(app: AppInstance, deps: Deps): Promise<void> {
  const codeWithGroup = ({ workspaceId, codeId }: { workspaceId: string; codeId: string }) => codeFace(deps, workspaceId, codeId);

  async function sendQr(reply: FastifyReply, params: { workspaceId: string; codeId: string }, query: Static<typeof QrQuery>, logo?: Logo) {
    const { code, group } = await codeWithGroup(params);
    const format = query.format ?? 'png';
    const image = await renderQr(
      code.url,
      {
        format,
        size: query.size ?? 512,
        margin: query.margin ?? 4,
        errorCorrection: query.errorCorrection ?? 'M',
        dark: query.dark ?? '#000000',
        light: query.light ?? '#ffffff',
        logo,
      },
      query.caption === false ? undefined : { title: group.name, checkCode: code.checkCode },
    );
    return sendImage(reply, image, fileName(code.name, format));
  }

  app.get(
    '/workspaces/:workspaceId/codes/:codeId/qr',
    {
      config: { access: 'codes:read' },
      schema: {
        tags: ['Codes'],
        summary: "The code's QR image (PNG or SVG)",
        description: 'Encodes the current URL (PUBLIC_URL/j/TOKEN). With caption, the group name and the check code are printed under it; the landing page shows the same check code, so members can tell a genuine poster from a pasted-over one.',
        params: WorkspaceAnd('codeId'),
        querystring: QrQuery,
        produces: ['image/png', 'image/svg+xml'],
        // Sent as bytes, never serialized: the schema only documents the two image types.
        response: { 200: ImageResponse },
      },
    },
    async (request, reply) => sendQr(reply, request.params, request.query),
  );

  app.post(
    '/workspaces/:workspaceId/codes/:codeId/qr',
    {
      config: { access: 'codes:read' },
      bodyLimit: LOGO_BODY_LIMIT,
      schema: {
        tags: ['Codes'],
        summary: "The code's QR image with a centre logo",
        description: 'The same options as GET, in the body, plus `logo`: a PNG or JPEG (at most 512 KiB, 4096×4096) as a data: URL. Error correction is raised to H so the covered modules can be rebuilt by the scanner.',
        params: WorkspaceAnd('codeId'),
        body: Type.Object(
          { ...QrQuery.properties, logo: Type.String({ pattern: '^data:image/(png|jpeg);base64,[A-Za-z0-9+/]+={0,2}$', maxLength: LOGO_BODY_LIMIT }) },
          { additionalProperties: false },
        ),
        produces: ['image/png', 'image/svg+xml'],
        response: { 200: ImageResponse },
      },
    },
    async (request, reply) => {
      const { logo: dataUrl, ...options } = request.body;
      const logo = readLogo(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
      if (typeof logo === 'string') throw new AppError('validation_failed', logo, { errors: [{ in: 'body', pointer: '/logo', message: logo }] });
      return sendQr(reply, request.params, options, logo);
    },
  );

  app.get(
    '/workspaces/:workspaceId/codes/:codeId/poster',
    {
      config: { access: 'codes:read' },
      schema: {
        tags: ['Codes'],
        summary: 'A printable poster with the code (PNG, SVG or A4 PDF)',
        description: "A 1:√2 page: the group's name, its value statement, the QR, how to scan, and the check code the landing page repeats.",
        params: WorkspaceAnd('codeId'),
        querystring: PosterQuery,
        produces: ['image/png', 'image/svg+xml', 'application/pdf'],
        response: { 200: PosterResponse },
      },
    },
    async (request, reply) => {
      const { code, group } = await codeWithGroup(request.params);
      const format = request.query.format ?? 'png';
      const image = await renderPoster(
        code.url,
        { groupName: group.name, valueStatement: group.valueStatement || group.description, checkCode: code.checkCode, locale: request.query.locale ?? 'zh-CN' },
        format,
      );
      return sendImage(reply, image, fileName(`${code.name}-poster`, format));
    },
  );
}
