import { PlusOutlined } from '@ant-design/icons';
import { Form, Input, InputNumber, Radio, Select } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import { PLATFORMS, type Group, type GroupKind, type Platform } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

interface Values {
  kind: GroupKind;
  name: string;
  valueStatement?: string;
  description?: string;
  welcomeText?: string;
  capacity?: number | null;
  platform?: Platform;
  joinUrl?: string;
}

type Props = { memberCap: number | undefined; onSaved: () => void } & ({ group?: undefined; open?: never; onClose?: never } | { group: Group; open: boolean; onClose: () => void });

/** "Create group" (its own button) or "Edit group" (opened by a row's Edit button). */
export function GroupFormModal(props: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const { group, memberCap, onSaved } = props;

  const submit = async (values: Values) => {
    const body: Record<string, unknown> = {
      name: values.name.trim(),
      valueStatement: values.valueStatement ?? '',
      description: values.description ?? '',
      welcomeText: values.welcomeText ?? '',
    };
    if (values.capacity != null) body.capacity = values.capacity;
    const kind = group?.kind ?? values.kind;
    if (kind === 'external') {
      if (values.platform) body.platform = values.platform;
      const joinUrl = values.joinUrl?.trim();
      if (joinUrl) body.joinUrl = joinUrl;
      else if (group) body.joinUrl = null;
    }
    if (group) await api.patch(workspacePath(workspace.id, 'groups', group.id), body);
    else await api.post(workspacePath(workspace.id, 'groups'), { kind, ...body });
    onSaved();
  };

  const initialValues: Partial<Values> = group
    ? {
        kind: group.kind,
        name: group.name,
        valueStatement: group.valueStatement,
        description: group.description,
        welcomeText: group.welcomeText,
        capacity: group.capacity,
        platform: group.platform ?? undefined,
        joinUrl: group.joinUrl ?? undefined,
      }
    : { kind: 'hosted' };
  const opening = group ? { open: props.open, onClose: props.onClose } : { trigger: { icon: <PlusOutlined />, primary: true, testId: 'group-create' } };

  return (
    <FormModal<Values>
      {...opening}
      title={t(group ? 'groups.edit' : 'groups.create')}
      okText={t(group ? 'action.save' : 'action.create')}
      onSubmit={submit}
      initialValues={initialValues}
      submitTestId="group-submit"
      width={600}
    >
      <Form.Item name="kind" label={t('groups.kind')} extra={t('groups.kindHint')}>
        <Radio.Group disabled={Boolean(group)} data-testid="group-kind">
          <Radio.Button value="hosted" data-testid="group-kind-hosted">{t('groups.kind.hosted')}</Radio.Button>
          <Radio.Button value="external" data-testid="group-kind-external">{t('groups.kind.external')}</Radio.Button>
        </Radio.Group>
      </Form.Item>
      <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 80 }]}>
        <Input data-testid="group-name" />
      </Form.Item>
      <Form.Item name="valueStatement" label={t('groups.valueStatement')} extra={t('groups.valueStatementHint')} rules={[{ max: 200 }]}>
        <Input placeholder={t('groups.valueStatementPlaceholder')} data-testid="group-value" />
      </Form.Item>
      <Form.Item name="description" label={t('common.description')} rules={[{ max: 2000 }]}>
        <Input.TextArea rows={2} data-testid="group-description" />
      </Form.Item>
      <Form.Item name="welcomeText" label={t('groups.welcomeText')} extra={t('groups.welcomeTextHint')} rules={[{ max: 2000 }]}>
        <Input.TextArea rows={2} data-testid="group-welcome" />
      </Form.Item>
      <Form.Item
        name="capacity"
        label={t('groups.capacity')}
        extra={memberCap === undefined ? undefined : t('groups.capacityHint', { cap: memberCap })}
        rules={[{ type: 'number', min: 1, max: memberCap }]}
      >
        <InputNumber min={1} max={memberCap} precision={0} placeholder={memberCap === undefined ? undefined : String(memberCap)} style={{ width: 200 }} data-testid="group-capacity" />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: Values, b: Values) => a.kind !== b.kind}>
        {({ getFieldValue }) =>
          (group?.kind ?? getFieldValue('kind')) === 'external' && (
            <>
              <Form.Item name="platform" label={t('groups.platform')} rules={[{ required: true }]}>
                <Select options={PLATFORMS.map((p) => ({ value: p, label: t(`platform.${p}`) }))} data-testid="group-platform" />
              </Form.Item>
              <Form.Item name="joinUrl" label={t('groups.joinUrl')} rules={[{ type: 'url' }, { pattern: /^https?:\/\//, message: 'http(s)://…' }]}>
                <Input placeholder="https://" data-testid="group-join-url" />
              </Form.Item>
            </>
          )
        }
      </Form.Item>
    </FormModal>
  );
}
