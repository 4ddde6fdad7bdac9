import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, encodeCursor, PageOf, pageLimit } from '../../http/pagination.ts';
import { Id, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { userKey } from '../invites/party.ts';
import { listPurchaseRows, mustFindPurchase, namePurchases, presentPurchase, recordPurchase } from './purchases.ts';
import { recordRefund } from './refunds.ts';
import { NewPurchase, NewRefund, OrderId, PurchaseQuery, PurchaseResult, PurchaseView, RefundResult } from './schema.ts';

const tags = ['Purchases'];
const OrderParams = Type.Object({ workspaceId: Id, orderId: OrderId }, { additionalProperties: false });

export async function purchaseRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.post(
    '/workspaces/:workspaceId/purchases',
    {
      config: { access: 'purchases:write', idempotent: true },
      schema: {
        tags,
        summary: 'Report a purchase by one of your users',
        description:
          "Idempotent by your orderId: the same details again answer 200 with the purchase as it stands (replayed: true); other details for a recorded orderId are 409 purchase_conflict. Attributed to the referral chain above the buyer (level 1 = direct inviter, up to referralDepth); levels with a commission rate earn pending commissions. 422 purchase_buyer_unknown for a user the workspace does not know, 422 purchase_currency_mismatch for another currency than the workspace's reward currency; amounts are integer minor units above zero.",
        params: WorkspaceParams,
        body: NewPurchase,
        response: { 200: PurchaseResult, 201: PurchaseResult },
      },
    },
    async (request, reply) => {
      const { status, body } = await recordPurchase(deps, request.actor, request.params.workspaceId, request.body);
      return reply.status(status).send(body);
    },
  );

  app.get(
    '/workspaces/:workspaceId/purchases',
    {
      config: { access: 'rewards:read' },
      schema: {
        tags,
        summary: 'List reported purchases, newest first',
        description: "Filter by buyerUserId, or attributedTo (u:<user id> or m:<member id>): the purchases of that party's downline, at any level.",
        params: WorkspaceParams,
        querystring: PurchaseQuery,
        response: { 200: PageOf(PurchaseView) },
      },
    },
    async (request) => {
      const { query } = request;
      const limit = pageLimit(query);
      const db = deps.db.kysely;
      const rows = await listPurchaseRows(db, request.params.workspaceId, {
        buyerKey: query.buyerUserId === undefined ? undefined : userKey(query.buyerUserId),
        attributedTo: query.attributedTo,
        before: decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const { purchases } = await namePurchases(db, request.params.workspaceId, await Promise.all(items.map((row) => presentPurchase(db, row))));
      return { items: purchases, nextCursor: rows.length > limit ? encodeCursor(items.at(-1)!.id) : null };
    },
  );

  app.get(
    '/workspaces/:workspaceId/purchases/:orderId',
    { config: { access: 'rewards:read' }, schema: { tags, summary: 'A reported purchase, by your order id', params: OrderParams, response: { 200: PurchaseView } } },
    async (request) => {
      const db = deps.db.kysely;
      const record = await presentPurchase(db, await mustFindPurchase(db, request.params.workspaceId, request.params.orderId));
      return (await namePurchases(db, request.params.workspaceId, [record])).purchases[0]!;
    },
  );

  app.post(
    '/workspaces/:workspaceId/purchases/:orderId/refunds',
    {
      config: { access: 'purchases:write', idempotent: true },
      schema: {
        tags,
        summary: 'Report a refund of a purchase',
        description:
          'Idempotent by your refundId (per order): the same amount again answers 200 (replayed: true), another amount is 409 refund_conflict. Refunds together cannot exceed the purchase (422 refund_exceeds_purchase). Each commission of the purchase gives back its share of the refund; paid commissions are final and the share they would give back is reported as unrecovered.',
        params: OrderParams,
        body: NewRefund,
        response: { 200: RefundResult, 201: RefundResult },
      },
    },
    async (request, reply) => {
      const { status, body } = await recordRefund(deps, request.actor, request.params.workspaceId, request.params.orderId, request.body);
      return reply.status(status).send(body);
    },
  );
}
