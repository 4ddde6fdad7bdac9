import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { commissionOf, refundReversal } from './commission.ts';
import { MAX_AMOUNT } from './schema.ts';

describe('commission arithmetic', () => {
  test('given amounts and rates, then the commission rounds down to the minor unit', () => {
    assert.equal(commissionOf(9999, 1000), 999);
    assert.equal(commissionOf(9999, 500), 499);
    assert.equal(commissionOf(1, 9999), 0);
    assert.equal(commissionOf(MAX_AMOUNT, 10_000), MAX_AMOUNT);
    assert.equal(commissionOf(MAX_AMOUNT - 1, 9_999), Number((BigInt(MAX_AMOUNT - 1) * 9_999n) / 10_000n));
  });

  test('given any purchase, rate and split of it into refunds, then each reversal is at most what is left and together they reverse the whole commission', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_AMOUNT }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }),
        (amount, rateBps, weights) => {
          // Cut the amount into refunds in proportion to the weights, the last one taking the rest.
          const total = weights.reduce((a, b) => a + b, 0);
          let refunded = 0;
          let reversed = 0;
          weights.forEach((weight, i) => {
            const refund = i === weights.length - 1 ? amount - refunded : Math.floor((amount * weight) / total);
            const step = refundReversal({ amount, refundedBefore: refunded, refundedAfter: refunded + refund, rateBps });
            assert.ok(step >= 0 && step <= commissionOf(amount, rateBps) - reversed);
            refunded += refund;
            reversed += step;
          });
          assert.equal(reversed, commissionOf(amount, rateBps));
        },
      ),
    );
  });
});
