import { Fragment } from 'react';

// http(s) URLs up to whitespace or a bracket; punctuation that ends a sentence is not part of one.
const URL_PATTERN = /https?:\/\/[^\s<>"'()[\]]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

/** Plain text (line breaks kept) whose http(s) URLs are links that open in a new tab. */
export function LinkifiedText({ text }: { text: string }) {
  const parts: (string | { url: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    parts.push(text.slice(last, match.index), { url });
    last = match.index + url.length;
  }
  parts.push(text.slice(last));
  return (
    <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {parts.map((part, i) =>
        typeof part === 'string' ? (
          <Fragment key={i}>{part}</Fragment>
        ) : (
          <a key={i} href={part.url} target="_blank" rel="noopener noreferrer">
            {part.url}
          </a>
        ),
      )}
    </div>
  );
}
