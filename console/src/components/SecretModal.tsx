import { CopyOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Modal, Space, type GetRef } from 'antd';
import { useRef, useState, type ReactNode } from 'react';
import { useFeedback } from '../feedback.ts';
import { useI18n } from '../I18nProvider.tsx';

interface Props {
  title: string;
  /** The secret or link to show; the modal is open while it is set. */
  value: string | null;
  warning: string;
  onClose: () => void;
}

/** Shows a value the server returns only once (API key secret, webhook secret, invitation link). */
export function SecretModal({ title, value, warning, onClose }: Props) {
  const { t } = useI18n();
  const feedback = useFeedback();
  const input = useRef<GetRef<typeof Input.TextArea>>(null);

  const copy = async () => {
    if (!value) return;
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // No Clipboard API outside secure contexts (plain HTTP on a LAN address): select and copy.
      input.current?.resizableTextArea?.textArea.select();
      if (!document.execCommand('copy')) return feedback.warn(t('secret.copyFailed'));
    }
    feedback.done(t('secret.copied'));
  };

  return (
    <Modal
      open={value !== null}
      title={title}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="secret-close">
          {t('secret.done')}
        </Button>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Alert type="warning" showIcon title={warning} />
        <Input.TextArea
          ref={input}
          readOnly
          autoSize
          value={value ?? ''}
          onFocus={(event) => event.currentTarget.select()}
          data-testid="secret-value"
          style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
        />
        <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="secret-copy">
          {t('secret.copy')}
        </Button>
      </Space>
    </Modal>
  );
}

/**
 * A SecretModal with its own state, for pages that receive secrets: `show(value)` opens it, and
 * `modal` is rendered once in the page.
 */
export function useSecretModal(title: string, warning: string): { show: (value: string) => void; modal: ReactNode } {
  const [value, setValue] = useState<string | null>(null);
  return { show: setValue, modal: <SecretModal title={title} value={value} warning={warning} onClose={() => setValue(null)} /> };
}
