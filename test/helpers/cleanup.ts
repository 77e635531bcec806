/**
 * Per-test cleanup in reverse order of creation: processes started inside a temp dir are
 * stopped before the dir is removed. (node:test runs `t.after` hooks first-registered-first.)
 */
type Cleanup = () => void | Promise<void>;
type Owner = { after(fn: () => void | Promise<void>): void };

const stacks = new WeakMap<Owner, Cleanup[]>();

export function defer(t: Owner, cleanup: Cleanup): void {
  let stack = stacks.get(t);
  if (stack === undefined) {
    const created: Cleanup[] = [];
    stack = created;
    stacks.set(t, created);
    t.after(async () => {
      const errors: unknown[] = [];
      while (created.length > 0) {
        try {
          await created.pop()!();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
    });
  }
  stack.push(cleanup);
}
