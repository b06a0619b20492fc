/**
 * One value per process, shared by every copy of a module: the server entry (run by Node), the
 * production server build and Vite's dev module graph (re-evaluated on every change) all see the
 * same ORM, configuration and logger through `globalThis`.
 */
export function singleton<T>(name: string, create: () => T): T {
  const store = ((globalThis as { __rmSingletons?: Map<string, unknown> }).__rmSingletons ??= new Map());
  if (!store.has(name)) store.set(name, create());
  return store.get(name) as T;
}
