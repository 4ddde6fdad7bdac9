import { useI18n } from '../../I18nProvider.tsx';

/**
 * Reward amounts travel as integers in the currency's minor unit (fen, cents). The console shows
 * and takes them in the major unit (yuan, dollars) with the currency's own number of decimals, as
 * Intl knows them from ISO 4217 (CNY 2, JPY 0).
 */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // A code Intl does not know: the common case of cents.
    return 2;
  }
}

export function toMinor(major: number, currency: string): number {
  return Math.round(major * 10 ** minorDigits(currency));
}

export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

/** `format(amount)`: minor units as money in the reader's language, e.g. ¥12.34 or CN¥12.34. */
export function useMoney(currency: string | undefined): (amount: number) => string {
  const { lang } = useI18n();
  if (!currency) return (amount) => String(amount);
  const digits = minorDigits(currency);
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(lang, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  } catch {
    format = new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  return (amount) => format.format(amount / 10 ** digits);
}
