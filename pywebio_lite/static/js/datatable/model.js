/**
 * The datatable's data, kept by column, and the row order the grid shows (filter, then sort).
 *
 * Rows arrive as arrays of values in field order (docs/protocol.md, datatable); each value is
 * pushed onto its column's array, so a million rows cost ten plain arrays, not a million objects.
 * A row is known by its physical index `r` (its place in those arrays) and by its id (from the
 * id_field, or its index when the table has none).
 *
 * Sorting and filtering run on typed keys computed once per column and reused until the data
 * changes: a Float64Array for number columns, lower-case strings for text columns.
 */

/** The text a value shows as (cells, filters, the cell content bar). */
export function toText(value) {
  if (value == null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Is this column's data numbers? (every non-null value of a sample is a number) */
export function looksNumeric(values, from = 0) {
  let seen = 0;
  for (let r = from; r < values.length && seen < 500; r++) {
    const v = values[r];
    if (v == null) continue;
    if (typeof v !== 'number') return false;
    seen++;
  }
  return seen > 0;
}

/**
 * Parse what a person types into a filter box. Text: `abc` contains, `=abc` equals,
 * `^abc` starts with, `!abc` does not contain. Numbers: `5` or `=5`, `!=5`, `>5`, `>=5`, `<5`,
 * `<=5`, and `2..8` (between, inclusive). Returns null for an empty box.
 */
export function parseFilter(text, numeric) {
  const raw = String(text ?? '').trim();
  if (!raw) return null;
  if (numeric) {
    const range = /^(-?\d*\.?\d+(?:e[+-]?\d+)?)\s*\.\.\s*(-?\d*\.?\d+(?:e[+-]?\d+)?)$/i.exec(raw);
    if (range) return { op: 'between', a: Number(range[1]), b: Number(range[2]) };
    const cmp = /^(>=|<=|!=|=|>|<)?\s*(-?\d*\.?\d+(?:e[+-]?\d+)?)$/i.exec(raw);
    if (cmp) return { op: cmp[1] || '=', a: Number(cmp[2]) };
  }
  const ops = { '=': 'equals', '^': 'starts', '!': 'excludes' };
  const op = ops[raw[0]];
  const needle = (op ? raw.slice(1) : raw).toLowerCase();
  return { op: op || 'contains', text: needle };
}

const NUM_TESTS = {
  '=': (v, f) => v === f.a,
  '!=': (v, f) => v !== f.a,
  '>': (v, f) => v > f.a,
  '>=': (v, f) => v >= f.a,
  '<': (v, f) => v < f.a,
  '<=': (v, f) => v <= f.a,
  between: (v, f) => v >= Math.min(f.a, f.b) && v <= Math.max(f.a, f.b),
};
const TEXT_TESTS = {
  contains: (s, f) => s.includes(f.text),
  equals: (s, f) => s === f.text,
  starts: (s, f) => s.startsWith(f.text),
  excludes: (s, f) => !s.includes(f.text),
};

export class Store {
  /** `fieldCount` columns of raw values; `valueOf(col, r)` may be overridden (valueGetter). */
  constructor(fieldCount) {
    this.cols = Array.from({ length: fieldCount }, () => []);
    this.ids = [];
    this.nextId = 0;      // the next default id (row index ids grow from the largest one)
    this.version = 0;     // bumped on every change; caches compare against it
    this.keyCache = new Map();
    this.idIndex = null;  // id -> r, built when needed
  }

  get size() { return this.ids.length; }

  changed() {
    this.version++;
    this.keyCache.clear();
    this.idIndex = null;
  }

  /** Append rows (arrays in field order); `ids` null means default ids (0, 1, 2...). */
  append(rows, ids) {
    const cols = this.cols;
    const nf = cols.length;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] || [];
      for (let f = 0; f < nf; f++) cols[f].push(row[f] ?? null);
      this.ids.push(this.takeId(ids ? ids[i] : undefined));
    }
    this.changed();
  }

  takeId(id) {
    if (id !== undefined) {
      if (typeof id === 'number' && id >= this.nextId) this.nextId = Math.floor(id) + 1;
      return id;
    }
    return this.nextId++;
  }

  /** Replace everything. */
  reset(rows, ids) {
    this.cols = this.cols.map(() => []);
    this.ids = [];
    this.nextId = 0;
    this.append(rows, ids);
  }

  /** Insert rows before physical index `at`. */
  insert(at, rows, ids) {
    // slice + concat, not splice(...rows): a spread of many rows would overflow the argument limit
    const put = (list, values) => list.slice(0, at).concat(values, list.slice(at));
    this.cols = this.cols.map((col, f) => put(col, rows.map((row) => row[f] ?? null)));
    this.ids = put(this.ids, rows.map((_, i) => this.takeId(ids ? ids[i] : undefined)));
    this.changed();
  }

  /** Remove the rows at these physical indices. */
  remove(indices) {
    const drop = new Set(indices);
    const keep = (_, r) => !drop.has(r);
    this.cols = this.cols.map((col) => col.filter(keep));
    this.ids = this.ids.filter(keep);
    this.changed();
  }

  setRow(r, row) {
    this.cols.forEach((col, f) => { col[r] = row[f] ?? null; });
    this.changed();
  }

  setValue(r, f, value) {
    this.cols[f][r] = value;
    this.changed();
  }

  /** Physical index of a row id (ids compare as JSON values: 3 and "3" are different), or -1. */
  indexOf(id) {
    if (!this.idIndex) {
      this.idIndex = new Map();
      this.ids.forEach((value, r) => this.idIndex.set(value, r));
    }
    return this.idIndex.get(id) ?? -1;
  }

  /** The sort/filter key array of a column: {num: Float64Array} or {text: string[]}. */
  keys(col, valueOf) {
    const cached = this.keyCache.get(col.index);
    if (cached) return cached;
    const n = this.size;
    let keys;
    if (col.numeric) {
      const num = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const v = valueOf(col, r);
        num[r] = v == null || v === '' ? NaN : Number(v);
      }
      keys = { num };
    } else {
      const text = new Array(n);
      for (let r = 0; r < n; r++) text[r] = toText(valueOf(col, r)).toLowerCase();
      keys = { text };
    }
    this.keyCache.set(col.index, keys);
    return keys;
  }

  /**
   * The row order to show: physical indices passing every filter, sorted by `sortModel`
   * ([{col, dir: 1|-1}], first = most important). null means "every row, in order".
   */
  view(filters, sortModel, valueOf) {
    const n = this.size;
    if (!filters.length && !sortModel.length) return null;
    let idx = new Int32Array(n);
    for (let r = 0; r < n; r++) idx[r] = r;
    for (const { col, filter } of filters) {
      const keys = this.keys(col, valueOf);
      const out = new Int32Array(idx.length);
      let m = 0;
      if (keys.num && filter.a !== undefined) {
        const test = NUM_TESTS[filter.op];
        const num = keys.num;
        for (let i = 0; i < idx.length; i++) { const r = idx[i]; if (test(num[r], filter)) out[m++] = r; }
      } else {
        const test = TEXT_TESTS[filter.op] || TEXT_TESTS.contains;
        const text = keys.text || this.textKeys(col, valueOf);
        const f = filter.text !== undefined ? filter : { op: 'contains', text: String(filter.a) };
        for (let i = 0; i < idx.length; i++) { const r = idx[i]; if (test(text[r], f)) out[m++] = r; }
      }
      idx = out.subarray(0, m);
    }
    if (sortModel.length) idx = this.sorted(idx, sortModel, valueOf);
    return idx;
  }

  /** Lower-case text keys even for a number column (a text filter typed into it). */
  textKeys(col, valueOf) {
    const n = this.size;
    const text = new Array(n);
    for (let r = 0; r < n; r++) text[r] = toText(valueOf(col, r)).toLowerCase();
    return text;
  }

  sorted(idx, sortModel, valueOf) {
    const parts = sortModel.map(({ col, dir }) => {
      if (col.comparator) {
        return (a, b) => dir * (Number(col.comparator(valueOf(col, a), valueOf(col, b), null, null, dir < 0)) || 0);
      }
      const keys = this.keys(col, valueOf);
      if (keys.num) {
        const num = keys.num;
        // empty values (NaN) first when ascending, like ag-grid
        return (a, b) => {
          const x = num[a], y = num[b];
          if (x === y) return 0;
          if (x !== x) return y !== y ? 0 : -dir;
          if (y !== y) return dir;
          return x < y ? -dir : dir;
        };
      }
      const text = keys.text;
      return (a, b) => {
        const x = text[a], y = text[b];
        return x === y ? 0 : x < y ? -dir : dir;
      };
    });
    const out = Int32Array.from(idx);
    if (parts.length === 1) {
      const cmp = parts[0];
      out.sort((a, b) => cmp(a, b) || a - b);
    } else {
      out.sort((a, b) => {
        for (const cmp of parts) { const c = cmp(a, b); if (c) return c; }
        return a - b;
      });
    }
    return out;
  }
}
