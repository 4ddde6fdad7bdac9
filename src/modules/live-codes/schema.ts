import { Type, type Static } from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../../http/schemas.ts';
import { CodeName, CodeSettings, CodeView } from '../codes/schema.ts';
import { Avatar, PLATFORMS } from '../groups/schema.ts';
import { USER_AGENT_APPS } from '../scans/user-agent.ts';
import { QrImageDataUrl } from './qr-upload.ts';
import { ENTRY_STATUSES, ROUTING_RULES, UNUSABLE_REASONS } from './routing.ts';

/** Seed: a WeChat group stops admitting by QR scan past about 200 members. */
export const DEFAULT_SCAN_THRESHOLD = 200;
/** Seed: a WeChat group QR image expires 7 days after it is shown. */
export const DEFAULT_ENTRY_VALIDITY_HOURS = 168;
/** Where the group's number goes in a template's name pattern. */
export const NUMBER_PLACEHOLDER = '{n}';
/** Entries per pool: plenty for rotating group QRs, small enough to route in memory on every scan. */
export const MAX_ENTRIES = 200;

export const ENTRY_KINDS = ['group', 'link'] as const;
export const ENTRY_SOURCES = ['image', 'url'] as const;
export const POOL_STATES = ['ok', 'low', 'empty'] as const;
export type PoolState = (typeof POOL_STATES)[number];

const Latitude = Type.Number({ minimum: -90, maximum: 90 });
const Longitude = Type.Number({ minimum: -180, maximum: 180 });
const Region = Type.String({ minLength: 1, maxLength: 80, description: 'A place name shown to staff, e.g. 上海·徐汇' });
const Label = Type.String({ maxLength: 80, description: 'Shown to staff, and on the landing page of a link entry' });
const Audience = Type.Union(
  [Type.Array(Type.Enum(USER_AGENT_APPS), { minItems: 1, maxItems: USER_AGENT_APPS.length, uniqueItems: true }), Type.Null()],
  { description: "User-agent app classes this entry serves (wechat, qq, alipay, dingtalk, telegram, browser, …); null = everyone. Scanners go to entries naming their app first, else to entries for everyone" },
);
// Thresholds below 1 are refused by the service as contradictory pool rules (422), not here.
const Threshold = Type.Integer({ maximum: 100_000_000, description: 'Admitted scans after which a link entry retires (at least 1)' });
const ValidityHours = Type.Union([Type.Integer({ maximum: 87600 }), Type.Null()], {
  description: 'Hours a new link entry stays usable after upload (at least 1); null = until retired by its threshold',
});

export const GroupTemplate = Type.Object(
  {
    namePattern: Type.String({
      minLength: 3,
      maxLength: 70,
      pattern: '\\{n\\}',
      description: 'The new group\'s name; {n} becomes its number, e.g. "Spring Camp {n}群" → "Spring Camp 3群"',
    }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    valueStatement: Type.Optional(Type.String({ maxLength: 200, description: 'What a newcomer gets, shown big on the landing page' })),
    welcomeText: Type.Optional(Type.String({ maxLength: 2000, description: 'Shown after joining; {name}, {group} and {inviter} are filled in' })),
    avatar: Type.Optional(Avatar),
    capacity: Type.Optional(Type.Integer({ minimum: 1, description: "Defaults to the plan's member cap, and may not exceed it" })),
    adminIds: Type.Optional(Type.Array(Id, { maxItems: 20, uniqueItems: true, description: 'Staff of the workspace who become admins of every new group' })),
  },
  { additionalProperties: false, description: 'Hosted pools: when no group has a free seat, the next join creates the next numbered group from this' },
);
export type GroupTemplate = Static<typeof GroupTemplate>;

/** A hosted group of the workspace as a pool entry. */
const GroupEntryInput = Type.Object(
  {
    groupId: Id,
    label: Type.Optional(Label),
    audience: Type.Optional(Audience),
    latitude: Type.Optional(Latitude),
    longitude: Type.Optional(Longitude),
    region: Type.Optional(Region),
  },
  { additionalProperties: false },
);

export const NewLiveCode = Type.Object(
  {
    name: CodeName,
    rule: Type.Enum(ROUTING_RULES, {
      description: 'fill_in_order: the first usable entry; least_full: the emptiest; round_robin: in turn; nearest: closest to the scanner (?lat=&lon=, else fill_in_order)',
    }),
    template: Type.Optional(Type.Union([GroupTemplate, Type.Null()])),
    nextGroupNumber: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'The {n} of the next auto-created group; default: the number of hosted groups + 1' })),
    scanThreshold: Type.Optional(Threshold),
    entryValidityHours: Type.Optional(ValidityHours),
    groups: Type.Optional(Type.Array(GroupEntryInput, { maxItems: MAX_ENTRIES, description: 'Hosted groups to start the pool with, in routing order' })),
    ...CodeSettings,
  },
  { additionalProperties: false },
);
export type NewLiveCode = Static<typeof NewLiveCode>;

export const LiveCodeChanges = Type.Object(
  {
    rule: Type.Optional(Type.Enum(ROUTING_RULES)),
    template: Type.Optional(Type.Union([GroupTemplate, Type.Null()], { description: 'null removes it: a full hosted pool then refuses' })),
    nextGroupNumber: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    scanThreshold: Type.Optional(Threshold),
    entryValidityHours: Type.Optional(ValidityHours),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type LiveCodeChanges = Static<typeof LiveCodeChanges>;

export const NewEntry = Type.Object(
  {
    groupId: Type.Optional(Id),
    image: Type.Optional(QrImageDataUrl),
    url: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description: "An external group's join link" })),
    label: Type.Optional(Label),
    platform: Type.Optional(Type.Enum(PLATFORMS, { description: 'Where a link entry leads (wechat, telegram, …)' })),
    audience: Type.Optional(Audience),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ENTRIES, description: 'Where in the routing order (0 = first); default: last' })),
    latitude: Type.Optional(Latitude),
    longitude: Type.Optional(Longitude),
    region: Type.Optional(Region),
    scanThreshold: Type.Optional(Threshold),
    expiresAt: Type.Optional(Type.Union([Timestamp, Type.Null()], { description: 'Link entries: default upload time + the live code\'s entryValidityHours; null = no expiry' })),
  },
  { additionalProperties: false, description: 'Exactly one of groupId, image or url' },
);
export type NewEntry = Static<typeof NewEntry>;

export const EntryChanges = Type.Object(
  {
    label: Type.Optional(Label),
    platform: Type.Optional(Type.Union([Type.Enum(PLATFORMS), Type.Null()])),
    audience: Type.Optional(Audience),
    latitude: Type.Optional(Type.Union([Latitude, Type.Null()])),
    longitude: Type.Optional(Type.Union([Longitude, Type.Null()])),
    region: Type.Optional(Type.Union([Region, Type.Null()])),
    scanThreshold: Type.Optional(Threshold),
    expiresAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    status: Type.Optional(Type.Enum(['active', 'paused'] as const, { description: 'Pause, resume, or bring a retired entry back (after raising its threshold or expiry)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EntryChanges = Static<typeof EntryChanges>;

export const EntryOrder = Type.Object(
  { entryIds: Type.Array(Id, { minItems: 1, maxItems: MAX_ENTRIES, uniqueItems: true, description: 'Every entry of the pool, once each, in the new routing order' }) },
  { additionalProperties: false },
);
export type EntryOrder = Static<typeof EntryOrder>;

const Count = Type.Integer({ minimum: 0 });
export const EntryView = Type.Object({
  id: Type.String(),
  position: Count,
  kind: Type.Enum(ENTRY_KINDS),
  groupId: Type.Union([Type.String(), Type.Null()]),
  group: Type.Union([
    Type.Object({ name: Type.String(), status: Type.String(), memberCount: Count, capacity: Count }, { description: 'Group entries: the hosted group now' }),
    Type.Null(),
  ]),
  groupNumber: Type.Union([Type.Integer(), Type.Null()], { description: 'The {n} of a group the pool created from its template' }),
  source: Type.Union([Type.Enum(ENTRY_SOURCES), Type.Null()]),
  payload: Type.Union([Type.String(), Type.Null()], { description: "Link entries: the decoded QR payload, or the join URL" }),
  label: Type.String(),
  platform: Type.Union([Type.Enum(PLATFORMS), Type.Null()]),
  audience: Type.Union([Type.Array(Type.String()), Type.Null()]),
  latitude: Type.Union([Type.Number(), Type.Null()]),
  longitude: Type.Union([Type.Number(), Type.Null()]),
  region: Type.Union([Type.String(), Type.Null()]),
  scans: Count,
  scanThreshold: Type.Union([Type.Integer(), Type.Null()]),
  expiresAt: NullableTimestamp,
  status: Type.Enum(ENTRY_STATUSES),
  retiredReason: Type.Union([Type.Enum(['threshold', 'expired'] as const), Type.Null()]),
  usable: Type.Boolean(),
  unusableReason: Type.Union([Type.Enum(UNUSABLE_REASONS), Type.Null()], { description: 'Why the entry takes nobody now' }),
  remindedAt: NullableTimestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type EntryView = Static<typeof EntryView>;

export const LiveCodeView = Type.Object({
  id: Type.String({ description: 'The code id: QR, poster, reset, revoke and stats are at /codes/{id}' }),
  name: Type.String(),
  code: CodeView,
  rule: Type.Enum(ROUTING_RULES),
  template: Type.Union([GroupTemplate, Type.Null()]),
  nextGroupNumber: Type.Integer(),
  scanThreshold: Type.Integer(),
  entryValidityHours: Type.Union([Type.Integer(), Type.Null()]),
  poolState: Type.Enum(POOL_STATES, { description: 'ok, low (one usable entry) or empty; a pool with a template is always ok' }),
  usableEntries: Count,
  entries: Type.Array(EntryView),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type LiveCodeView = Static<typeof LiveCodeView>;
