import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../errors.ts';

/** A webhook URL with the address it was checked against; connections go to that address only. */
export interface WebhookTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Why an address must not receive webhooks, or null when it is public unicast. IPv4-mapped IPv6
 * (::ffff:127.0.0.1) is judged as the IPv4 address it carries; every special-purpose range that
 * ipaddr.js knows (loopback, private, link-local, CGNAT, multicast, unspecified, broadcast,
 * unique-local, NAT64, 6to4, Teredo, documentation, reserved …) is refused.
 */
export function forbiddenRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

function refuse(detail: string): never {
  throw new AppError('unsafe_webhook_url', detail);
}

async function resolve(host: string): Promise<{ address: string; family: 4 | 6 }[]> {
  if (ipaddr.isValid(host)) return [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  try {
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  } catch {
    return refuse(`The host ${host} could not be resolved`);
  }
}

/**
 * Checks a webhook URL against server-side request forgery: http(s) only, no credentials, and
 * every address the host resolves to must be public — unless the operator allows private URLs
 * (WEBHOOK_ALLOW_PRIVATE_URLS). Runs when an endpoint is saved and again before each delivery;
 * the delivery then connects to the returned address, so a DNS answer that changes between check
 * and connect (rebinding) cannot redirect it.
 */
export async function resolveWebhookTarget(raw: string, allowPrivate: boolean): Promise<WebhookTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse(`"${raw.slice(0, 100)}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(`The URL must use https or http, not ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) refuse('The URL must not contain a user name or password');
  // WHATWG URL has already normalised IPv4 shorthands (http://2130706433/) and brackets IPv6.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const addresses = await resolve(host);
  const first = addresses[0];
  if (!first) return refuse(`The host ${host} has no addresses`);
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const range = forbiddenRange(address);
      if (range) refuse(`${host} resolves to ${address}, a ${range} address; webhooks may only go to public addresses`);
    }
  }
  return { url, ...first };
}
