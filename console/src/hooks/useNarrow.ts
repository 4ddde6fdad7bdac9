import { Grid } from 'antd';

/**
 * A phone's width (below antd's md breakpoint, 768 px): a card's header then has room for its
 * title only, so its controls move into the card.
 */
export function useNarrow(): boolean {
  return Grid.useBreakpoint().md === false;
}
