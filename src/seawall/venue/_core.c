/* seawall.venue._core: the venue's matching core, compiled.
 *
 * The same rules as the pure-Python fast path (seawall/venue/engine.py), event for event and
 * message for message: the Python engine is the oracle and a Hypothesis test drives both with the
 * same random commands and compares every outcome and the state hash after every step. The books
 * live here in C (orders in a slot pool with intrusive doubly linked lists per price level, an
 * open-addressing map from order id to slot and from rank key to level, and a bucketed sorted
 * ladder of rank keys per side), so a command costs a few hash probes and the events it emits.
 *
 * Events and rejections are the venue's own msgspec classes (handed to the constructor), so a
 * caller cannot tell which engine produced them. Money and quantities are int64 (the venue's
 * limits keep every price, quantity, level total and quote below 2**63); products of a price and
 * a quantity are computed in 128 bits, as Python's unbounded ints would.
 *
 * Only the hot commands live here (PlaceOrder, CancelOrder, AmendOrder). Listing, halts and
 * restrictions are rare: the Python wrapper (seawall/venue/compiled.py) runs them on a Python
 * state and loads the result back with load_market/load_order.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

#define LONG_CACHE 1024 /* a power of two */
#define BY_ID_CAPACITY (1 << 16) /* slots the order-id map starts with (it doubles as it fills) */
#define EMPTY_KEY INT64_MIN
#define NIL (-1)
#define LADDER_LOAD 512

/* ---- codes shared with Python (the IntEnum values) ------------------------------------------ */
enum { BUY = 1, SELL = 2 };
enum { LIMIT = 1, MARKET = 2, LIMIT_MAKER = 3 };
enum { GTC = 1, IOC = 2, FOK = 3 };
enum { STP_NONE = 1, EXPIRE_TAKER = 2, EXPIRE_MAKER = 3, EXPIRE_BOTH = 4 };
enum { TRADING = 1, HALTED = 2 };
enum { X_IOC_REMAINDER = 0, X_STP_TAKER = 1, X_STP_MAKER = 2 };

/* Rejections, in the order of the names table given by the wrapper. */
enum {
    RJ_INVALID_ACCOUNT_ID, RJ_INVALID_CLIENT_ORDER_ID, RJ_INVALID_STP_GROUP,
    RJ_INVALID_TIME_IN_FORCE, RJ_NON_POSITIVE_QUANTITY, RJ_QUANTITY_ABOVE_MAX,
    RJ_INVALID_QUANTITY_SPEC, RJ_NON_POSITIVE_PRICE, RJ_PRICE_ABOVE_MAX, RJ_PRICE_NOT_ALLOWED,
    RJ_INVALID_ORDER_REFERENCE, RJ_UNKNOWN_MARKET, RJ_MARKET_HALTED, RJ_RESTRICTED_ACCOUNT,
    RJ_UNKNOWN_ORDER, RJ_DUPLICATE_CLIENT_ORDER_ID, RJ_OUTSIDE_PRICE_BAND,
    RJ_NOTIONAL_BELOW_MINIMUM, RJ_BOOK_FULL, RJ_POST_ONLY_WOULD_TAKE, RJ_FOK_CANNOT_FILL,
    RJ_NOTHING_TO_AMEND, RJ_AMEND_QUANTITY_NOT_ABOVE_FILLED, RJ_COUNT
};

/* The commands' fields, read straight from their msgspec slots (offsets found at init). */
enum { P_SYMBOL, P_ACCOUNT, P_SIDE, P_TYPE, P_TIF, P_PRICE, P_QTY, P_QUOTE, P_COID, P_STP,
       P_GROUP, P_NFIELDS };
static const char *const PLACE_FIELDS[P_NFIELDS] = {
    "symbol", "account_id", "side", "order_type", "time_in_force", "price_ticks",
    "quantity_lots", "quote_quantity_tick_lots", "client_order_id", "stp_mode", "stp_group"};
enum { C_SYMBOL, C_ACCOUNT, C_ORDER_ID, C_COID, C_NFIELDS };
static const char *const CANCEL_FIELDS[C_NFIELDS] = {"symbol", "account_id", "order_id",
                                                     "client_order_id"};
enum { A_SYMBOL, A_ACCOUNT, A_ORDER_ID, A_COID, A_PRICE, A_QTY, A_NFIELDS };
static const char *const AMEND_FIELDS[A_NFIELDS] = {"symbol", "account_id", "order_id",
                                                    "client_order_id", "price_ticks",
                                                    "quantity_lots"};

/* ---- int64 -> int32 open-addressing map (linear probing, backward-shift delete) ------------- */
typedef struct {
    int64_t *keys;
    int32_t *vals;
    size_t cap; /* a power of two */
    size_t len;
} IntMap;

static inline size_t im_slot(const IntMap *m, int64_t key) {
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 17) & (m->cap - 1);
}

static int im_init(IntMap *m, size_t cap) {
    m->cap = cap;
    m->len = 0;
    m->keys = PyMem_Malloc(cap * sizeof(int64_t));
    m->vals = PyMem_Malloc(cap * sizeof(int32_t));
    if (!m->keys || !m->vals) return -1;
    for (size_t i = 0; i < cap; i++) m->keys[i] = EMPTY_KEY;
    return 0;
}

static void im_free(IntMap *m) {
    PyMem_Free(m->keys);
    PyMem_Free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->len = 0;
}

static inline int32_t im_get(const IntMap *m, int64_t key) {
    size_t mask = m->cap - 1;
    for (size_t i = im_slot(m, key);; i = (i + 1) & mask) {
        int64_t k = m->keys[i];
        if (k == key) return m->vals[i];
        if (k == EMPTY_KEY) return NIL;
    }
}

static int im_put(IntMap *m, int64_t key, int32_t val);

static int im_grow(IntMap *m) {
    IntMap bigger;
    if (im_init(&bigger, m->cap * 2) < 0) {
        im_free(&bigger);
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] != EMPTY_KEY) im_put(&bigger, m->keys[i], m->vals[i]);
    im_free(m);
    *m = bigger;
    return 0;
}

/* Insert or overwrite. */
static int im_put(IntMap *m, int64_t key, int32_t val) {
    if ((m->len + 1) * 4 > m->cap * 3 && im_grow(m) < 0) return -1;
    size_t mask = m->cap - 1;
    for (size_t i = im_slot(m, key);; i = (i + 1) & mask) {
        int64_t k = m->keys[i];
        if (k == key) {
            m->vals[i] = val;
            return 0;
        }
        if (k == EMPTY_KEY) {
            m->keys[i] = key;
            m->vals[i] = val;
            m->len++;
            return 0;
        }
    }
}

static void im_del(IntMap *m, int64_t key) {
    size_t mask = m->cap - 1;
    size_t i = im_slot(m, key);
    while (m->keys[i] != key) {
        if (m->keys[i] == EMPTY_KEY) return;
        i = (i + 1) & mask;
    }
    /* backward shift: pull later members of the probe run into the hole */
    size_t hole = i;
    for (size_t j = (hole + 1) & mask; m->keys[j] != EMPTY_KEY; j = (j + 1) & mask) {
        size_t home = im_slot(m, m->keys[j]);
        /* move j to hole unless home lies cyclically in (hole, j] */
        int stays = (hole <= j) ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            m->keys[hole] = m->keys[j];
            m->vals[hole] = m->vals[j];
            hole = j;
        }
    }
    m->keys[hole] = EMPTY_KEY;
    m->len--;
}

/* ---- the ladder: sorted rank keys in buckets (the shape of book.PriceLadder) ---------------- */
typedef struct {
    int64_t *keys;
    int32_t n;
} Bucket;

typedef struct {
    Bucket *buckets;
    int64_t *maxes;
    Py_ssize_t n;   /* buckets in use */
    Py_ssize_t cap; /* buckets allocated */
} Ladder;

static Py_ssize_t bisect_left64(const int64_t *a, Py_ssize_t n, int64_t key) {
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) >> 1;
        if (a[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int ladder_insert_bucket(Ladder *l, Py_ssize_t at) {
    if (l->n == l->cap) {
        Py_ssize_t cap = l->cap ? l->cap * 2 : 4;
        Bucket *b = PyMem_Realloc(l->buckets, (size_t)cap * sizeof(Bucket));
        if (!b) return -1;
        l->buckets = b;
        int64_t *mx = PyMem_Realloc(l->maxes, (size_t)cap * sizeof(int64_t));
        if (!mx) return -1;
        l->maxes = mx;
        l->cap = cap;
    }
    memmove(l->buckets + at + 1, l->buckets + at, (size_t)(l->n - at) * sizeof(Bucket));
    memmove(l->maxes + at + 1, l->maxes + at, (size_t)(l->n - at) * sizeof(int64_t));
    l->buckets[at].keys = PyMem_Malloc((2 * LADDER_LOAD + 1) * sizeof(int64_t));
    if (!l->buckets[at].keys) return -1;
    l->buckets[at].n = 0;
    l->n++;
    return 0;
}

static void ladder_drop_bucket(Ladder *l, Py_ssize_t at) {
    PyMem_Free(l->buckets[at].keys);
    memmove(l->buckets + at, l->buckets + at + 1, (size_t)(l->n - at - 1) * sizeof(Bucket));
    memmove(l->maxes + at, l->maxes + at + 1, (size_t)(l->n - at - 1) * sizeof(int64_t));
    l->n--;
}

static int ladder_add(Ladder *l, int64_t key) {
    if (l->n == 0) {
        if (ladder_insert_bucket(l, 0) < 0) return -1;
        l->buckets[0].keys[0] = key;
        l->buckets[0].n = 1;
        l->maxes[0] = key;
        return 0;
    }
    Py_ssize_t i = bisect_left64(l->maxes, l->n, key);
    Bucket *b;
    if (i == l->n) {
        i--;
        b = &l->buckets[i];
        b->keys[b->n++] = key;
        l->maxes[i] = key;
    } else {
        b = &l->buckets[i];
        Py_ssize_t j = bisect_left64(b->keys, b->n, key);
        memmove(b->keys + j + 1, b->keys + j, (size_t)(b->n - j) * sizeof(int64_t));
        b->keys[j] = key;
        b->n++;
    }
    if (b->n > 2 * LADDER_LOAD) {
        if (ladder_insert_bucket(l, i + 1) < 0) return -1;
        b = &l->buckets[i]; /* the array may have moved */
        Bucket *upper = &l->buckets[i + 1];
        upper->n = b->n - LADDER_LOAD;
        memcpy(upper->keys, b->keys + LADDER_LOAD, (size_t)upper->n * sizeof(int64_t));
        b->n = LADDER_LOAD;
        l->maxes[i + 1] = upper->keys[upper->n - 1];
        l->maxes[i] = b->keys[b->n - 1];
    }
    return 0;
}

static void ladder_remove(Ladder *l, int64_t key) {
    Py_ssize_t i = bisect_left64(l->maxes, l->n, key);
    if (i == l->n) return;
    Bucket *b = &l->buckets[i];
    Py_ssize_t j = bisect_left64(b->keys, b->n, key);
    if (j == b->n || b->keys[j] != key) return;
    memmove(b->keys + j, b->keys + j + 1, (size_t)(b->n - j - 1) * sizeof(int64_t));
    b->n--;
    if (b->n == 0) ladder_drop_bucket(l, i);
    else if (j == b->n) l->maxes[i] = b->keys[b->n - 1];
}

static void ladder_free(Ladder *l) {
    for (Py_ssize_t i = 0; i < l->n; i++) PyMem_Free(l->buckets[i].keys);
    PyMem_Free(l->buckets);
    PyMem_Free(l->maxes);
    memset(l, 0, sizeof(*l));
}

/* ---- orders, levels, sides, markets --------------------------------------------------------- */
typedef struct {
    int64_t id, price, open, filled;
    PyObject *account, *coid, *group; /* owned references */
    int32_t prev, next, level, market;
    uint8_t side, type, stp, has_coid;
} Order;

typedef struct {
    int64_t price, total;
    int32_t count, head, tail, next_free;
} Level;

typedef struct {
    int sign; /* -1 for bids (rank key = -price), 1 for asks */
    int side;
    IntMap levels; /* rank key -> level index */
    Ladder ladder;
} BookSide;

typedef struct {
    PyObject *symbol;     /* owned */
    PyObject *restricted; /* owned frozenset of account ids */
    int64_t min_notional, band_bps, last_price, next_trade_id, update_seq, order_count;
    int status;
    BookSide bids, asks;
} MarketC;

/* An event class and how to build its instances: straight into their slots when the class is
 * a plain non-GC struct whose instances are nothing but their fields (checked at start-up
 * against instances built by the class itself), else by calling the class. */
#define EVENT_FIELDS_MAX 12
typedef struct {
    PyTypeObject *type; /* borrowed from the Core's cls_ reference */
    Py_ssize_t off[EVENT_FIELDS_MAX];
    int n;
    int direct;
} EventClass;

enum { EV_ACCEPTED, EV_TRADE, EV_CANCELLED, EV_EXPIRED, EV_AMENDED, EV_DELTA, EV_COUNT };

typedef struct {
    PyObject_HEAD
    EventClass ev[EV_COUNT];
    /* configuration: classes, enum members, limits */
    PyObject *cls_accepted, *cls_trade, *cls_cancelled, *cls_expired, *cls_amended, *cls_delta;
    PyObject *cls_rejection;
    PyObject *side_obj[3], *type_obj[4], *tif_obj[4], *stp_obj[5], *expire_obj[3], *cancel_user;
    PyObject *rj_code[RJ_COUNT], *rj_name[RJ_COUNT];
    PyObject *cls_place, *cls_cancel, *cls_amend;
    Py_ssize_t off_place[P_NFIELDS], off_cancel[C_NFIELDS], off_amend[A_NFIELDS];
    PyObject *last_symbol; /* the last symbol looked up (owned), and its market index */
    Py_ssize_t last_market;
    int64_t account_len_max, coid_len_max, group_len_max, qty_max, price_max, quote_max;
    int64_t orders_per_market_max;
    /* state */
    MarketC *markets;
    Py_ssize_t n_markets, cap_markets;
    PyObject *market_index;   /* dict: symbol -> int index */
    PyObject *restricted;     /* dict: account -> role (venue-wide) */
    PyObject *client_ids;     /* dict: (account, client order id) -> order id */
    Order *orders;
    int32_t n_orders, cap_orders, free_order;
    Level *levels;
    int32_t n_levels, cap_levels, free_level;
    IntMap by_id;             /* order id -> order slot */
    int64_t next_order_id;
    /* recently used prices and quantities as Python ints (they repeat; ids never do) */
    int64_t lc_val[LONG_CACHE];
    PyObject *lc_obj[LONG_CACHE];
    /* scratch for deltas */
    int64_t *dbuf;
    Py_ssize_t dcap;
} Core;


/* ---- small helpers ---------------------------------------------------------------------------- */
static PyObject *rejection(Core *c, int which, PyObject *message) {
    if (!message) return NULL;
    PyObject *args[3] = {c->rj_code[which], c->rj_name[which], message};
    PyObject *r = PyObject_Vectorcall(c->cls_rejection, args, 3, NULL);
    Py_DECREF(message);
    return r;
}

/* A command's field (a borrowed reference), or NULL with AttributeError when unset. */
static inline PyObject *field(PyObject *obj, Py_ssize_t offset, const char *name) {
    PyObject *v = *(PyObject **)((char *)obj + offset);
    if (!v) PyErr_Format(PyExc_AttributeError, "the command has no %s", name);
    return v;
}

/* An int as int64, clamped beyond the range (the callers' range checks reject clamped values as
 * Python rejects the unbounded ones); returns the overflow sign, or -2 on error. */
static int as_i64(PyObject *v, int64_t *out) {
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred()) return -2;
    if (overflow > 0) x = INT64_MAX;
    else if (overflow < 0) x = INT64_MIN;
    *out = x;
    return overflow;
}

/* The index of ``obj`` among ``members[1..n]`` by identity (0: none of them). */
static inline int member_code(PyObject *obj, PyObject **members, int n) {
    for (int i = 1; i <= n; i++)
        if (members[i] == obj) return i;
    return 0;
}

/* [A-Za-z0-9][A-Za-z0-9._:-]* and at most ``max_len`` characters */
static int bad_id(PyObject *s, int64_t max_len) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (n > max_len || n == 0) return 1;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (alnum) continue;
        if (i > 0 && (ch == '.' || ch == '_' || ch == ':' || ch == '-')) continue;
        return 1;
    }
    return 0;
}

/* ``v`` as a Python int, from a direct-mapped cache of recent values (a new reference). */
static inline PyObject *cached_long(Core *c, int64_t v) {
    size_t i = (size_t)(((uint64_t)v * 0x9E3779B97F4A7C15ULL) >> 54) & (LONG_CACHE - 1);
    PyObject *o = c->lc_obj[i];
    if (o && c->lc_val[i] == v) return Py_NewRef(o);
    o = PyLong_FromLongLong(v);
    if (!o) return NULL;
    Py_XSETREF(c->lc_obj[i], Py_NewRef(o));
    c->lc_val[i] = v;
    return o;
}

static inline int str_eq(PyObject *a, PyObject *b) {
    if (a == b) return 1;
    return PyUnicode_Compare(a, b) == 0;
}

static inline int str_empty(PyObject *s) { return PyUnicode_GET_LENGTH(s) == 0; }

static int ensure_dbuf(Core *c, Py_ssize_t n) {
    if (n <= c->dcap) return 0;
    Py_ssize_t cap = c->dcap ? c->dcap : 64;
    while (cap < n) cap *= 2;
    int64_t *b = PyMem_Realloc(c->dbuf, (size_t)cap * sizeof(int64_t));
    if (!b) {
        PyErr_NoMemory();
        return -1;
    }
    c->dbuf = b;
    c->dcap = cap;
    return 0;
}

/* ---- pools ---------------------------------------------------------------------------------- */
static int32_t new_order(Core *c) {
    if (c->free_order != NIL) {
        int32_t slot = c->free_order;
        c->free_order = c->orders[slot].next;
        return slot;
    }
    if (c->n_orders == c->cap_orders) {
        int32_t cap = c->cap_orders ? c->cap_orders * 2 : 1024;
        Order *o = PyMem_Realloc(c->orders, (size_t)cap * sizeof(Order));
        if (!o) {
            PyErr_NoMemory();
            return NIL;
        }
        c->orders = o;
        c->cap_orders = cap;
    }
    return c->n_orders++;
}

static void free_order(Core *c, int32_t slot) {
    Order *o = &c->orders[slot];
    Py_CLEAR(o->account);
    Py_CLEAR(o->coid);
    Py_CLEAR(o->group);
    o->next = c->free_order;
    o->level = NIL;
    c->free_order = slot;
}

static int32_t new_level(Core *c) {
    if (c->free_level != NIL) {
        int32_t idx = c->free_level;
        c->free_level = c->levels[idx].next_free;
        return idx;
    }
    if (c->n_levels == c->cap_levels) {
        int32_t cap = c->cap_levels ? c->cap_levels * 2 : 256;
        Level *l = PyMem_Realloc(c->levels, (size_t)cap * sizeof(Level));
        if (!l) {
            PyErr_NoMemory();
            return NIL;
        }
        c->levels = l;
        c->cap_levels = cap;
    }
    return c->n_levels++;
}

static void free_level(Core *c, int32_t idx) {
    c->levels[idx].next_free = c->free_level;
    c->free_level = idx;
}

/* ---- book operations ---------------------------------------------------------------------- */

/* Append order ``slot`` (price and open already set) to the back of its level; return the
 * level's new total, or -1 on memory error. */
static int64_t rest(Core *c, BookSide *bs, int32_t slot) {
    Order *o = &c->orders[slot];
    int64_t key = o->price * bs->sign;
    int32_t li = im_get(&bs->levels, key);
    if (li == NIL) {
        li = new_level(c);
        if (li == NIL) return -1;
        o = &c->orders[slot];
        Level *lv = &c->levels[li];
        lv->price = o->price;
        lv->total = o->open;
        lv->count = 1;
        lv->head = lv->tail = slot;
        if (im_put(&bs->levels, key, li) < 0 || ladder_add(&bs->ladder, key) < 0) {
            if (!PyErr_Occurred()) PyErr_NoMemory();
            return -1;
        }
        o->level = li;
        o->prev = o->next = NIL;
        return o->open;
    }
    Level *lv = &c->levels[li];
    c->orders[lv->tail].next = slot;
    o->prev = lv->tail;
    o->next = NIL;
    o->level = li;
    lv->tail = slot;
    lv->count++;
    lv->total += o->open;
    return lv->total;
}

/* Take order ``slot`` out of its level (dropping the level when it empties); return the level's
 * new total. */
static int64_t unlink_order(Core *c, BookSide *bs, int32_t slot) {
    Order *o = &c->orders[slot];
    int32_t li = o->level;
    Level *lv = &c->levels[li];
    if (o->prev == NIL) lv->head = o->next;
    else c->orders[o->prev].next = o->next;
    if (o->next == NIL) lv->tail = o->prev;
    else c->orders[o->next].prev = o->prev;
    o->prev = o->next = o->level = NIL;
    lv->count--;
    lv->total -= o->open;
    int64_t total = lv->total;
    if (lv->count == 0) {
        int64_t key = lv->price * bs->sign;
        im_del(&bs->levels, key);
        ladder_remove(&bs->ladder, key);
        free_level(c, li);
    }
    return total;
}

/* Forget a resting order's id and client order id (the slot is freed by the caller). */
static int forget(Core *c, MarketC *m, Order *o) {
    im_del(&c->by_id, o->id);
    m->order_count--;
    if (o->has_coid) {
        PyObject *key = PyTuple_Pack(2, o->account, o->coid);
        if (!key) return -1;
        int r = PyDict_DelItem(c->client_ids, key);
        Py_DECREF(key);
        if (r < 0) return -1;
    }
    return 0;
}

static int remember(Core *c, MarketC *m, int32_t slot) {
    Order *o = &c->orders[slot];
    if (im_put(&c->by_id, o->id, slot) < 0) return -1;
    m->order_count++;
    if (o->has_coid) {
        PyObject *key = PyTuple_Pack(2, o->account, o->coid);
        if (!key) return -1;
        PyObject *id = PyLong_FromLongLong(o->id);
        if (!id) {
            Py_DECREF(key);
            return -1;
        }
        int r = PyDict_SetItem(c->client_ids, key, id);
        Py_DECREF(key);
        Py_DECREF(id);
        if (r < 0) return -1;
    }
    return 0;
}

/* A new resting order at the back of its level on ``m``'s ``side``, remembered by id and client
 * order id; returns the level's new total, or -1 with an exception set. */
static int64_t add_resting(Core *c, MarketC *m, int64_t id, PyObject *account, PyObject *coid,
                           PyObject *group, int side, int type, int stp, int64_t price,
                           int64_t open, int64_t filled) {
    int32_t slot = new_order(c);
    if (slot == NIL) return -1;
    Order *o = &c->orders[slot];
    o->id = id;
    o->price = price;
    o->open = open;
    o->filled = filled;
    o->account = Py_NewRef(account);
    o->coid = Py_NewRef(coid);
    o->group = Py_NewRef(group);
    o->market = (int32_t)(m - c->markets);
    o->side = (uint8_t)side;
    o->type = (uint8_t)type;
    o->stp = (uint8_t)stp;
    o->has_coid = (uint8_t)!str_empty(coid);
    int64_t total = rest(c, side == BUY ? &m->bids : &m->asks, slot);
    if (total < 0 || remember(c, m, slot) < 0) return -1; /* memory: the state is suspect */
    return total;
}

static inline int64_t best_key(const BookSide *bs, int *some) {
    if (bs->ladder.n == 0) {
        *some = 0;
        return 0;
    }
    *some = 1;
    return bs->ladder.buckets[0].keys[0];
}

/* ---- event builders (new references; NULL on error) -------------------------------------- */
static PyObject *new_event(Core *c, int which, PyObject *const *args) {
    EventClass *e = &c->ev[which];
    if (!e->direct) return PyObject_Vectorcall((PyObject *)e->type, args, (size_t)e->n, NULL);
    PyObject *o = e->type->tp_alloc(e->type, 0);
    if (!o) return NULL;
    for (int i = 0; i < e->n; i++) *(PyObject **)((char *)o + e->off[i]) = Py_NewRef(args[i]);
    return o;
}

static int append_steal(PyObject *list, PyObject *item) {
    if (!item) return -1;
    int r = PyList_Append(list, item);
    Py_DECREF(item);
    return r;
}

static PyObject *make_delta(Core *c, MarketC *m, int64_t seq, int side, int64_t price,
                            int64_t total) {
    PyObject *a1 = PyLong_FromLongLong(seq), *a3 = cached_long(c, price),
             *a4 = cached_long(c, total);
    PyObject *r = NULL;
    if (a1 && a3 && a4) {
        PyObject *args[5] = {m->symbol, a1, c->side_obj[side], a3, a4};
        r = new_event(c, EV_DELTA, args);
    }
    Py_XDECREF(a1);
    Py_XDECREF(a3);
    Py_XDECREF(a4);
    return r;
}

static PyObject *make_expired(Core *c, MarketC *m, int64_t order_id, PyObject *account,
                              int reason, int64_t lots, int64_t quote) {
    PyObject *a1 = PyLong_FromLongLong(order_id), *a4 = cached_long(c, lots),
             *a5 = cached_long(c, quote);
    PyObject *r = NULL;
    if (a1 && a4 && a5) {
        PyObject *args[6] = {m->symbol, a1, account, c->expire_obj[reason], a4, a5};
        r = new_event(c, EV_EXPIRED, args);
    }
    Py_XDECREF(a1);
    Py_XDECREF(a4);
    Py_XDECREF(a5);
    return r;
}

static PyObject *make_trade(Core *c, MarketC *m, int64_t trade_id, int64_t price, int64_t qty,
                            int taker_side, Order *maker, PyObject *taker_id,
                            PyObject *taker_account) {
    PyObject *a1 = PyLong_FromLongLong(trade_id), *a2 = cached_long(c, price),
             *a3 = cached_long(c, qty), *a5 = PyLong_FromLongLong(maker->id);
    PyObject *r = NULL;
    if (a1 && a2 && a3 && a5) {
        PyObject *args[9] = {m->symbol, a1, a2, a3, c->side_obj[taker_side],
                             a5, maker->account, taker_id, taker_account};
        r = new_event(c, EV_TRADE, args);
    }
    Py_XDECREF(a1);
    Py_XDECREF(a2);
    Py_XDECREF(a3);
    Py_XDECREF(a5);
    return r;
}

/* Emit BookDeltas: the taker's own side and the maker side, bids first (as engine._emit_deltas).
 * ``own``/``maker`` are (price, total) pairs. */
static int emit_deltas(Core *c, MarketC *m, PyObject *events, int taker_side, const int64_t *own,
                       Py_ssize_t n_own, const int64_t *maker, Py_ssize_t n_maker) {
    int64_t seq = m->update_seq;
    const int64_t *first = taker_side == BUY ? own : maker;
    const int64_t *second = taker_side == BUY ? maker : own;
    Py_ssize_t n_first = taker_side == BUY ? n_own : n_maker;
    Py_ssize_t n_second = taker_side == BUY ? n_maker : n_own;
    for (Py_ssize_t i = 0; i < n_first; i++) {
        seq++;
        if (append_steal(events, make_delta(c, m, seq, BUY, first[2 * i], first[2 * i + 1])) < 0)
            return -1;
    }
    for (Py_ssize_t i = 0; i < n_second; i++) {
        seq++;
        if (append_steal(events, make_delta(c, m, seq, SELL, second[2 * i], second[2 * i + 1])) < 0)
            return -1;
    }
    m->update_seq = seq;
    return 0;
}

/* ---- matching -------------------------------------------------------------------------------- */

/* A read-only walk for FOK: the lots left after matching (STP taker expiry leaves the rest). */
static int64_t dry_walk(Core *c, BookSide *opp, PyObject *account, int stp, PyObject *group,
                        int64_t limit_key, int64_t remaining) {
    int stp_on = stp != STP_NONE;
    int has_group = !str_empty(group);
    Ladder *l = &opp->ladder;
    for (Py_ssize_t bi = 0; bi < l->n; bi++) {
        Bucket *b = &l->buckets[bi];
        for (int32_t ki = 0; ki < b->n; ki++) {
            int64_t key = b->keys[ki];
            if (key > limit_key) return remaining;
            Level *lv = &c->levels[im_get(&opp->levels, key)];
            for (int32_t s = lv->head; s != NIL; s = c->orders[s].next) {
                Order *o = &c->orders[s];
                if (stp_on && (str_eq(o->account, account) ||
                               (has_group && str_eq(o->group, group)))) {
                    if (stp == EXPIRE_TAKER || stp == EXPIRE_BOTH) return remaining;
                    continue;
                }
                int64_t fill = o->open <= remaining ? o->open : remaining;
                remaining -= fill;
                if (remaining == 0) return 0;
            }
        }
    }
    return remaining;
}

typedef struct {
    Py_ssize_t n_deltas; /* maker side (price, total) pairs written to c->dbuf */
    int64_t remaining, remaining_quote;
    int stp_taker;
} TakeResult;

/* Match a taker against ``opp``, changing the book as it goes (engine._take). */
static int take(Core *c, MarketC *m, BookSide *opp, PyObject *events, int taker_side,
                int64_t taker_id, PyObject *taker_account, int stp, PyObject *group,
                int64_t limit_key, int64_t remaining, int64_t remaining_quote, int quote_sized,
                TakeResult *out) {
    int stp_on = stp != STP_NONE;
    int has_group = !str_empty(group);
    int stp_taker = 0, done = 0;
    int64_t trade_id = m->next_trade_id, last_price = 0, cap = remaining;
    Py_ssize_t nd = 0;
    PyObject *taker_id_obj = PyLong_FromLongLong(taker_id);
    if (!taker_id_obj) return -1;
    while (opp->ladder.n && !done) {
        int64_t key = opp->ladder.buckets[0].keys[0];
        if (key > limit_key) break;
        int32_t li = im_get(&opp->levels, key);
        Level *lv = &c->levels[li];
        int64_t price = lv->price, total = lv->total, before = total;
        int32_t removed = 0;
        int32_t s = lv->head;
        while (s != NIL) {
            Order *o = &c->orders[s];
            if (quote_sized) {
                cap = remaining_quote / price;
                if (cap == 0) {
                    done = 1;
                    break;
                }
            }
            if (stp_on && (str_eq(o->account, taker_account) ||
                           (has_group && str_eq(o->group, group)))) {
                if (stp == EXPIRE_TAKER) {
                    stp_taker = done = 1;
                    break;
                }
                if (append_steal(events, make_expired(c, m, o->id, o->account, X_STP_MAKER,
                                                      o->open, 0)) < 0)
                    goto fail;
                total -= o->open;
                removed++;
                int32_t nxt = o->next;
                if (forget(c, m, o) < 0) goto fail;
                free_order(c, s);
                s = nxt;
                if (stp == EXPIRE_BOTH) {
                    stp_taker = done = 1;
                    break;
                }
                continue;
            }
            int64_t open = o->open;
            int64_t fill = open <= cap ? open : cap;
            if (append_steal(events, make_trade(c, m, trade_id, price, fill, taker_side, o,
                                                taker_id_obj, taker_account)) < 0)
                goto fail;
            trade_id++;
            total -= fill;
            last_price = price;
            if (quote_sized) remaining_quote -= fill * price;
            else {
                remaining -= fill;
                cap = remaining;
            }
            if (fill < open) {
                o->open = open - fill;
                o->filled += fill;
                done = 1;
                break;
            }
            removed++;
            int32_t nxt = o->next;
            if (forget(c, m, o) < 0) goto fail;
            free_order(c, s);
            s = nxt;
            if (!quote_sized && remaining == 0) {
                done = 1;
                break;
            }
        }
        if (removed) {
            lv->count -= removed;
            if (lv->count == 0) {
                im_del(&opp->levels, key);
                ladder_remove(&opp->ladder, key);
                free_level(c, li);
            } else {
                c->orders[s].prev = NIL;
                lv->head = s;
            }
        }
        lv->total = total;
        if (total != before) {
            if (ensure_dbuf(c, 2 * nd + 2) < 0) goto fail;
            c->dbuf[2 * nd] = price;
            c->dbuf[2 * nd + 1] = total;
            nd++;
        }
    }
    m->next_trade_id = trade_id;
    if (last_price) m->last_price = last_price;
    Py_DECREF(taker_id_obj);
    out->n_deltas = nd;
    out->remaining = remaining;
    out->remaining_quote = remaining_quote;
    out->stp_taker = stp_taker;
    return 0;
fail:
    m->next_trade_id = trade_id;
    Py_DECREF(taker_id_obj);
    return -1;
}

/* ---- checks shared by place and amend -------------------------------------------------------- */
static MarketC *find_market(Core *c, PyObject *symbol) {
    if (symbol == c->last_symbol) return &c->markets[c->last_market]; /* the same object */
    PyObject *idx = PyDict_GetItemWithError(c->market_index, symbol);
    if (!idx) return NULL;
    Py_ssize_t i = PyLong_AsSsize_t(idx);
    Py_XSETREF(c->last_symbol, Py_NewRef(symbol));
    c->last_market = i;
    return &c->markets[i];
}

#define BPS 10000

static int in_band(MarketC *m, int64_t price) {
    if (!m->band_bps || !m->last_price) return 1;
    __int128 scaled = (__int128)price * BPS;
    return (__int128)m->last_price * (BPS - m->band_bps) <= scaled &&
           scaled <= (__int128)m->last_price * (BPS + m->band_bps);
}

static int64_t market_limit_key(Core *c, MarketC *m, int side) {
    int64_t band = m->band_bps, last = m->last_price;
    if (side == BUY) {
        if (band && last) return (int64_t)((__int128)last * (BPS + band) / BPS);
        return c->price_max;
    }
    if (band && last) {
        __int128 num = (__int128)last * (BPS - band) + BPS - 1;
        return -(int64_t)(num / BPS); /* num >= 0: C division floors as Python's */
    }
    return 0;
}

/* ---- PlaceOrder ---------------------------------------------------------------------------- */
static PyObject *do_place(Core *c, PyObject *cmd) {
    PyObject *account = NULL, *coid = NULL, *group = NULL, *side_o = NULL, *type_o = NULL,
             *tif_o = NULL, *stp_o = NULL, *symbol = NULL, *qty_o = NULL, *price_o = NULL;
    PyObject *result = NULL, *events = NULL;
    int64_t qty, quote, price;
    int quote_over;
    /* the fields are borrowed references: the command outlives the call */
#define GET(var, which) if (!((var) = field(cmd, off[which], PLACE_FIELDS[which]))) goto done
    PyObject *quote_obj;
    const Py_ssize_t *off = c->off_place;
    GET(account, P_ACCOUNT);
    GET(coid, P_COID);
    GET(group, P_GROUP);
    GET(side_o, P_SIDE);
    GET(type_o, P_TYPE);
    GET(tif_o, P_TIF);
    GET(stp_o, P_STP);
    GET(symbol, P_SYMBOL);
    GET(qty_o, P_QTY);
    GET(price_o, P_PRICE);
    GET(quote_obj, P_QUOTE);
    if (as_i64(qty_o, &qty) == -2 || as_i64(price_o, &price) == -2) goto done;
    quote_over = as_i64(quote_obj, &quote);
    if (quote_over == -2) goto done;
    if (!PyUnicode_Check(account) || !PyUnicode_Check(coid) || !PyUnicode_Check(group) ||
        !PyUnicode_Check(symbol)) {
        PyErr_SetString(PyExc_TypeError, "account_id, client_order_id, stp_group and symbol are str");
        goto done;
    }
    int type = member_code(type_o, c->type_obj, 3);
    int tif = member_code(tif_o, c->tif_obj, 3);
    int stp = member_code(stp_o, c->stp_obj, 4);
    int side = c->side_obj[BUY] == side_o ? BUY : SELL;
    Py_ssize_t alen = PyUnicode_GET_LENGTH(account);
    int has_coid = !str_empty(coid);
#define RJ(which, ...) do { result = rejection(c, (which), PyUnicode_FromFormat(__VA_ARGS__)); goto done; } while (0)
    if (alen == 0 || alen > c->account_len_max)
        RJ(RJ_INVALID_ACCOUNT_ID, "account_id must be 1..%lld characters", (long long)c->account_len_max);
    if (has_coid && bad_id(coid, c->coid_len_max)) RJ(RJ_INVALID_CLIENT_ORDER_ID, "bad client_order_id %R", coid);
    if (!str_empty(group) && bad_id(group, c->group_len_max)) RJ(RJ_INVALID_STP_GROUP, "bad stp_group %R", group);
    if (type == MARKET) {
        if (tif != IOC) RJ(RJ_INVALID_TIME_IN_FORCE, "a MARKET order is IOC");
        if (qty < 0 || quote < 0 || (qty == 0 && quote == 0))
            RJ(RJ_NON_POSITIVE_QUANTITY, "a MARKET order needs a positive quantity or quote amount");
        if (qty && quote) RJ(RJ_INVALID_QUANTITY_SPEC, "a MARKET order gives a quantity or a quote amount, not both");
        if (qty > c->qty_max || quote_over > 0 || quote > c->quote_max)
            RJ(RJ_QUANTITY_ABOVE_MAX, "quantity above its maximum");
        if (price != 0) RJ(RJ_PRICE_NOT_ALLOWED, "a MARKET order has no price");
    } else {
        if (type == LIMIT_MAKER && tif != GTC) RJ(RJ_INVALID_TIME_IN_FORCE, "a LIMIT_MAKER order is GTC");
        if (quote != 0) RJ(RJ_INVALID_QUANTITY_SPEC, "a limit order has no quote amount");
        if (qty <= 0) RJ(RJ_NON_POSITIVE_QUANTITY, "quantity_lots must be positive, got %S", qty_o);
        if (qty > c->qty_max) RJ(RJ_QUANTITY_ABOVE_MAX, "quantity_lots above %lld", (long long)c->qty_max);
        if (price <= 0) RJ(RJ_NON_POSITIVE_PRICE, "price_ticks must be positive, got %S", price_o);
        if (price > c->price_max) RJ(RJ_PRICE_ABOVE_MAX, "price_ticks above %lld", (long long)c->price_max);
    }
    MarketC *m = find_market(c, symbol);
    if (!m) {
        if (PyErr_Occurred()) goto done;
        RJ(RJ_UNKNOWN_MARKET, "no market %R", symbol);
    }
    if (m->status == HALTED) RJ(RJ_MARKET_HALTED, "market %S is halted", symbol);
    {
        int r1 = PyDict_GET_SIZE(c->restricted) ? PyDict_Contains(c->restricted, account) : 0;
        int r2 = r1 == 0 && PySet_GET_SIZE(m->restricted) ? PySet_Contains(m->restricted, account)
                                                          : 0;
        if (r1 < 0 || r2 < 0) goto done;
        if (r1 || r2) RJ(RJ_RESTRICTED_ACCOUNT, "account %S belongs to the operator or an affiliate", account);
    }
    if (has_coid) {
        PyObject *key = PyTuple_Pack(2, account, coid);
        if (!key) goto done;
        int r = PyDict_Contains(c->client_ids, key);
        Py_DECREF(key);
        if (r < 0) goto done;
        if (r) RJ(RJ_DUPLICATE_CLIENT_ORDER_ID, "client_order_id %R is live", coid);
    }
    if (type == MARKET) {
        int64_t minimum = m->min_notional;
        if (minimum && ((quote && quote < minimum) ||
                        (qty && m->last_price && (__int128)qty * m->last_price < minimum)))
            RJ(RJ_NOTIONAL_BELOW_MINIMUM, "notional below %lld tick-lots", (long long)minimum);
    } else {
        if (m->band_bps && m->last_price && !in_band(m, price))
            RJ(RJ_OUTSIDE_PRICE_BAND, "price_ticks %S outside the band", price_o);
        if ((__int128)price * qty < m->min_notional)
            RJ(RJ_NOTIONAL_BELOW_MINIMUM, "notional below %lld tick-lots", (long long)m->min_notional);
        if (tif == GTC && m->order_count >= c->orders_per_market_max)
            RJ(RJ_BOOK_FULL, "market %S holds %lld orders", symbol, (long long)m->order_count);
    }
    /* --- the engine proper --- */
    BookSide *opp = side == BUY ? &m->asks : &m->bids;
    int64_t limit_key = type == MARKET ? market_limit_key(c, m, side) : price * opp->sign;
    int some;
    int64_t best = best_key(opp, &some);
    int crosses = some && best <= limit_key;
    if (!crosses && tif == GTC) {
        int64_t order_id = c->next_order_id;
        int64_t total = add_resting(c, m, order_id, account, coid, group, side, type, stp, price,
                                    qty, 0);
        if (total < 0) goto done;
        c->next_order_id = order_id + 1;
        PyObject *oid = PyLong_FromLongLong(order_id);
        if (!oid) goto done;
        PyObject *zero = PyLong_FromLong(0);
        PyObject *args[12] = {symbol, oid, account, coid, side_o, type_o, c->tif_obj[GTC],
                              price_o, qty_o, zero, stp_o, group};
        PyObject *accepted = new_event(c, EV_ACCEPTED, args);
        Py_DECREF(zero);
        Py_DECREF(oid);
        if (!accepted) goto done;
        m->update_seq++;
        PyObject *delta = make_delta(c, m, m->update_seq, side, price, total);
        if (!delta) {
            Py_DECREF(accepted);
            goto done;
        }
        result = PyList_New(2);
        if (!result) {
            Py_DECREF(accepted);
            Py_DECREF(delta);
            goto done;
        }
        PyList_SET_ITEM(result, 0, accepted);
        PyList_SET_ITEM(result, 1, delta);
        goto done;
    }
    if (crosses) {
        if (type == LIMIT_MAKER) RJ(RJ_POST_ONLY_WOULD_TAKE, "a LIMIT_MAKER order would take");
        if (tif == FOK && dry_walk(c, opp, account, stp, group, limit_key, qty))
            RJ(RJ_FOK_CANNOT_FILL, "cannot fill in full");
    } else if (tif == FOK) {
        RJ(RJ_FOK_CANNOT_FILL, "cannot fill in full");
    }
    int64_t order_id = c->next_order_id++;
    events = PyList_New(0);
    if (!events) goto done;
    {
        PyObject *oid = PyLong_FromLongLong(order_id);
        PyObject *quote_o = PyLong_FromLongLong(quote);
        if (!oid || !quote_o) {
            Py_XDECREF(oid);
            Py_XDECREF(quote_o);
            goto done;
        }
        PyObject *args[12] = {symbol, oid, account, coid, side_o, type_o, tif_o,
                              price_o, qty_o, quote_o, stp_o, group};
        PyObject *accepted = new_event(c, EV_ACCEPTED, args);
        Py_DECREF(oid);
        Py_DECREF(quote_o);
        if (append_steal(events, accepted) < 0) goto done;
    }
    TakeResult tr = {0, qty, quote, 0};
    if (crosses &&
        take(c, m, opp, events, side, order_id, account, stp, group, limit_key, qty, quote,
             quote > 0, &tr) < 0)
        goto done;
    int64_t own_delta[2];
    Py_ssize_t n_own = 0;
    if (type == MARKET && quote) {
        if (tr.remaining_quote &&
            append_steal(events, make_expired(c, m, order_id, account,
                                              tr.stp_taker ? X_STP_TAKER : X_IOC_REMAINDER, 0,
                                              tr.remaining_quote)) < 0)
            goto done;
    } else if (tr.remaining) {
        if (tif == GTC && !tr.stp_taker) {
            int64_t total = add_resting(c, m, order_id, account, coid, group, side, type, stp,
                                        price, tr.remaining, qty - tr.remaining);
            if (total < 0) goto done;
            own_delta[0] = price;
            own_delta[1] = total;
            n_own = 1;
        } else if (append_steal(events, make_expired(c, m, order_id, account,
                                                     tr.stp_taker ? X_STP_TAKER : X_IOC_REMAINDER,
                                                     tr.remaining, 0)) < 0) {
            goto done;
        }
    }
    if (emit_deltas(c, m, events, side, own_delta, n_own, c->dbuf, tr.n_deltas) < 0) goto done;
    result = events;
    events = NULL;
done:
    Py_XDECREF(events);
    return result;
}

/* ---- finding a live order by id or client order id ------------------------------------------ */
static int32_t find_live(Core *c, MarketC *m, PyObject *account, int64_t order_id, PyObject *coid) {
    if (order_id == 0) {
        PyObject *key = PyTuple_Pack(2, account, coid);
        if (!key) return -2;
        PyObject *id = PyDict_GetItemWithError(c->client_ids, key);
        Py_DECREF(key);
        if (!id) return PyErr_Occurred() ? -2 : NIL;
        order_id = PyLong_AsLongLong(id);
    }
    int32_t slot = im_get(&c->by_id, order_id);
    if (slot == NIL || c->orders[slot].market != (int32_t)(m - c->markets)) return NIL;
    if (!str_eq(c->orders[slot].account, account)) return NIL;
    return slot;
}

/* ---- CancelOrder ----------------------------------------------------------------------------- */
static PyObject *do_cancel(Core *c, PyObject *cmd) {
    PyObject *account = NULL, *coid = NULL, *symbol = NULL, *result = NULL;
    int64_t order_id;
    PyObject *order_id_o;
#undef GET
#define GET(var, which) if (!((var) = field(cmd, c->off_cancel[which], CANCEL_FIELDS[which]))) goto done
    GET(account, C_ACCOUNT);
    GET(coid, C_COID);
    GET(symbol, C_SYMBOL);
    GET(order_id_o, C_ORDER_ID);
    if (as_i64(order_id_o, &order_id) == -2) goto done;
    if (!PyUnicode_Check(account) || !PyUnicode_Check(coid) || !PyUnicode_Check(symbol)) {
        PyErr_SetString(PyExc_TypeError, "account_id, client_order_id and symbol are str");
        goto done;
    }
    Py_ssize_t alen = PyUnicode_GET_LENGTH(account);
    if (alen == 0 || alen > c->account_len_max) RJ(RJ_INVALID_ACCOUNT_ID, "bad account_id");
    if ((order_id > 0) == !str_empty(coid) || order_id < 0)
        RJ(RJ_INVALID_ORDER_REFERENCE, "give exactly one of order_id and client_order_id");
    MarketC *m = find_market(c, symbol);
    if (!m) {
        if (PyErr_Occurred()) goto done;
        RJ(RJ_UNKNOWN_MARKET, "no market %R", symbol);
    }
    int32_t slot = find_live(c, m, account, order_id, coid);
    if (slot == -2) goto done;
    if (slot == NIL) RJ(RJ_UNKNOWN_ORDER, "no such live order");
    Order *o = &c->orders[slot];
    int side = o->side;
    int64_t open = o->open, price = o->price, id = o->id;
    PyObject *acct = Py_NewRef(o->account);
    int64_t total = unlink_order(c, side == BUY ? &m->bids : &m->asks, slot);
    if (forget(c, m, &c->orders[slot]) < 0) {
        Py_DECREF(acct);
        goto done;
    }
    free_order(c, slot);
    m->update_seq++;
    PyObject *a1 = PyLong_FromLongLong(id), *a4 = PyLong_FromLongLong(open);
    PyObject *cancelled = NULL;
    if (a1 && a4) {
        PyObject *args[5] = {m->symbol, a1, acct, c->cancel_user, a4};
        cancelled = new_event(c, EV_CANCELLED, args);
    }
    Py_XDECREF(a1);
    Py_XDECREF(a4);
    Py_DECREF(acct);
    if (!cancelled) goto done;
    PyObject *delta = make_delta(c, m, m->update_seq, side, price, total);
    if (!delta) {
        Py_DECREF(cancelled);
        goto done;
    }
    result = PyList_New(2);
    if (!result) {
        Py_DECREF(cancelled);
        Py_DECREF(delta);
        goto done;
    }
    PyList_SET_ITEM(result, 0, cancelled);
    PyList_SET_ITEM(result, 1, delta);
done:
    return result;
}

/* The own side's changed levels after an order moved from ``old_price`` to ``price``, best price
 * first (one level when the price did not change), as (price, total) pairs in ``d``. */
static Py_ssize_t moved_deltas(int64_t *d, const BookSide *own, int64_t price, int64_t new_total,
                               int64_t old_price, int64_t old_total) {
    if (price == old_price) {
        d[0] = price;
        d[1] = new_total;
        return 1;
    }
    int better = price * own->sign < old_price * own->sign;
    d[0] = better ? price : old_price;
    d[1] = better ? new_total : old_total;
    d[2] = better ? old_price : price;
    d[3] = better ? old_total : new_total;
    return 2;
}

/* ---- AmendOrder ------------------------------------------------------------------------------ */
static PyObject *do_amend(Core *c, PyObject *cmd) {
    PyObject *account = NULL, *coid = NULL, *symbol = NULL, *qty_o = NULL, *price_o = NULL;
    PyObject *result = NULL, *events = NULL;
    int64_t order_id, qty, price;
    PyObject *order_id_o;
#undef GET
#define GET(var, which) if (!((var) = field(cmd, c->off_amend[which], AMEND_FIELDS[which]))) goto done
    GET(account, A_ACCOUNT);
    GET(coid, A_COID);
    GET(symbol, A_SYMBOL);
    GET(order_id_o, A_ORDER_ID);
    GET(qty_o, A_QTY);
    GET(price_o, A_PRICE);
    if (as_i64(order_id_o, &order_id) == -2 || as_i64(qty_o, &qty) == -2 ||
        as_i64(price_o, &price) == -2)
        goto done;
    if (!PyUnicode_Check(account) || !PyUnicode_Check(coid) || !PyUnicode_Check(symbol)) {
        PyErr_SetString(PyExc_TypeError, "account_id, client_order_id and symbol are str");
        goto done;
    }
    Py_ssize_t alen = PyUnicode_GET_LENGTH(account);
    if (alen == 0 || alen > c->account_len_max) RJ(RJ_INVALID_ACCOUNT_ID, "bad account_id");
    if ((order_id > 0) == !str_empty(coid) || order_id < 0)
        RJ(RJ_INVALID_ORDER_REFERENCE, "give exactly one of order_id and client_order_id");
    if (qty <= 0) RJ(RJ_NON_POSITIVE_QUANTITY, "quantity_lots must be positive, got %S", qty_o);
    if (qty > c->qty_max) RJ(RJ_QUANTITY_ABOVE_MAX, "quantity_lots above %lld", (long long)c->qty_max);
    if (price <= 0) RJ(RJ_NON_POSITIVE_PRICE, "price_ticks must be positive, got %S", price_o);
    if (price > c->price_max) RJ(RJ_PRICE_ABOVE_MAX, "price_ticks above %lld", (long long)c->price_max);
    MarketC *m = find_market(c, symbol);
    if (!m) {
        if (PyErr_Occurred()) goto done;
        RJ(RJ_UNKNOWN_MARKET, "no market %R", symbol);
    }
    if (m->status == HALTED) RJ(RJ_MARKET_HALTED, "market %S is halted", symbol);
    int32_t slot = find_live(c, m, account, order_id, coid);
    if (slot == -2) goto done;
    if (slot == NIL) RJ(RJ_UNKNOWN_ORDER, "no such live order");
    Order *o = &c->orders[slot];
    int64_t filled = o->filled, old_price = o->price, old_open = o->open;
    int moved = price != old_price;
    if (!moved && qty == old_open + filled) RJ(RJ_NOTHING_TO_AMEND, "same price and quantity");
    if (qty <= filled) RJ(RJ_AMEND_QUANTITY_NOT_ABOVE_FILLED, "%lld lots already filled", (long long)filled);
    if (moved && m->band_bps && m->last_price && !in_band(m, price))
        RJ(RJ_OUTSIDE_PRICE_BAND, "price_ticks %S outside the band", price_o);
    if ((__int128)price * qty < m->min_notional)
        RJ(RJ_NOTIONAL_BELOW_MINIMUM, "notional below %lld tick-lots", (long long)m->min_notional);
    int side = o->side;
    BookSide *own = side == BUY ? &m->bids : &m->asks;
    BookSide *opp = side == BUY ? &m->asks : &m->bids;
    int some;
    int64_t best = best_key(opp, &some);
    if (moved && o->type == LIMIT_MAKER && some && best <= price * opp->sign)
        RJ(RJ_POST_ONLY_WOULD_TAKE, "the new price would take");
    /* --- the engine proper --- */
    int64_t new_open = qty - filled;
    int keep = !moved && qty < old_open + filled;
    int64_t id = o->id;
    PyObject *acct = o->account; /* borrowed: the order outlives its use below, or is re-read */
    events = PyList_New(0);
    if (!events) goto done;
    {
        PyObject *a1 = PyLong_FromLongLong(id), *a5 = PyLong_FromLongLong(new_open);
        PyObject *amended = NULL;
        if (a1 && a5) {
            PyObject *args[7] = {m->symbol, a1, acct, price_o, qty_o, a5, keep ? Py_True : Py_False};
            amended = new_event(c, EV_AMENDED, args);
        }
        Py_XDECREF(a1);
        Py_XDECREF(a5);
        if (append_steal(events, amended) < 0) goto done;
    }
    if (keep) {
        Level *lv = &c->levels[o->level];
        lv->total += new_open - old_open;
        o->open = new_open;
        int64_t d[2] = {price, lv->total};
        if (emit_deltas(c, m, events, side, d, 1, NULL, 0) < 0) goto done;
        result = events;
        events = NULL;
        goto done;
    }
    int64_t limit_key = price * opp->sign;
    if (!some || best > limit_key) {
        /* a move (or a size increase) that does not cross: to the back of the new level */
        int64_t old_total = unlink_order(c, own, slot);
        o = &c->orders[slot];
        o->price = price;
        o->open = new_open;
        int64_t new_total = rest(c, own, slot);
        if (new_total < 0) goto done;
        int64_t d[4];
        Py_ssize_t nd = moved_deltas(d, own, price, new_total, old_price, old_total);
        if (emit_deltas(c, m, events, side, d, nd, NULL, 0) < 0) goto done;
        result = events;
        events = NULL;
        goto done;
    }
    int64_t old_total = unlink_order(c, own, slot);
    PyObject *acct_ref = Py_NewRef(c->orders[slot].account);
    PyObject *group_ref = Py_NewRef(c->orders[slot].group);
    TakeResult tr = {0, new_open, 0, 0};
    int r = take(c, m, opp, events, side, id, acct_ref, c->orders[slot].stp, group_ref, limit_key,
                 new_open, 0, 0, &tr);
    Py_DECREF(group_ref);
    if (r < 0) {
        Py_DECREF(acct_ref);
        goto done;
    }
    o = &c->orders[slot];
    o->price = price;
    int64_t own_d[4];
    Py_ssize_t n_own;
    if (tr.remaining && !tr.stp_taker) {
        o->filled += new_open - tr.remaining;
        o->open = tr.remaining;
        int64_t new_total = rest(c, own, slot);
        if (new_total < 0) {
            Py_DECREF(acct_ref);
            goto done;
        }
        n_own = moved_deltas(own_d, own, price, new_total, old_price, old_total);
    } else {
        if (forget(c, m, o) < 0) {
            Py_DECREF(acct_ref);
            goto done;
        }
        free_order(c, slot);
        if (tr.stp_taker && append_steal(events, make_expired(c, m, id, acct_ref, X_STP_TAKER,
                                                              tr.remaining, 0)) < 0) {
            Py_DECREF(acct_ref);
            goto done;
        }
        own_d[0] = old_price;
        own_d[1] = old_total;
        n_own = 1;
    }
    Py_DECREF(acct_ref);
    if (emit_deltas(c, m, events, side, own_d, n_own, c->dbuf, tr.n_deltas) < 0) goto done;
    result = events;
    events = NULL;
done:
    Py_XDECREF(events);
    return result;
}
#undef GET
#undef RJ

/* ---- the Python type ---------------------------------------------------------------------- */
static PyObject *Core_apply(Core *c, PyObject *cmd) {
    PyTypeObject *t = Py_TYPE(cmd);
    if ((PyObject *)t == c->cls_place) return do_place(c, cmd);
    if ((PyObject *)t == c->cls_amend) return do_amend(c, cmd);
    if ((PyObject *)t == c->cls_cancel) return do_cancel(c, cmd);
    PyErr_Format(PyExc_TypeError, "the compiled core takes PlaceOrder, CancelOrder and AmendOrder, not %s",
                 t->tp_name);
    return NULL;
}

static void side_init(BookSide *bs, int side) {
    bs->side = side;
    bs->sign = side == BUY ? -1 : 1;
    memset(&bs->ladder, 0, sizeof(bs->ladder));
}

static void side_free(BookSide *bs) {
    im_free(&bs->levels);
    ladder_free(&bs->ladder);
}

/* add_market(symbol, min_notional, band_bps, last_price, status, next_trade_id, update_seq,
 *            restricted_frozenset) */
static PyObject *Core_add_market(Core *c, PyObject *args) {
    PyObject *symbol, *restricted;
    long long min_notional, band, last, next_trade_id, update_seq;
    int status;
    if (!PyArg_ParseTuple(args, "ULLLiLLO!", &symbol, &min_notional, &band, &last, &status,
                          &next_trade_id, &update_seq, &PyFrozenSet_Type, &restricted))
        return NULL;
    if (PyDict_GetItemWithError(c->market_index, symbol)) {
        PyErr_Format(PyExc_ValueError, "market %R is loaded already", symbol);
        return NULL;
    }
    if (PyErr_Occurred()) return NULL;
    if (c->n_markets == c->cap_markets) {
        Py_ssize_t cap = c->cap_markets ? c->cap_markets * 2 : 8;
        MarketC *mk = PyMem_Realloc(c->markets, (size_t)cap * sizeof(MarketC));
        if (!mk) return PyErr_NoMemory();
        c->markets = mk;
        c->cap_markets = cap;
    }
    MarketC *m = &c->markets[c->n_markets];
    memset(m, 0, sizeof(*m));
    side_init(&m->bids, BUY);
    side_init(&m->asks, SELL);
    if (im_init(&m->bids.levels, 64) < 0 || im_init(&m->asks.levels, 64) < 0) {
        side_free(&m->bids);
        side_free(&m->asks);
        return PyErr_NoMemory();
    }
    PyObject *idx = PyLong_FromSsize_t(c->n_markets);
    if (!idx || PyDict_SetItem(c->market_index, symbol, idx) < 0) {
        Py_XDECREF(idx);
        side_free(&m->bids);
        side_free(&m->asks);
        return NULL;
    }
    Py_DECREF(idx);
    m->symbol = Py_NewRef(symbol);
    m->restricted = Py_NewRef(restricted);
    m->min_notional = min_notional;
    m->band_bps = band;
    m->last_price = last;
    m->status = status;
    m->next_trade_id = next_trade_id;
    m->update_seq = update_seq;
    c->n_markets++;
    Py_RETURN_NONE;
}

/* load_order(symbol, order_id, account, coid, side, type, price, open, filled, stp, group):
 * append a resting order at the back of its level (load in price-time priority). */
static PyObject *Core_load_order(Core *c, PyObject *args) {
    PyObject *symbol, *account, *coid, *group;
    long long order_id, price, open, filled;
    int side, type, stp;
    if (!PyArg_ParseTuple(args, "ULUUiiLLLiU", &symbol, &order_id, &account, &coid, &side, &type,
                          &price, &open, &filled, &stp, &group))
        return NULL;
    MarketC *m = find_market(c, symbol);
    if (!m) {
        if (!PyErr_Occurred()) PyErr_Format(PyExc_KeyError, "no market %R", symbol);
        return NULL;
    }
    if (im_get(&c->by_id, order_id) != NIL) {
        PyErr_Format(PyExc_ValueError, "order %lld is loaded already", order_id);
        return NULL;
    }
    if (add_resting(c, m, order_id, account, coid, group, side, type, stp, price, open, filled) <
        0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *side_orders(Core *c, BookSide *bs) {
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    Ladder *l = &bs->ladder;
    for (Py_ssize_t bi = 0; bi < l->n; bi++) {
        Bucket *b = &l->buckets[bi];
        for (int32_t ki = 0; ki < b->n; ki++) {
            Level *lv = &c->levels[im_get(&bs->levels, b->keys[ki])];
            for (int32_t s = lv->head; s != NIL; s = c->orders[s].next) {
                Order *o = &c->orders[s];
                PyObject *t = Py_BuildValue("(LOOiiLLLiO)", (long long)o->id, o->account, o->coid,
                                            (int)o->side, (int)o->type, (long long)o->price,
                                            (long long)o->open, (long long)o->filled, (int)o->stp,
                                            o->group);
                if (append_steal(out, t) < 0) {
                    Py_DECREF(out);
                    return NULL;
                }
            }
        }
    }
    return out;
}

/* dump() -> (next_order_id, [(symbol, status, last_price, next_trade_id, update_seq, bids, asks)])
 * with each side's orders in price-time priority as
 * (order_id, account, coid, side, type, price, open, filled, stp, group). */
static PyObject *Core_dump(Core *c, PyObject *Py_UNUSED(ignored)) {
    PyObject *markets = PyList_New(0);
    if (!markets) return NULL;
    for (Py_ssize_t i = 0; i < c->n_markets; i++) {
        MarketC *m = &c->markets[i];
        PyObject *bids = side_orders(c, &m->bids);
        PyObject *asks = bids ? side_orders(c, &m->asks) : NULL;
        PyObject *t = NULL;
        if (asks)  /* N: the tuple takes the two lists, or releases them on failure */
            t = Py_BuildValue("(OiLLLNN)", m->symbol, m->status, (long long)m->last_price,
                              (long long)m->next_trade_id, (long long)m->update_seq, bids, asks);
        else
            Py_XDECREF(bids);
        if (append_steal(markets, t) < 0) {
            Py_DECREF(markets);
            return NULL;
        }
    }
    return Py_BuildValue("(LN)", (long long)c->next_order_id, markets);
}

/* How each event class is built: True where instances are filled in their slots directly. */
static PyObject *Core_direct_events(Core *c, PyObject *Py_UNUSED(ignored)) {
    PyObject *out = PyTuple_New(EV_COUNT);
    if (!out) return NULL;
    for (int i = 0; i < EV_COUNT; i++) PyTuple_SET_ITEM(out, i, PyBool_FromLong(c->ev[i].direct));
    return out;
}

static PyObject *Core_resting(Core *c, PyObject *Py_UNUSED(ignored)) {
    long long count = 0, lots = 0;
    for (Py_ssize_t i = 0; i < c->n_markets; i++) count += c->markets[i].order_count;
    for (int32_t s = 0; s < c->n_orders; s++)
        if (c->orders[s].level != NIL) lots += c->orders[s].open;
    return Py_BuildValue("(LL)", count, lots);
}

static void clear_state(Core *c) {
    for (int32_t s = 0; s < c->n_orders; s++) {
        Py_CLEAR(c->orders[s].account);
        Py_CLEAR(c->orders[s].coid);
        Py_CLEAR(c->orders[s].group);
    }
    PyMem_Free(c->orders);
    c->orders = NULL;
    c->n_orders = c->cap_orders = 0;
    c->free_order = NIL;
    PyMem_Free(c->levels);
    c->levels = NULL;
    c->n_levels = c->cap_levels = 0;
    c->free_level = NIL;
    for (Py_ssize_t i = 0; i < c->n_markets; i++) {
        side_free(&c->markets[i].bids);
        side_free(&c->markets[i].asks);
        Py_CLEAR(c->markets[i].symbol);
        Py_CLEAR(c->markets[i].restricted);
    }
    PyMem_Free(c->markets);
    c->markets = NULL;
    c->n_markets = c->cap_markets = 0;
    im_free(&c->by_id);
    Py_CLEAR(c->last_symbol);
    if (c->market_index) PyDict_Clear(c->market_index);
    if (c->client_ids) PyDict_Clear(c->client_ids);
    if (c->restricted) PyDict_Clear(c->restricted);
}

/* reset(next_order_id, restricted_dict): forget every market and order. */
static PyObject *Core_reset(Core *c, PyObject *args) {
    long long next_order_id;
    PyObject *restricted;
    if (!PyArg_ParseTuple(args, "LO!", &next_order_id, &PyDict_Type, &restricted)) return NULL;
    clear_state(c);
    if (im_init(&c->by_id, BY_ID_CAPACITY) < 0) return PyErr_NoMemory();
    if (PyDict_Update(c->restricted, restricted) < 0) return NULL;
    c->next_order_id = next_order_id;
    Py_RETURN_NONE;
}

static void Core_dealloc(Core *c) {
    clear_state(c);
    PyMem_Free(c->dbuf);
    for (int i = 0; i < LONG_CACHE; i++) Py_CLEAR(c->lc_obj[i]);
    Py_CLEAR(c->market_index);
    Py_CLEAR(c->client_ids);
    Py_CLEAR(c->restricted);
    PyObject **cfg[] = {&c->cls_accepted, &c->cls_trade, &c->cls_cancelled, &c->cls_expired,
                        &c->cls_amended, &c->cls_delta, &c->cls_rejection, &c->cls_place,
                        &c->cls_cancel, &c->cls_amend, &c->cancel_user};
    for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) Py_CLEAR(*cfg[i]);
    for (int i = 0; i < 3; i++) Py_CLEAR(c->side_obj[i]);
    for (int i = 0; i < 4; i++) {
        Py_CLEAR(c->type_obj[i]);
        Py_CLEAR(c->tif_obj[i]);
    }
    for (int i = 0; i < 5; i++) Py_CLEAR(c->stp_obj[i]);
    for (int i = 0; i < 3; i++) Py_CLEAR(c->expire_obj[i]);
    for (int i = 0; i < RJ_COUNT; i++) {
        Py_CLEAR(c->rj_code[i]);
        Py_CLEAR(c->rj_name[i]);
    }
    Py_TYPE(c)->tp_free((PyObject *)c);
}

static int fill_members(PyObject *seq, PyObject **out, Py_ssize_t n, const char *what) {
    if (!PyTuple_Check(seq) || PyTuple_GET_SIZE(seq) != n) {
        PyErr_Format(PyExc_TypeError, "%s: a tuple of %zd members", what, n);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) out[i] = Py_NewRef(PyTuple_GET_ITEM(seq, i));
    return 0;
}

/* Where each field of a command class lives: its member descriptor's slot offset. */
static int field_offsets(PyObject *cls, const char *const *names, int n, Py_ssize_t *out) {
    for (int i = 0; i < n; i++) {
        PyObject *d = PyObject_GetAttrString(cls, names[i]);
        if (!d) return -1;
        Py_ssize_t offset = -1;
        if (Py_TYPE(d) == &PyMemberDescr_Type) {
            PyMemberDef *md = ((PyMemberDescrObject *)d)->d_member;
            if (md->type == T_OBJECT_EX || md->type == T_OBJECT) offset = md->offset;
        }
        Py_DECREF(d);
        if (offset < 0) {
            PyErr_Format(PyExc_TypeError, "%R.%s is not a slot field", cls, names[i]);
            return -1;
        }
        out[i] = offset;
    }
    return 0;
}

/* Learn how to build instances of event class ``cls`` with ``n`` positional fields. */
static int event_class(EventClass *e, PyObject *cls, int n) {
    if (!PyType_Check(cls)) {
        PyErr_Format(PyExc_TypeError, "%R is not a class", cls);
        return -1;
    }
    e->type = (PyTypeObject *)cls;
    e->n = n;
    e->direct = 0;
    PyObject *fields = PyObject_GetAttrString(cls, "__struct_fields__");
    if (!fields) return -1;
    if (!PyTuple_Check(fields) || PyTuple_GET_SIZE(fields) != n || n > EVENT_FIELDS_MAX) {
        PyErr_Format(PyExc_TypeError, "%R: expected %d fields", cls, n);
        Py_DECREF(fields);
        return -1;
    }
    int plain = !PyType_HasFeature(e->type, Py_TPFLAGS_HAVE_GC) &&
                e->type->tp_alloc == PyType_GenericAlloc &&
                e->type->tp_basicsize == (Py_ssize_t)(sizeof(PyObject) + n * sizeof(PyObject *)) &&
                e->type->tp_itemsize == 0;
    for (int i = 0; plain && i < n; i++) {
        const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(fields, i));
        if (!name || field_offsets(cls, &name, 1, &e->off[i]) < 0) {
            Py_DECREF(fields);
            return -1;
        }
    }
    Py_DECREF(fields);
    if (!plain) return 0;
    /* the proof: an instance built in its slots equals one the class builds itself */
    PyObject *args[EVENT_FIELDS_MAX];
    for (int i = 0; i < n; i++) args[i] = PyLong_FromLong(1000 + i);
    PyObject *called = PyObject_Vectorcall(cls, args, (size_t)n, NULL);
    PyObject *direct = NULL;
    if (called) {
        direct = e->type->tp_alloc(e->type, 0);
        if (direct)
            for (int i = 0; i < n; i++) *(PyObject **)((char *)direct + e->off[i]) = Py_NewRef(args[i]);
    }
    for (int i = 0; i < n; i++) Py_DECREF(args[i]);
    int same = called && direct ? PyObject_RichCompareBool(called, direct, Py_EQ) : -1;
    Py_XDECREF(called);
    Py_XDECREF(direct);
    if (same < 0) return -1;
    e->direct = same;
    return 0;
}

/* Core(classes, enums, rejections, limits)
 *   classes: (OrderAccepted, Trade, OrderCancelled, OrderExpired, OrderAmended, BookDelta,
 *             Rejection, PlaceOrder, CancelOrder, AmendOrder)
 *   enums: (sides[None, BUY, SELL], types[None, LIMIT, MARKET, LIMIT_MAKER],
 *           tifs[None, GTC, IOC, FOK], stps[None, NONE, EXPIRE_TAKER, EXPIRE_MAKER, EXPIRE_BOTH],
 *           expire reasons (IOC_REMAINDER, STP_TAKER, STP_MAKER), CancelReason.USER)
 *   rejections: ((code, name), ...) in the order of the RJ_ enum
 *   limits: (account_len_max, coid_len_max, group_len_max, qty_max, price_max, quote_max,
 *            orders_per_market_max) */
static int Core_init(Core *c, PyObject *args, PyObject *kwds) {
    PyObject *classes, *enums, *rejections, *lims;
    if (!PyArg_ParseTuple(args, "O!O!O!O!", &PyTuple_Type, &classes, &PyTuple_Type, &enums,
                          &PyTuple_Type, &rejections, &PyTuple_Type, &lims))
        return -1;
    if (c->market_index) {
        PyErr_SetString(PyExc_RuntimeError, "Core is initialised once");
        return -1;
    }
    PyObject *cls[10];
    if (fill_members(classes, cls, 10, "classes") < 0) return -1;
    c->cls_accepted = cls[0];
    c->cls_trade = cls[1];
    c->cls_cancelled = cls[2];
    c->cls_expired = cls[3];
    c->cls_amended = cls[4];
    c->cls_delta = cls[5];
    c->cls_rejection = cls[6];
    c->cls_place = cls[7];
    c->cls_cancel = cls[8];
    c->cls_amend = cls[9];
    static const int event_fields[EV_COUNT] = {12, 9, 5, 6, 7, 5};
    for (int i = 0; i < EV_COUNT; i++)
        if (event_class(&c->ev[i], cls[i], event_fields[i]) < 0) return -1;
    if (field_offsets(c->cls_place, PLACE_FIELDS, P_NFIELDS, c->off_place) < 0 ||
        field_offsets(c->cls_cancel, CANCEL_FIELDS, C_NFIELDS, c->off_cancel) < 0 ||
        field_offsets(c->cls_amend, AMEND_FIELDS, A_NFIELDS, c->off_amend) < 0)
        return -1;
    if (!PyTuple_Check(enums) || PyTuple_GET_SIZE(enums) != 6) {
        PyErr_SetString(PyExc_TypeError, "enums: a tuple of 6");
        return -1;
    }
    if (fill_members(PyTuple_GET_ITEM(enums, 0), c->side_obj, 3, "sides") < 0 ||
        fill_members(PyTuple_GET_ITEM(enums, 1), c->type_obj, 4, "types") < 0 ||
        fill_members(PyTuple_GET_ITEM(enums, 2), c->tif_obj, 4, "tifs") < 0 ||
        fill_members(PyTuple_GET_ITEM(enums, 3), c->stp_obj, 5, "stps") < 0 ||
        fill_members(PyTuple_GET_ITEM(enums, 4), c->expire_obj, 3, "expire reasons") < 0)
        return -1;
    c->cancel_user = Py_NewRef(PyTuple_GET_ITEM(enums, 5));
    if (PyTuple_GET_SIZE(rejections) != RJ_COUNT) {
        PyErr_Format(PyExc_TypeError, "rejections: a tuple of %d (code, name) pairs", RJ_COUNT);
        return -1;
    }
    for (int i = 0; i < RJ_COUNT; i++) {
        PyObject *pair = PyTuple_GET_ITEM(rejections, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "rejections: (code, name) pairs");
            return -1;
        }
        c->rj_code[i] = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
        c->rj_name[i] = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
    }
    long long l[7];
    if (!PyArg_ParseTuple(lims, "LLLLLLL", &l[0], &l[1], &l[2], &l[3], &l[4], &l[5], &l[6]))
        return -1;
    c->account_len_max = l[0];
    c->coid_len_max = l[1];
    c->group_len_max = l[2];
    c->qty_max = l[3];
    c->price_max = l[4];
    c->quote_max = l[5];
    c->orders_per_market_max = l[6];
    c->market_index = PyDict_New();
    c->client_ids = PyDict_New();
    c->restricted = PyDict_New();
    if (!c->market_index || !c->client_ids || !c->restricted) return -1;
    c->free_order = c->free_level = NIL;
    c->next_order_id = 1;
    if (im_init(&c->by_id, BY_ID_CAPACITY) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static PyMethodDef Core_methods[] = {
    {"apply", (PyCFunction)Core_apply, METH_O,
     "apply(command) -> list of events | Rejection: PlaceOrder, CancelOrder or AmendOrder."},
    {"add_market", (PyCFunction)Core_add_market, METH_VARARGS, "Load a market (no orders)."},
    {"load_order", (PyCFunction)Core_load_order, METH_VARARGS,
     "Append a resting order to its level (load in price-time priority)."},
    {"dump", (PyCFunction)Core_dump, METH_NOARGS, "The state as plain tuples."},
    {"resting", (PyCFunction)Core_resting, METH_NOARGS, "(resting order count, open lots)."},
    {"direct_events", (PyCFunction)Core_direct_events, METH_NOARGS,
     "Per event class, whether instances are built in their slots (else by calling the class)."},
    {"reset", (PyCFunction)Core_reset, METH_VARARGS, "Forget every market and order."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "seawall.venue._core.Core",
    .tp_basicsize = sizeof(Core),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The venue's compiled matching core (see seawall.venue.compiled).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Core_init,
    .tp_dealloc = (destructor)Core_dealloc,
    .tp_methods = Core_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "seawall.venue._core",
    "The venue's compiled matching core; use it through seawall.venue.compiled.", -1, NULL,
};

PyMODINIT_FUNC PyInit__core(void) {
    if (PyType_Ready(&CoreType) < 0) return NULL;
    PyObject *mod = PyModule_Create(&module);
    if (!mod) return NULL;
    if (PyModule_AddObjectRef(mod, "Core", (PyObject *)&CoreType) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    if (PyModule_AddIntConstant(mod, "LADDER_LOAD", LADDER_LOAD) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
