/** Who made a change, and from where: every audited service call receives one. */
export interface Actor {
  type: 'staff' | 'api_key' | 'system';
  id: string | null;
  label: string;
  ip: string | null;
  requestId: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, label: 'system', ip: null, requestId: null };
