package pg

// keyed holds values by slot (a table, an index) and key bytes, counting
// the keys it holds: the write cache's rows and Prefetch's lists.
type keyed[V any] struct {
	maps []map[string]V
	n    int
}

// get returns the value of key in slot, and whether there is one.
func (k *keyed[V]) get(slot int, key []byte) (V, bool) {
	var zero V
	if k.n == 0 || k.maps[slot] == nil {
		return zero, false
	}
	v, ok := k.maps[slot][string(key)]
	return v, ok
}

// at returns slot's map, made on first use; slots says how many there
// are.
func (k *keyed[V]) at(slot, slots int) map[string]V {
	if k.maps == nil {
		k.maps = make([]map[string]V, slots)
	}
	m := k.maps[slot]
	if m == nil {
		m = make(map[string]V)
		k.maps[slot] = m
	}
	return m
}

// put stores v as key's value in slot.
func (k *keyed[V]) put(slot, slots int, key []byte, v V) {
	m := k.at(slot, slots)
	if _, ok := m[string(key)]; !ok {
		k.n++
	}
	m[string(key)] = v
}

// drop forgets slot's values.
func (k *keyed[V]) drop(slot int) {
	if k.maps != nil && k.maps[slot] != nil {
		k.n -= len(k.maps[slot])
		clear(k.maps[slot])
	}
}

// clear forgets every value.
func (k *keyed[V]) clear() {
	if k.n == 0 {
		return
	}
	for _, m := range k.maps {
		clear(m)
	}
	k.n = 0
}
