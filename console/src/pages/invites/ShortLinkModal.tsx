import { Alert, Button, Descriptions, Form, Input, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { Invite, ShortLink } from '../../api/types.ts';
import { LocalUrlWarning } from '../../components/LocalUrlWarning.tsx';
import { RefusalAlert } from '../../components/RefusalAlert.tsx';
import { describeError, useFeedback } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

/**
 * A code's short links (PUBLIC_URL/i/CODE, and /i/SUFFIX with a custom suffix) with the clicks
 * they brought, and, for those who manage codes, setting or removing the custom suffix.
 */
export function ShortLinkModal({ invite, editable, onClose }: { invite: Invite; editable: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const path = workspacePath(workspace.id, 'invites', invite.id, 'short-link');
  const link = useResource(path, () => api.get<ShortLink>(path));
  const [form] = Form.useForm<{ suffix: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const save = async (suffix: string | null) => {
    setSaving(true);
    setError(null);
    try {
      await api.put<ShortLink>(path, { suffix });
      feedback.done(t(suffix === null ? 'shortLinks.removed' : 'shortLinks.saved'));
      form.resetFields();
      link.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const l = link.data;
  return (
    <Modal open title={t('shortLinks.title', { code: invite.code })} onCancel={onClose} footer={null} width={640}>
      {link.error ? (
        <Alert type="error" showIcon title={describeError(link.error, t)} />
      ) : !l ? (
        <Typography.Text type="secondary">…</Typography.Text>
      ) : (
        <>
          <LocalUrlWarning url={l.url} />
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('shortLinks.link')}>
              <Typography.Text copyable data-testid="short-link-url">
                {l.url}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('shortLinks.suffixLink')}>
              {l.suffixUrl ? (
                <Typography.Text copyable data-testid="short-link-suffix-url">
                  {l.suffixUrl}
                </Typography.Text>
              ) : (
                <Typography.Text type="secondary">{t('shortLinks.noSuffix')}</Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('shortLinks.clicks')}>
              <span data-testid="short-link-clicks">{t('shortLinks.clicksValue', { clicks: l.clicks, bots: l.botClicks })}</span>
            </Descriptions.Item>
          </Descriptions>
          {editable && (
            <Form form={form} layout="vertical" style={{ marginTop: 16 }} onFinish={({ suffix }) => void save(suffix.trim())}>
              {error !== null && <RefusalAlert error={error} style={{ marginBottom: 12 }} testId="short-link-error" />}
              <Form.Item name="suffix" label={t('shortLinks.suffix')} extra={t('shortLinks.suffixHint')} rules={[{ required: true, whitespace: true }, { max: 40 }]}>
                <Input placeholder={t('shortLinks.suffixPlaceholder', { code: invite.code })} data-testid="short-link-suffix" />
              </Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" loading={saving} data-testid="short-link-save">
                  {t('action.save')}
                </Button>
                {l.suffix !== null && (
                  <Button danger onClick={() => void save(null)} disabled={saving} data-testid="short-link-remove">
                    {t('shortLinks.remove')}
                  </Button>
                )}
              </Space>
            </Form>
          )}
        </>
      )}
    </Modal>
  );
}
