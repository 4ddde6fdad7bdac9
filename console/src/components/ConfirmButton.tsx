import { Button, Popconfirm } from 'antd';
import type { ReactNode } from 'react';

interface Props {
  /** The question, e.g. "Revoke the invitation for …?". */
  confirm: ReactNode;
  /** Runs on "OK"; the question stays open, spinning, until it settles (so it should not reject). */
  onConfirm: () => Promise<void>;
  testId?: string;
  children: ReactNode;
}

/** A small danger button in a table row that asks before it removes or revokes something. */
export function ConfirmButton({ confirm, onConfirm, testId, children }: Props) {
  return (
    <Popconfirm title={confirm} onConfirm={onConfirm} okButtonProps={{ danger: true }}>
      <Button size="small" danger data-testid={testId}>
        {children}
      </Button>
    </Popconfirm>
  );
}
