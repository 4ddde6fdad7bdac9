import assert from 'node:assert/strict';
import { signIdentityToken } from '../../src/modules/members/integration.ts';
import type { Client } from '../harness/client.ts';
import { FormBrowser, formToken, hiddenFields } from '../harness/forms.ts';
import type { TestServer } from '../harness/server.ts';

/**
 * The member side of a live code, through the real pages: scanning, and joining with an
 * integrator identity token (the "bring your own users" sign-in; the email flow has its own tests).
 */
export const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2d) NetType/WIFI Language/zh_CN';
export const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

export const tokenOf = (url: string) => url.split('/j/')[1]!;

export async function integrationSecret(owner: Client, workspaceId: string): Promise<string> {
  const rotated = await owner.post(`/api/v1/workspaces/${workspaceId}/integration-secret/rotate`, { previousValidMinutes: 0 });
  assert.equal(rotated.status, 200, rotated.text);
  return rotated.body.secret as string;
}

export async function scan(server: TestServer, token: string, options: { ua?: string; query?: string } = {}) {
  const response = await fetch(`${server.url}/j/${token}${options.query ?? ''}`, { headers: { 'accept-language': 'en', ...(options.ua ? { 'user-agent': options.ua } : {}) } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export interface Member {
  sub: string;
  browser: FormBrowser;
  /** The confirm page, or the refusal met before it. */
  confirm: { status: number; text: string };
}

/** A member signed in through the join step of the code, up to its confirm form. */
export async function arrive(server: TestServer, secret: string, workspaceId: string, token: string, sub: string, options: { ua?: string; query?: string } = {}): Promise<Member> {
  const now = Math.floor(server.deps.clock.now() / 1000);
  const identity = signIdentityToken(secret, { sub, name: sub, iat: now, exp: now + 600, aud: workspaceId });
  const browser = new FormBrowser(server.url, options.ua ? { 'user-agent': options.ua } : {});
  const query = options.query ? `${options.query}&` : '?';
  const arrived = await browser.get(`/j/${token}/join${query}identity=${identity}`);
  assert.equal(arrived.status, 303, arrived.text.slice(0, 300));
  const confirm = await browser.get(arrived.location!);
  return { sub, browser, confirm };
}

/** Presses "Join group"; the group joined, or null with the refusal's status. */
export async function confirm(member: Member, token: string): Promise<{ status: number; groupId: string | null; text: string }> {
  assert.equal(member.confirm.status, 200, member.confirm.text.slice(0, 300));
  const joined = await member.browser.post(`/j/${token}/join`, hiddenFields(member.confirm.text));
  return { status: joined.status, groupId: joined.status === 303 ? joined.location!.replace('/g/', '') : null, text: joined.text };
}

export async function join(server: TestServer, secret: string, workspaceId: string, token: string, sub: string, options: { ua?: string; query?: string } = {}) {
  const member = await arrive(server, secret, workspaceId, token, sub, options);
  if (member.confirm.status !== 200) return { status: member.confirm.status, groupId: null, text: member.confirm.text, member };
  return { ...(await confirm(member, token)), member };
}

export async function leave(member: Member, groupId: string): Promise<void> {
  const page = await member.browser.get(`/g/${groupId}`);
  assert.equal(page.status, 200, page.text.slice(0, 300));
  const left = await member.browser.post(`/g/${groupId}/leave`, { form: formToken(page.text) });
  assert.equal(left.status, 200, left.text.slice(0, 300));
}
