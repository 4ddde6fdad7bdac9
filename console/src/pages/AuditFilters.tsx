import { DatePicker, Form, Input, Select } from 'antd';
import type { GetProps } from 'antd';
import { api, workspacePath } from '../api/client.ts';
import type { ApiKey, Page, StaffMember } from '../api/types.ts';
import { FilterButtons } from '../components/FilterButtons.tsx';
import { useResource } from '../hooks/useResource.ts';
import { useI18n } from '../I18nProvider.tsx';
import { useWorkspace } from '../workspace.ts';

// A type, not an interface: it is used as a query-string record.
export type AuditFilter = {
  action?: string;
  actorId?: string;
  targetType?: string;
  since?: string;
  until?: string;
};

type Range = GetProps<typeof DatePicker.RangePicker>['value'];

interface Values {
  action?: string;
  actorId?: string;
  targetType?: string;
  range?: Range;
}

/** Actors to pick from: the workspace's staff and API keys (first page of each is plenty here). */
function useActorOptions(workspaceId: string) {
  const { t } = useI18n();
  const { data } = useResource(`actors:${workspaceId}`, () =>
    Promise.all([
      api.get<Page<StaffMember>>(workspacePath(workspaceId, 'staff'), { limit: 100 }).catch(() => null),
      api.get<Page<ApiKey>>(workspacePath(workspaceId, 'api-keys'), { limit: 100 }).catch(() => null),
    ]),
  );
  const [staff, keys] = data ?? [null, null];
  return [
    { label: t('audit.actorStaff'), options: (staff?.items ?? []).map((s) => ({ value: s.staffId, label: `${s.displayName} <${s.email}>` })) },
    { label: t('audit.actorApiKey'), options: (keys?.items ?? []).map((k) => ({ value: k.id, label: `${k.name} (${k.prefix})` })) },
  ];
}

export function AuditFilters({ onChange }: { onChange: (filter: AuditFilter) => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const [form] = Form.useForm<Values>();
  const actorOptions = useActorOptions(workspace.id);

  const apply = ({ action, actorId, targetType, range }: Values) => {
    const text = (value?: string) => value?.trim() || undefined;
    onChange({
      action: text(action),
      actorId,
      targetType: text(targetType),
      since: range?.[0]?.startOf('day').toISOString(),
      until: range?.[1]?.endOf('day').toISOString(),
    });
  };

  return (
    <Form form={form} layout="inline" onFinish={apply} style={{ rowGap: 12, marginBottom: 16 }}>
      <Form.Item name="action">
        <Input placeholder={t('audit.action')} allowClear style={{ width: 150 }} data-testid="audit-action" />
      </Form.Item>
      <Form.Item name="actorId">
        <Select
          placeholder={t('audit.actor')}
          options={actorOptions}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: 200 }}
          data-testid="audit-actor"
        />
      </Form.Item>
      <Form.Item name="targetType">
        <Input placeholder={t('audit.targetType')} allowClear style={{ width: 140 }} />
      </Form.Item>
      <Form.Item name="range">
        <DatePicker.RangePicker />
      </Form.Item>
      <FilterButtons
        applyTestId="audit-apply"
        onReset={() => {
          form.resetFields();
          onChange({});
        }}
      />
    </Form>
  );
}
