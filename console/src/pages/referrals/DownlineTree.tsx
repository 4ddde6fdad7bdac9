import { Alert, Button, Space, Tree, Typography } from 'antd';
import type { TreeDataNode } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { Downline } from '../../api/types.ts';
import { describeError } from '../../feedback.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { useMoney } from '../rewards/money.ts';
import { PartyLink } from './PartyLink.tsx';

type Person = Downline['items'][number];
const PAGE = 50;

interface Loaded {
  items: Person[];
  nextCursor: string | null;
}

/**
 * A person's downline as a tree: their direct invitees, and under each of those theirs, loaded
 * level by level as it is expanded (each node is that person's own first downline level), down to
 * the workspace's referral depth. Long levels load 50 at a time behind a "more" node.
 */
export function DownlineTree({ root, depth, currency }: { root: string; depth: number; currency: string }) {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const money = useMoney(currency);
  const [loaded, setLoaded] = useState<Map<string, Loaded>>(new Map());
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (party: string, cursor: string | null) => {
      setError(null);
      try {
        const page = await api.get<Downline>(workspacePath(workspace.id, 'referrals', party, 'downline'), { level: 1, limit: PAGE, cursor });
        setLoaded((current) => {
          const next = new Map(current);
          const before = cursor ? (current.get(party)?.items ?? []) : [];
          next.set(party, { items: [...before, ...page.items], nextCursor: page.nextCursor });
          return next;
        });
      } catch (failure) {
        setError(failure);
      }
    },
    [workspace.id],
  );

  useEffect(() => {
    setLoaded(new Map());
    void load(root, null);
  }, [root, load]);

  const nodesOf = (party: string, level: number): TreeDataNode[] => {
    const page = loaded.get(party);
    if (!page) return [];
    const nodes: TreeDataNode[] = page.items.map((person) => {
      const leaf = person.invitees === 0 || level >= depth;
      return {
        key: person.party.key,
        isLeaf: leaf,
        children: loaded.has(person.party.key) ? nodesOf(person.party.key, level + 1) : undefined,
        title: (
          <Space size={8} wrap data-testid={`tree-node-${person.party.key}`}>
            <PartyLink type={person.party.type} id={person.party.id} name={person.party.displayName} />
            <Typography.Text type="secondary">
              {t('referrals.nodeFacts', {
                level,
                invitees: person.invitees,
                purchases: person.purchases.count,
                amount: money(person.purchases.netAmount),
                time: formatTime(person.referredAt),
              })}
            </Typography.Text>
          </Space>
        ),
      };
    });
    if (page.nextCursor) {
      nodes.push({
        key: `more:${party}`,
        isLeaf: true,
        selectable: false,
        title: (
          <Button size="small" type="link" onClick={() => void load(party, page.nextCursor)}>
            {t('action.loadMore')}
          </Button>
        ),
      });
    }
    return nodes;
  };

  const rootLoaded = loaded.get(root);
  if (error !== null) return <Alert type="error" showIcon title={describeError(error, t)} />;
  if (rootLoaded && rootLoaded.items.length === 0) return <Typography.Text type="secondary">{t('referrals.noDownline')}</Typography.Text>;
  return (
    <Tree
      showLine
      blockNode
      treeData={nodesOf(root, 1)}
      // A node's children are its own first level: fetched on first expansion.
      loadData={(node) => (loaded.has(String(node.key)) ? Promise.resolve() : load(String(node.key), null))}
      data-testid="downline-tree"
    />
  );
}
