/** Lookups built in one pass over the stack, so that a stack policy does not scan it once per resource. */

/** The items of `list` under every key `keysOf` gives each (undefined keys left out), in list order. */
export function groupBy<T, K>(list: Iterable<T>, keysOf: (item: T) => (K | undefined)[]): Map<K, T[]> {
    const groups = new Map<K, T[]>();
    for (const item of list) {
        for (const key of keysOf(item)) {
            if (key === undefined) continue;
            const group = groups.get(key);
            if (group) group.push(item);
            else groups.set(key, [item]);
        }
    }
    return groups;
}

/** The first item of `list` under each key `keysOf` gives it. */
export function firstBy<T, K>(list: Iterable<T>, keysOf: (item: T) => (K | undefined)[]): Map<K, T> {
    return new Map([...groupBy(list, keysOf)].map(([key, items]) => [key, items[0]]));
}
