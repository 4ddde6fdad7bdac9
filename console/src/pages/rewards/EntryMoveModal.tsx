import { Form, Input } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { RewardEntry } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

interface Props {
  entry: RewardEntry;
  /** pay (with an optional payment reference) or reverse (with an optional reason). */
  move: 'pay' | 'reverse';
  amount: string;
  onClose: () => void;
  onMoved: (entry: RewardEntry) => void;
}

/** Paying or reversing one ledger entry, both final: the question, and what to keep with the entry. */
export function EntryMoveModal({ entry, move, amount, onClose, onMoved }: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const field = move === 'pay' ? 'reference' : 'reason';
  const submit = async (values: { text?: string }) => {
    const text = values.text?.trim();
    onMoved(await api.post<RewardEntry>(workspacePath(workspace.id, 'rewards', entry.id, move), text ? { [field]: text } : {}));
  };
  return (
    <FormModal<{ text?: string }>
      open
      onClose={onClose}
      title={t(move === 'pay' ? 'rewards.payTitle' : 'rewards.reverseTitle', { amount })}
      okText={t(move === 'pay' ? 'rewards.pay' : 'rewards.reverse')}
      onSubmit={submit}
      submitTestId={`entry-${move}-ok`}
    >
      <p>{t(move === 'pay' ? 'rewards.payConfirm' : 'rewards.reverseConfirm')}</p>
      <Form.Item name="text" label={t(move === 'pay' ? 'rewards.reference' : 'rewards.reason')} rules={[{ max: move === 'pay' ? 200 : 500 }]}>
        <Input data-testid={`entry-${move}-text`} />
      </Form.Item>
    </FormModal>
  );
}
