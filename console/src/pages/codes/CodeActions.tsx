import { Button, Popconfirm, Space } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { Group, JoinCode, PlanLimits } from '../../api/types.ts';
import { useFeedback } from '../../feedback.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageCodes } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { CodeFormModal } from './CodeFormModal.tsx';
import { RevokeCodeModal } from './RevokeCodeModal.tsx';

interface Props {
  code: JoinCode;
  limits: PlanLimits | undefined;
  /** For naming a join code's group in the edit form; a live code has none. */
  groups: Group[];
  /** After any change: reload what the page shows. */
  onChanged: () => void;
}

/**
 * What can be done to a code, join code or live code alike: edit its settings (caps, window,
 * rotation, password, tags), pause or resume, reset (a new token now) and revoke with its blast
 * radius. Nothing for roles that may not manage codes, or once the code is revoked.
 */
export function CodeActions({ code, limits, groups, onChanged }: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const [dialog, setDialog] = useState<'edit' | 'revoke' | null>(null);
  if (!canManageCodes(workspace.role) || code.status === 'revoked') return null;
  const path = workspacePath(workspace.id, 'codes', code.id);
  const act = (action: () => Promise<unknown>, done: string) => feedback.run(action, done, onChanged);

  return (
    <Space wrap>
      <Button onClick={() => setDialog('edit')} data-testid="code-edit">
        {t('action.edit')}
      </Button>
      {code.status === 'active' ? (
        <Button onClick={() => void act(() => api.patch(path, { status: 'paused' }), t('codes.paused'))} data-testid="code-pause">
          {t('codes.pause')}
        </Button>
      ) : (
        <Button onClick={() => void act(() => api.patch(path, { status: 'active' }), t('codes.resumed'))} data-testid="code-resume">
          {t('codes.resume')}
        </Button>
      )}
      <Popconfirm title={t('codes.resetConfirm')} onConfirm={() => act(() => api.post(`${path}/reset`), t('codes.resetDone'))} okButtonProps={{ danger: true, 'data-testid': 'code-reset-ok' }}>
        <Button danger data-testid="code-reset">
          {t('codes.reset')}
        </Button>
      </Popconfirm>
      <Button danger type="primary" onClick={() => setDialog('revoke')} data-testid="code-revoke">
        {t('codes.revoke')}
      </Button>
      {dialog === 'edit' && (
        <CodeFormModal
          code={code}
          open
          onClose={() => setDialog(null)}
          limits={limits}
          groups={groups}
          onSaved={() => {
            feedback.done(t('codes.saved'));
            onChanged();
          }}
        />
      )}
      {dialog === 'revoke' && (
        <RevokeCodeModal
          code={code}
          open
          onClose={() => setDialog(null)}
          onRevoked={(revoked) => {
            feedback.done(revoked.affectedMembers > 0 ? t('codes.revokedMembers', { count: revoked.affectedMembers }) : t('codes.revoked'));
            onChanged();
          }}
        />
      )}
    </Space>
  );
}
