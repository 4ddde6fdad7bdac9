/**
 * Commission arithmetic, in integers only. A commission is the purchase amount times the level's
 * rate in basis points, divided by 10,000 and rounded down to the minor unit (the beneficiary never
 * gets a fraction of a fen; the remainder stays with the workspace). BigInt keeps the product exact.
 */
export function commissionOf(amount: number, rateBps: number): number {
  return Number((BigInt(amount) * BigInt(rateBps)) / 10_000n);
}

/**
 * What a refund takes back of a commission: the commission on what was left of the purchase
 * before the refund, less the commission on what is left after it. Reversals of successive
 * refunds therefore add up to exactly the commission on the refunded total, and a full refund
 * leaves nothing, whatever the rounding of each step.
 */
export function refundReversal(input: { amount: number; refundedBefore: number; refundedAfter: number; rateBps: number }): number {
  return commissionOf(input.amount - input.refundedBefore, input.rateBps) - commissionOf(input.amount - input.refundedAfter, input.rateBps);
}
