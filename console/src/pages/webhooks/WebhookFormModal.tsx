import { Form, Input, Select, Typography } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { EventType, WebhookEndpoint } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { describeError } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { ALL_EVENT_TYPES, eventTypeLabel, keepWildcardAlone } from './eventTypes.ts';

interface Values {
  url: string;
  description?: string;
  eventTypes: string[];
}

interface Props {
  open: boolean;
  /** The endpoint to edit; absent to create one. */
  endpoint?: WebhookEndpoint;
  onClose: () => void;
  /** After a create, receives the signing secret, which the server returns only then. */
  onSaved: (secret?: string) => void;
}

export function WebhookFormModal({ open, endpoint, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const eventTypes = useResource('/event-types', () => api.get<{ items: EventType[] }>('/event-types'));

  const submit = async (values: Values) => {
    const body = { url: values.url.trim(), description: values.description?.trim() ?? '', eventTypes: values.eventTypes };
    if (endpoint) {
      await api.patch(workspacePath(workspace.id, 'webhooks', endpoint.id), body);
      onSaved();
    } else {
      const created = await api.post<WebhookEndpoint & { secret: string }>(workspacePath(workspace.id, 'webhooks'), body);
      onSaved(created.secret);
    }
  };

  const options = [
    { value: ALL_EVENT_TYPES, label: eventTypeLabel(ALL_EVENT_TYPES, t), description: t('webhooks.allEvents') },
    ...(eventTypes.data?.items ?? []).map((e) => ({ value: e.type, label: e.type, description: e.description })),
  ];

  return (
    <FormModal<Values>
      open={open}
      title={endpoint ? t('webhooks.edit') : t('webhooks.create')}
      okText={endpoint ? t('action.save') : t('action.create')}
      onClose={onClose}
      onSubmit={submit}
      initialValues={endpoint && { url: endpoint.url, description: endpoint.description ?? '', eventTypes: endpoint.eventTypes }}
      submitTestId="webhook-submit"
      width={600}
    >
      <Form.Item name="url" label={t('webhooks.url')} rules={[{ required: true, type: 'url' }]}>
        <Input placeholder="https://example.com/hooks/joincode" data-testid="webhook-url" />
      </Form.Item>
      <Form.Item name="description" label={t('common.description')} rules={[{ max: 500 }]}>
        <Input data-testid="webhook-description" />
      </Form.Item>
      <Form.Item
        name="eventTypes"
        label={t('webhooks.eventTypes')}
        rules={[{ required: true }]}
        normalize={keepWildcardAlone}
        help={eventTypes.error ? describeError(eventTypes.error, t) : undefined}
        validateStatus={eventTypes.error ? 'error' : undefined}
      >
        <Select
          mode="multiple"
          loading={eventTypes.loading}
          options={options}
          optionRender={(option) => (
            <div>
              <div>{option.data.label}</div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {option.data.description}
              </Typography.Text>
            </div>
          )}
          data-testid="webhook-event-types"
        />
      </Form.Item>
    </FormModal>
  );
}
