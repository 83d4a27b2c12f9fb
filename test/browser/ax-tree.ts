// Chromium's accessibility tree (CDP Accessibility.getFullAXTree), what a screen reader is given: which nodes
// it exposes, by role and name, and which it skips (ignored).
import type { Page } from 'playwright-core';

export interface AxNode {
  readonly role: string;
  readonly name: string;
  /** The exposed nodes under this one, skipping ignored ones as a screen reader does. */
  readonly children: readonly AxNode[];
}

/** The page's exposed accessibility tree, from its root. */
export async function accessibilityTree(page: Page): Promise<AxNode> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree', {});
  await cdp.detach();
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  const exposed = (id: string): AxNode[] => {
    const node = byId.get(id);
    if (node === undefined) return [];
    const children = (node.childIds ?? []).flatMap(exposed);
    if (node.ignored) return children;
    return [{ role: `${node.role?.value ?? ''}`, name: `${node.name?.value ?? ''}`, children }];
  };
  const [root] = exposed(nodes[0]?.nodeId ?? '');
  if (root === undefined) throw new Error('Chromium exposed no accessibility tree');
  return root;
}

/** Every exposed node under `root` (itself included) that `match` accepts, in tree order. */
export function findNodes(root: AxNode, match: (node: AxNode) => boolean): AxNode[] {
  return [...(match(root) ? [root] : []), ...root.children.flatMap((child) => findNodes(child, match))];
}
