// Clients are created once per process and survive dev-server rebuilds (Epic Stack's remember()).
export function singleton<T>(name: string, create: () => T): T {
	const store = globalThis as unknown as { __yiyangSingletons?: Map<string, unknown> }
	store.__yiyangSingletons ??= new Map()
	if (!store.__yiyangSingletons.has(name)) store.__yiyangSingletons.set(name, create())
	return store.__yiyangSingletons.get(name) as T
}
