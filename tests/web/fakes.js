// Fakes the web suites share.
'use strict'

// A localStorage of `limit` characters in all, throwing as Chromium does past it.
function fakeStorage(limit = Infinity) {
  const items = new Map()
  return {
    items,
    get length() { return items.size },
    key: (i) => [...items.keys()][i] ?? null,
    getItem: (k) => items.has(k) ? items.get(k) : null,
    setItem(k, v) {
      let size = k.length + String(v).length
      for (const [key, value] of items) if (key !== k) size += key.length + value.length
      if (size > limit) throw new DOMException(`Failed to execute 'setItem' on 'Storage': Setting the value of '${k}' exceeded the quota.`, 'QuotaExceededError')
      items.set(k, String(v))
    },
    removeItem: (k) => items.delete(k),
  }
}

module.exports = { fakeStorage }
