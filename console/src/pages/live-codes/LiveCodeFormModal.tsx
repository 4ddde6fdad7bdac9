import { PlusOutlined } from '@ant-design/icons';
import { Checkbox, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import { ROUTING_RULES, type CodeTags, type GroupTemplate, type LiveCode, type Page, type PlanLimits, type RoutingRule, type StaffMember } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { CodeTagFields, cleanTags } from '../codes/CodeTagFields.tsx';
import { useGroups } from '../codes/useGroups.ts';
import { NullableNumber } from '../plan/NullableNumber.tsx';

/** The seed's defaults for link entries: a WeChat group stops admitting by scan near 200, its QR lives 7 days. */
const DEFAULT_SCAN_THRESHOLD = 200;
const DEFAULT_ENTRY_VALIDITY_HOURS = 168;

interface TemplateValues {
  namePattern?: string;
  description?: string;
  valueStatement?: string;
  welcomeText?: string;
  capacity?: number | null;
  adminIds?: string[];
}

interface Values {
  name: string;
  rule: RoutingRule;
  groups?: string[];
  tags?: CodeTags;
  useTemplate: boolean;
  template?: TemplateValues;
  nextGroupNumber?: number;
  scanThreshold: number;
  entryValidityHours: number | null;
}

type Props = { limits: PlanLimits | undefined; onSaved: (liveCode: LiveCode) => void } & (
  | { liveCode?: undefined; open?: never; onClose?: never }
  | { liveCode: LiveCode; open: boolean; onClose: () => void }
);

/** The template as the API takes it: empty texts left out; an avatar set through the API is kept. */
function templateBody(values: TemplateValues, previous: GroupTemplate | null): GroupTemplate {
  const template: GroupTemplate = { namePattern: (values.namePattern ?? '').trim() };
  for (const key of ['description', 'valueStatement', 'welcomeText'] as const) {
    const text = values[key]?.trim();
    if (text) template[key] = text;
  }
  if (values.capacity != null) template.capacity = values.capacity;
  if (values.adminIds?.length) template.adminIds = values.adminIds;
  if (previous?.avatar) template.avatar = previous.avatar;
  return template;
}

/** Staff of the workspace (the first 200), the people a template can make admins of new groups. */
function useStaff(workspaceId: string) {
  const path = workspacePath(workspaceId, 'staff');
  return useResource(`${path}#all`, () => api.get<Page<StaffMember>>(path, { limit: 200 }));
}

/**
 * "Create live code" (its own button: name, rule, first hosted groups, tags, template, entry
 * defaults) or "Edit pool rules" of one (rule, template, next group number, entry defaults). Rules
 * that contradict each other come back as 422 contradictory_pool_rules, shown above the form.
 */
export function LiveCodeFormModal(props: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const { liveCode, limits, onSaved } = props;
  const groups = useGroups(workspace.id);
  const staff = useStaff(workspace.id);
  const memberCap = limits?.memberCapPerGroup;

  const submit = async (values: Values) => {
    const template = values.useTemplate && values.template ? templateBody(values.template, liveCode?.template ?? null) : null;
    const rules: Record<string, unknown> = { rule: values.rule, scanThreshold: values.scanThreshold, entryValidityHours: values.entryValidityHours };
    if (liveCode) {
      rules.template = template;
      if (template && values.nextGroupNumber !== undefined && values.nextGroupNumber !== liveCode.nextGroupNumber) rules.nextGroupNumber = values.nextGroupNumber;
      onSaved(await api.patch<LiveCode>(workspacePath(workspace.id, 'live-codes', liveCode.id), rules));
      return;
    }
    const body: Record<string, unknown> = { name: values.name.trim(), ...rules, tags: cleanTags(values.tags) };
    if (template) body.template = template;
    if (values.groups?.length) body.groups = values.groups.map((groupId) => ({ groupId }));
    onSaved(await api.post<LiveCode>(workspacePath(workspace.id, 'live-codes'), body));
  };

  const initialValues: Partial<Values> = liveCode
    ? {
        rule: liveCode.rule,
        useTemplate: liveCode.template !== null,
        template: liveCode.template ? { ...liveCode.template, capacity: liveCode.template.capacity ?? null } : {},
        nextGroupNumber: liveCode.nextGroupNumber,
        scanThreshold: liveCode.scanThreshold,
        entryValidityHours: liveCode.entryValidityHours,
      }
    : { rule: 'fill_in_order', useTemplate: false, template: {}, tags: {}, scanThreshold: DEFAULT_SCAN_THRESHOLD, entryValidityHours: DEFAULT_ENTRY_VALIDITY_HOURS };
  const opening = liveCode ? { open: props.open, onClose: props.onClose } : { trigger: { icon: <PlusOutlined />, primary: true, testId: 'live-code-create' } };
  const hostedGroups = (groups.data?.items ?? []).filter((g) => g.kind === 'hosted' && g.status === 'active');

  return (
    <FormModal<Values>
      {...opening}
      title={t(liveCode ? 'liveCodes.editRules' : 'liveCodes.create')}
      okText={t(liveCode ? 'action.save' : 'action.create')}
      onSubmit={submit}
      initialValues={initialValues}
      submitTestId="live-code-submit"
      width={760}
    >
      {!liveCode && (
        <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 80 }]}>
          <Input data-testid="live-code-name" />
        </Form.Item>
      )}
      <Form.Item name="rule" label={t('liveCodes.rule')} rules={[{ required: true }]}>
        <Radio.Group data-testid="live-code-rule">
          <Space direction="vertical">
            {ROUTING_RULES.map((rule) => (
              <Radio key={rule} value={rule} data-testid={`live-code-rule-${rule}`}>
                {t(`liveCodes.rule.${rule}`)} <Typography.Text type="secondary">— {t(`liveCodes.ruleHint.${rule}`)}</Typography.Text>
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </Form.Item>
      {!liveCode && (
        <Form.Item name="groups" label={t('liveCodes.firstGroups')} extra={t('liveCodes.firstGroupsHint')}>
          <Select
            mode="multiple"
            allowClear
            loading={!groups.data && !groups.error}
            showSearch={{ optionFilterProp: 'label' }}
            options={hostedGroups.map((g) => ({ value: g.id, label: g.name }))}
            data-testid="live-code-groups"
          />
        </Form.Item>
      )}
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="scanThreshold" label={t('liveCodes.scanThreshold')} extra={t('liveCodes.scanThresholdHint')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100_000_000} precision={0} style={{ width: 160 }} data-testid="live-code-threshold" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="entryValidityHours" label={t('liveCodes.entryValidity')} extra={t('liveCodes.entryValidityHint')}>
            <NullableNumber nullLabel={t('liveCodes.noExpiry')} testId="live-code-validity" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="useTemplate" valuePropName="checked" extra={t('liveCodes.templateHint')}>
        <Checkbox data-testid="live-code-template-toggle">{t('liveCodes.useTemplate')}</Checkbox>
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: Values, b: Values) => a.useTemplate !== b.useTemplate}>
        {({ getFieldValue }) =>
          getFieldValue('useTemplate') && (
            <>
              <Row gutter={16}>
                <Col xs={24} md={liveCode ? 16 : 24}>
                  <Form.Item
                    name={['template', 'namePattern']}
                    label={t('liveCodes.namePattern')}
                    extra={t('liveCodes.namePatternHint')}
                    rules={[{ required: true, min: 3, max: 70 }, { pattern: /\{n\}/, message: t('liveCodes.namePatternNeedsN') }]}
                  >
                    <Input placeholder={t('liveCodes.namePatternPlaceholder')} data-testid="live-code-template-pattern" />
                  </Form.Item>
                </Col>
                {liveCode && (
                  <Col xs={24} md={8}>
                    <Form.Item name="nextGroupNumber" label={t('liveCodes.nextGroupNumber')}>
                      <InputNumber min={1} max={1_000_000} precision={0} style={{ width: '100%' }} data-testid="live-code-next-number" />
                    </Form.Item>
                  </Col>
                )}
              </Row>
              <Form.Item name={['template', 'valueStatement']} label={t('groups.valueStatement')} extra={t('groups.valueStatementHint')} rules={[{ max: 200 }]}>
                <Input placeholder={t('groups.valueStatementPlaceholder')} data-testid="live-code-template-value" />
              </Form.Item>
              <Form.Item name={['template', 'description']} label={t('common.description')} rules={[{ max: 2000 }]}>
                <Input.TextArea rows={2} data-testid="live-code-template-description" />
              </Form.Item>
              <Form.Item name={['template', 'welcomeText']} label={t('groups.welcomeText')} extra={t('groups.welcomeTextHint')} rules={[{ max: 2000 }]}>
                <Input.TextArea rows={2} data-testid="live-code-template-welcome" />
              </Form.Item>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Form.Item
                    name={['template', 'capacity']}
                    label={t('groups.capacity')}
                    extra={memberCap === undefined ? undefined : t('groups.capacityHint', { cap: memberCap })}
                  >
                    <InputNumber min={1} max={memberCap} precision={0} placeholder={memberCap === undefined ? undefined : String(memberCap)} style={{ width: '100%' }} data-testid="live-code-template-capacity" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <Form.Item name={['template', 'adminIds']} label={t('liveCodes.templateAdmins')} extra={t('liveCodes.templateAdminsHint')}>
                    <Select
                      mode="multiple"
                      allowClear
                      loading={!staff.data && !staff.error}
                      showSearch={{ optionFilterProp: 'label' }}
                      options={(staff.data?.items ?? []).map((s) => ({ value: s.staffId, label: `${s.displayName} <${s.email}>` }))}
                      data-testid="live-code-template-admins"
                    />
                  </Form.Item>
                </Col>
              </Row>
            </>
          )
        }
      </Form.Item>
      {!liveCode && <CodeTagFields />}
    </FormModal>
  );
}
