/**
 * Colours for the two QR module kinds. Scanners need dark modules on a clearly lighter ground, so
 * besides the syntax (#rgb, #rrggbb, #rrggbbaa) we check contrast the way WCAG does, after
 * compositing any transparency over white paper (the usual print and screen background).
 */

export interface Colour {
  /** #rrggbb, lower case: what SVG 1.1 renderers and PDF viewers all understand. */
  hex: string;
  /** 0–1, written as a separate fill-opacity because #rrggbbaa is not SVG 1.1. */
  alpha: number;
}

export const COLOUR_PATTERN = '^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$';

/**
 * WCAG 2.x non-text contrast (success criterion 1.4.11) asks 3:1 for graphics that must be
 * recognised; lower than that, phone cameras in shop light start to miss modules.
 */
export const MIN_CONTRAST = 3;

export function parseColour(text: string): Colour {
  if (!new RegExp(COLOUR_PATTERN).test(text)) throw new Error(`not a colour: ${text}`);
  const digits = text.slice(1).toLowerCase();
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
  const alpha = full.length === 8 ? parseInt(full.slice(6), 16) / 255 : 1;
  return { hex: `#${full.slice(0, 6)}`, alpha };
}

type Rgb = [number, number, number];

function channels(colour: Colour): Rgb {
  const n = parseInt(colour.hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function over(top: Rgb, alpha: number, bottom: Rgb): Rgb {
  return top.map((c, i) => c * alpha + bottom[i]! * (1 - alpha)) as Rgb;
}

/** WCAG relative luminance of an sRGB colour with 0–255 channels. */
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Luminances of the dark and light modules as they will be seen: the light colour over white,
 * the dark colour over that.
 */
export function seenLuminances(dark: Colour, light: Colour): { dark: number; light: number } {
  const lightSeen = over(channels(light), light.alpha, [255, 255, 255]);
  const darkSeen = over(channels(dark), dark.alpha, lightSeen);
  return { dark: luminance(darkSeen), light: luminance(lightSeen) };
}

export function contrastRatio(dark: Colour, light: Colour): number {
  const seen = seenLuminances(dark, light);
  const [hi, lo] = seen.light >= seen.dark ? [seen.light, seen.dark] : [seen.dark, seen.light];
  return (hi + 0.05) / (lo + 0.05);
}
