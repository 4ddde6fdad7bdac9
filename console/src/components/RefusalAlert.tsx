import { Alert } from 'antd';
import { useEffect, useRef, type CSSProperties } from 'react';
import { describeError } from '../feedback.ts';
import { useI18n } from '../I18nProvider.tsx';

interface Props {
  error: unknown;
  testId: string;
  style?: CSSProperties;
}

/**
 * The server's refusal inside a dialog, given the focus each time a new one arrives. The submit
 * button that spun while the request ran has let the focus go to the page; without this a screen
 * reader would not announce the refusal's place and Escape, which only reaches a dialog holding the
 * focus, would no longer close it.
 */
export function RefusalAlert({ error, testId, style }: Props) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, [error]);
  return (
    // Focused by the code above, never tabbed to: the alert itself is not something to act on.
    <div ref={box} tabIndex={-1} style={{ outline: 'none', ...style }}>
      <Alert type="error" showIcon title={describeError(error, t)} data-testid={testId} />
    </div>
  );
}
