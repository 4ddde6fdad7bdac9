import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deps } from '../../deps.ts';
import { SYSTEM_ACTOR, type Actor } from '../audit/actor.ts';
import { createOperator } from '../staff/accounts.ts';

/** Shared by the webhooks tests: a workspace with an owner, and a local receiver to deliver to. */

export interface Seeded {
  workspaceId: string;
  ownerEmail: string;
  actor: Actor;
}

let seq = 0;
export async function seedWorkspace(deps: Deps): Promise<Seeded> {
  seq += 1;
  const ownerEmail = `owner${seq}-${Date.now()}@example.com`;
  const { staffId, workspace } = await createOperator(deps, { email: ownerEmail, password: 'a-long-unusual-passphrase-42', displayName: 'Owner', workspaceName: `Team ${seq}` });
  return { workspaceId: workspace.id, ownerEmail, actor: { ...SYSTEM_ACTOR, type: 'staff', id: staffId, label: ownerEmail } };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** What the next requests are answered with. */
  respond: { status: number; body: string };
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver = { requests, respond: { status: 200, body: 'ok' } } as Receiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(receiver.respond.status, { 'content-type': 'text/plain' }).end(receiver.respond.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

/** The same Deps with the private-URL switch set as the test needs. */
export function withPrivateUrls(deps: Deps, allowed: boolean): Deps {
  return { ...deps, config: { ...deps.config, webhookAllowPrivateUrls: allowed } };
}
