import { Type, type Static } from 'typebox';
import { NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { QrImageDataUrl } from '../live-codes/qr-upload.ts';

export const GROUP_KINDS = ['hosted', 'external'] as const;
export const PLATFORMS = ['wechat', 'wecom', 'dingtalk', 'feishu', 'qq', 'telegram', 'discord', 'whatsapp', 'line', 'other'] as const;
export const GROUP_STATUSES = ['active', 'archived'] as const;

/** PNG or JPEG as a data: URL; 256 KiB of image at most, so the landing page stays small. */
export const AVATAR_MAX_BYTES = 256 * 1024;
export const Avatar = Type.String({
  pattern: '^data:image/(png|jpeg);base64,[A-Za-z0-9+/]+={0,2}$',
  maxLength: Math.ceil((AVATAR_MAX_BYTES * 4) / 3) + 30,
  description: 'A PNG or JPEG image as a data: URL, at most 256 KiB',
});
const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });
const JoinUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description: "The external group's join link" });

export const GroupView = Type.Object({
  id: Type.String(),
  kind: Type.Enum(GROUP_KINDS),
  name: Type.String(),
  description: Type.String(),
  valueStatement: Type.String(),
  welcomeText: Type.String(),
  avatar: Type.Union([Type.String(), Type.Null()]),
  capacity: Type.Integer(),
  memberCount: Type.Integer(),
  platform: Type.Union([Type.Enum(PLATFORMS), Type.Null()]),
  joinUrl: Type.Union([Type.String(), Type.Null()]),
  qrPayload: Type.Union([Type.String(), Type.Null()], { description: "External groups: what the group QR image uploaded last decodes to (PUT …/groups/{groupId}/qr); the landing page shows it as a QR to long-press" }),
  qrUploadedAt: NullableTimestamp,
  status: Type.Enum(GROUP_STATUSES),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type GroupView = Static<typeof GroupView>;

export const NewGroup = Type.Object(
  {
    kind: Type.Enum(GROUP_KINDS),
    name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
    description: Type.Optional(Text(2000)),
    valueStatement: Type.Optional(Text(200, 'What a newcomer gets, shown big on the landing page')),
    welcomeText: Type.Optional(Text(2000, 'Shown after joining; {name}, {group} and {inviter} are filled in')),
    avatar: Type.Optional(Avatar),
    capacity: Type.Optional(Type.Integer({ minimum: 1, description: "Defaults to the plan's member cap, and may not exceed it" })),
    platform: Type.Optional(Type.Enum(PLATFORMS, { description: 'Required for external groups' })),
    joinUrl: Type.Optional(JoinUrl),
  },
  { additionalProperties: false },
);
export type NewGroup = Static<typeof NewGroup>;

export const GroupChanges = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' })),
    description: Type.Optional(Text(2000)),
    valueStatement: Type.Optional(Text(200)),
    welcomeText: Type.Optional(Text(2000)),
    avatar: Type.Optional(Type.Union([Avatar, Type.Null()])),
    capacity: Type.Optional(Type.Integer({ minimum: 1 })),
    platform: Type.Optional(Type.Enum(PLATFORMS)),
    joinUrl: Type.Optional(Type.Union([JoinUrl, Type.Null()])),
    status: Type.Optional(Type.Enum(GROUP_STATUSES)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type GroupChanges = Static<typeof GroupChanges>;

export const GroupQrUpload = Type.Object(
  { image: QrImageDataUrl },
  { additionalProperties: false, description: "The external group's current QR image; it replaces the one uploaded before" },
);
export type GroupQrUpload = Static<typeof GroupQrUpload>;
