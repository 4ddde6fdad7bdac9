import { Type } from 'typebox';

/** Shared request/response schemas; module schemas build on these. */

/** A ULID in Crockford base32, as newId() makes them. */
export const ID_PATTERN = '^[0-9A-HJKMNP-TV-Z]{26}$';
export const Id = Type.String({ pattern: ID_PATTERN, description: 'A joincode id' });
export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const WorkspaceParams = Type.Object({ workspaceId: Id }, { additionalProperties: false });

export function WorkspaceAnd<K extends string>(name: K) {
  return Type.Object({ workspaceId: Id, [name]: Id } as { workspaceId: typeof Id } & Record<K, typeof Id>, {
    additionalProperties: false,
  });
}

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: 200 });
export const Name = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const NoContent = Type.Null({ description: 'No content' });
