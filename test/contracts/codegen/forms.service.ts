import { Rpc, Service } from 'wservice';

/** Type forms a generated client must spell in TypeScript and in Python. */

export interface Tree {
  label: string;
  children?: Tree[];
}

export interface Labelled {
  'content-type': string;
  class: 'a' | 'b';
}

/** Shapes that are awkward for generated code. */
@Service('forms')
export class FormsService {
  /** Optional, then required: a default before a required parameter. */
  @Rpc()
  scale(factor: number = 2, value: number): number {
    return factor * value;
  }

  @Rpc()
  sum(first: number, ...rest: number[]): number {
    return rest.reduce((a, b) => a + b, first);
  }

  @Rpc()
  depth(tree: Tree): number {
    return 1 + Math.max(0, ...(tree.children ?? []).map((c) => this.depth(c)));
  }

  @Rpc()
  label(item: Labelled, tags: Record<string, number>, pair: [string, number?]): string {
    return `${item['content-type']}/${item.class}/${Object.keys(tags).length}/${pair[0]}`;
  }

  @Rpc()
  when(at: Date, id: bigint | null, kind: 'x' | 1 | true): string {
    return `${at.toISOString()} ${String(id)} ${String(kind)}`;
  }

  @Rpc('forms.renamed')
  keyword(from: string, { lambda, yield: y = 0 }: { lambda: string; yield?: number }): string {
    return `${from}:${lambda}:${y}`;
  }
}
