/* custodes._aho: an Aho-Corasick automaton over Python str, for the extraction engine's scans.

   custodes/knowledge/aho.py has the same automaton in Python (on pyahocorasick) and says what
   each method returns; this one gives the same results, faster. pyahocorasick looks up a
   node's children one by one at every character; news text keeps the automaton near its root,
   whose hundreds of children made that the engine's largest single cost. Here:

   - the characters of the keys are numbered (classes); every other character is class 0,
     which no key holds, so it sends the automaton straight back to the root;
   - the states nearest the root (where the scan spends its time) have a dense row of
     transitions, one per class, already resolved through their failure links;
   - deeper states keep their children sorted by class, found by binary search, and fall
     back along failure links to a dense state;
   - a transition's target carries a bit that says whether a key ends there, so the scan
     reads no other array at most characters;
   - whole-word scans (words) need no failure links at all: they walk the trie from the
     places where a word starts.

   Results are lists built in one call, so no Python object is made per character. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROOT 0
#define NONE (-1)
/* a transition's target with this bit set: a key ends at the target (itself or a suffix) */
#define OUTPUT_BIT ((int32_t)0x80000000)
#define STATE_MASK 0x7fffffff
#define DENSE_BUDGET_CELLS (512 * 1024) /* transitions in dense rows, per automaton (2 MiB) */

typedef struct {
    PyObject_HEAD
    Py_ssize_t n_keys;
    PyObject **values;       /* one per key, owned */
    Py_ssize_t *key_length;  /* characters per key */
    char *prefix;            /* key i may match as a word prefix ("surveil" + letters) */
    uint16_t latin[256];     /* class of code points below 256 */
    Py_ssize_t n_wide;       /* classes of other code points, sorted by code point */
    Py_UCS4 *wide_cp;
    uint16_t *wide_class;
    Py_ssize_t n_classes;
    Py_ssize_t n_states;
    int32_t *fail;
    int32_t *key_of;         /* key ending at the state, or -1 */
    int32_t *out_link;       /* nearest proper suffix state where a key ends, or -1 */
    int32_t *dense_index;    /* row in dense, or -1 */
    int32_t *dense;          /* n_dense * n_classes; targets carry OUTPUT_BIT */
    int32_t *child_start;    /* children of state s: child_start[s] .. child_start[s + 1] */
    uint16_t *child_class;
    int32_t *child_state;    /* targets carry OUTPUT_BIT */
} Automaton;

/* ---- building ---------------------------------------------------------------------------- */

typedef struct {
    uint16_t *cls;
    int32_t *state;
    int32_t n, cap;
} Children;

typedef struct {
    Children *children;
    int32_t *key_of;
    int32_t *depth;
    int32_t n, cap;
} Trie;

/* Resizes *array to cap items of item_size bytes; -1 (the array left as it was) when out of memory. */
static int grow(void **array, size_t item_size, int32_t cap) {
    void *resized = PyMem_Realloc(*array, item_size * (size_t)cap);
    if (!resized) return -1;
    *array = resized;
    return 0;
}

static int trie_new_state(Trie *t, int32_t depth) {
    if (t->n == t->cap) {
        int32_t cap = t->cap ? t->cap * 2 : 1024;
        if (grow((void **)&t->children, sizeof(Children), cap) < 0 || grow((void **)&t->key_of, sizeof(int32_t), cap) < 0 ||
            grow((void **)&t->depth, sizeof(int32_t), cap) < 0)
            return -1;
        t->cap = cap;
    }
    memset(&t->children[t->n], 0, sizeof(Children));
    t->key_of[t->n] = -1;
    t->depth[t->n] = depth;
    return t->n++;
}

static void trie_free(Trie *t) {
    for (int32_t i = 0; i < t->n; i++) {
        PyMem_Free(t->children[i].cls);
        PyMem_Free(t->children[i].state);
    }
    PyMem_Free(t->children);
    PyMem_Free(t->key_of);
    PyMem_Free(t->depth);
}

static int32_t trie_child(const Trie *t, int32_t s, uint16_t c) {
    const Children *ch = &t->children[s];
    for (int32_t i = 0; i < ch->n; i++)
        if (ch->cls[i] == c) return ch->state[i];
    return -1;
}

static int trie_add_child(Trie *t, int32_t s, uint16_t c, int32_t child) {
    Children *ch = &t->children[s];
    if (ch->n == ch->cap) {
        int32_t cap = ch->cap ? ch->cap * 2 : 2;
        if (grow((void **)&ch->cls, sizeof(uint16_t), cap) < 0 || grow((void **)&ch->state, sizeof(int32_t), cap) < 0)
            return -1;
        ch->cap = cap;
    }
    ch->cls[ch->n] = c;
    ch->state[ch->n] = child;
    ch->n++;
    return 0;
}

static int cmp_ucs4(const void *a, const void *b) {
    Py_UCS4 x = *(const Py_UCS4 *)a, y = *(const Py_UCS4 *)b;
    return (x > y) - (x < y);
}

static inline uint16_t class_of(const Automaton *a, Py_UCS4 cp) {
    if (cp < 256) return a->latin[cp];
    Py_ssize_t lo = 0, hi = a->n_wide;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (a->wide_cp[mid] < cp) lo = mid + 1;
        else hi = mid;
    }
    return (lo < a->n_wide && a->wide_cp[lo] == cp) ? a->wide_class[lo] : 0;
}

/* Number the characters the keys use: 1, 2, ... in order of code point. */
static int build_classes(Automaton *a, PyObject *keys) {
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < a->n_keys; i++) total += PyUnicode_GET_LENGTH(PyList_GET_ITEM(keys, i));
    Py_UCS4 *all = PyMem_Malloc(sizeof(Py_UCS4) * (total ? total : 1));
    if (!all) return -1;
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < a->n_keys; i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        for (Py_ssize_t j = 0; j < PyUnicode_GET_LENGTH(key); j++) all[n++] = PyUnicode_READ(kind, data, j);
    }
    qsort(all, n, sizeof(Py_UCS4), cmp_ucs4);
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (i == 0 || all[i] != all[i - 1]) all[distinct++] = all[i];
    if (distinct >= 65535) {
        PyMem_Free(all);
        PyErr_SetString(PyExc_ValueError, "automaton keys use more than 65,534 distinct characters");
        return -1;
    }
    memset(a->latin, 0, sizeof(a->latin));
    Py_ssize_t wide = 0;
    for (Py_ssize_t i = 0; i < distinct; i++)
        if (all[i] >= 256) wide++;
    a->wide_cp = PyMem_Malloc(sizeof(Py_UCS4) * (wide ? wide : 1));
    a->wide_class = PyMem_Malloc(sizeof(uint16_t) * (wide ? wide : 1));
    if (!a->wide_cp || !a->wide_class) {
        PyMem_Free(all);
        PyErr_NoMemory();
        return -1;
    }
    a->n_wide = 0;
    for (Py_ssize_t i = 0; i < distinct; i++) {
        uint16_t cls = (uint16_t)(i + 1);
        if (all[i] < 256) a->latin[all[i]] = cls;
        else {
            a->wide_cp[a->n_wide] = all[i];
            a->wide_class[a->n_wide++] = cls;
        }
    }
    a->n_classes = distinct + 1;
    PyMem_Free(all);
    return 0;
}

static inline int32_t sparse_child(const Automaton *a, int32_t s, uint16_t c) {
    int32_t lo = a->child_start[s], hi = a->child_start[s + 1];
    while (lo < hi) {
        int32_t mid = (lo + hi) / 2;
        if (a->child_class[mid] < c) lo = mid + 1;
        else hi = mid;
    }
    return (lo < a->child_start[s + 1] && a->child_class[lo] == c) ? a->child_state[lo] : NONE;
}

/* The state after reading a character of class c in state s (with OUTPUT_BIT once built). */
static inline int32_t step(const Automaton *a, int32_t s, uint16_t c) {
    for (;;) {
        int32_t row = a->dense_index[s];
        if (row >= 0) return a->dense[(Py_ssize_t)row * a->n_classes + c];
        int32_t next = sparse_child(a, s, c);
        if (next != NONE) return next;
        s = a->fail[s];
    }
}

typedef struct {
    uint16_t cls;
    int32_t state;
} Edge;

static int cmp_edge(const void *x, const void *y) {
    const Edge *a = x, *b = y;
    return (a->cls > b->cls) - (a->cls < b->cls);
}

static int build(Automaton *a, PyObject *keys) {
    Trie t = {0};
    int32_t *queue = NULL;
    int ok = -1;
    if (build_classes(a, keys) < 0) return -1;
    if (trie_new_state(&t, 0) < 0) goto nomem;
    for (Py_ssize_t i = 0; i < a->n_keys; i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        int32_t s = ROOT;
        for (Py_ssize_t j = 0; j < PyUnicode_GET_LENGTH(key); j++) {
            uint16_t c = class_of(a, PyUnicode_READ(kind, data, j));
            int32_t next = trie_child(&t, s, c);
            if (next < 0) {
                next = trie_new_state(&t, t.depth[s] + 1);
                if (next < 0 || trie_add_child(&t, s, c, next) < 0) goto nomem;
            }
            s = next;
        }
        t.key_of[s] = (int32_t)i; /* a repeated key: the last one wins, as in a dict */
    }
    Py_ssize_t n = a->n_states = t.n;
    a->fail = PyMem_Malloc(sizeof(int32_t) * n);
    a->key_of = PyMem_Malloc(sizeof(int32_t) * n);
    a->out_link = PyMem_Malloc(sizeof(int32_t) * n);
    a->dense_index = PyMem_Malloc(sizeof(int32_t) * n);
    a->child_start = PyMem_Malloc(sizeof(int32_t) * (n + 1));
    a->child_class = PyMem_Malloc(sizeof(uint16_t) * (n ? n : 1));
    a->child_state = PyMem_Malloc(sizeof(int32_t) * (n ? n : 1));
    queue = PyMem_Malloc(sizeof(int32_t) * n);
    if (!a->fail || !a->key_of || !a->out_link || !a->dense_index || !a->child_start || !a->child_class ||
        !a->child_state || !queue)
        goto nomem;
    memcpy(a->key_of, t.key_of, sizeof(int32_t) * n);

    /* children in one array, sorted by class */
    int32_t edges = 0;
    for (int32_t s = 0; s < n; s++) {
        a->child_start[s] = edges;
        Children *ch = &t.children[s];
        Edge *sorted = PyMem_Malloc(sizeof(Edge) * (ch->n ? ch->n : 1));
        if (!sorted) goto nomem;
        for (int32_t i = 0; i < ch->n; i++) sorted[i] = (Edge){ch->cls[i], ch->state[i]};
        qsort(sorted, ch->n, sizeof(Edge), cmp_edge);
        for (int32_t i = 0; i < ch->n; i++) {
            a->child_class[edges] = sorted[i].cls;
            a->child_state[edges++] = sorted[i].state;
        }
        PyMem_Free(sorted);
    }
    a->child_start[n] = edges;

    /* breadth first: failure links, output links; states in order of depth */
    int32_t head = 0, tail = 0;
    a->fail[ROOT] = ROOT;
    a->out_link[ROOT] = -1;
    queue[tail++] = ROOT;
    while (head < tail) {
        int32_t u = queue[head++];
        for (int32_t e = a->child_start[u]; e < a->child_start[u + 1]; e++) {
            uint16_t c = a->child_class[e];
            int32_t v = a->child_state[e], f = ROOT;
            if (u != ROOT) {
                f = a->fail[u];
                int32_t g;
                while ((g = sparse_child(a, f, c)) == NONE && f != ROOT) f = a->fail[f];
                f = g != NONE ? g : ROOT;
            }
            a->fail[v] = f;
            a->out_link[v] = a->key_of[f] >= 0 ? f : a->out_link[f];
            queue[tail++] = v;
        }
    }

    /* dense rows for the shallowest states, as many depths as the budget takes (the root always) */
    Py_ssize_t n_dense = 0;
    int32_t max_depth = 0;
    for (int32_t depth = 0;; depth++) {
        Py_ssize_t at_depth = 0;
        for (int32_t s = 0; s < n; s++) at_depth += t.depth[s] == depth;
        if (at_depth == 0 || (depth > 0 && (n_dense + at_depth) * a->n_classes > DENSE_BUDGET_CELLS)) break;
        n_dense += at_depth;
        max_depth = depth;
    }
    a->dense = PyMem_Malloc(sizeof(int32_t) * n_dense * a->n_classes);
    if (!a->dense) goto nomem;
    for (int32_t s = 0; s < n; s++) a->dense_index[s] = -1;
    int32_t row = 0;
    for (int32_t i = 0; i < n; i++) { /* queue order: a state's failure link has its row already */
        int32_t s = queue[i];
        if (t.depth[s] > max_depth) break;
        int32_t *cells = a->dense + (Py_ssize_t)row * a->n_classes;
        for (Py_ssize_t c = 0; c < a->n_classes; c++) {
            int32_t next = sparse_child(a, s, (uint16_t)c);
            cells[c] = next != NONE ? next : (s == ROOT ? ROOT : step(a, a->fail[s], (uint16_t)c));
        }
        a->dense_index[s] = row++;
    }
    /* last, mark the targets where a key ends: the scan then reads no other array per character */
    for (Py_ssize_t i = 0; i < n_dense * a->n_classes; i++)
        if (a->key_of[a->dense[i]] >= 0 || a->out_link[a->dense[i]] >= 0) a->dense[i] |= OUTPUT_BIT;
    for (int32_t e = 0; e < edges; e++)
        if (a->key_of[a->child_state[e]] >= 0 || a->out_link[a->child_state[e]] >= 0)
            a->child_state[e] |= OUTPUT_BIT;
    ok = 0;
    goto done;
nomem:
    PyErr_NoMemory();
done:
    PyMem_Free(queue);
    trie_free(&t);
    return ok;
}

/* ---- the type ----------------------------------------------------------------------------- */

static void Automaton_dealloc(Automaton *a) {
    for (Py_ssize_t i = 0; a->values && i < a->n_keys; i++) Py_XDECREF(a->values[i]);
    PyMem_Free(a->values);
    PyMem_Free(a->key_length);
    PyMem_Free(a->prefix);
    PyMem_Free(a->wide_cp);
    PyMem_Free(a->wide_class);
    PyMem_Free(a->fail);
    PyMem_Free(a->key_of);
    PyMem_Free(a->out_link);
    PyMem_Free(a->dense_index);
    PyMem_Free(a->dense);
    PyMem_Free(a->child_start);
    PyMem_Free(a->child_class);
    PyMem_Free(a->child_state);
    Py_TYPE(a)->tp_free((PyObject *)a);
}

static PyObject *Automaton_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"keys", "values", "prefix", NULL};
    PyObject *keys_arg, *values_arg, *prefix_arg = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|O", kwlist, &keys_arg, &values_arg, &prefix_arg))
        return NULL;
    PyObject *keys = PySequence_List(keys_arg);
    if (!keys) return NULL;
    PyObject *values = PySequence_List(values_arg);
    if (!values) {
        Py_DECREF(keys);
        return NULL;
    }
    PyObject *prefix = prefix_arg == Py_None ? NULL : PySequence_List(prefix_arg);
    Automaton *a = NULL;
    if (prefix_arg != Py_None && !prefix) goto error;
    Py_ssize_t n = PyList_GET_SIZE(keys);
    if (PyList_GET_SIZE(values) != n || (prefix && PyList_GET_SIZE(prefix) != n)) {
        PyErr_SetString(PyExc_ValueError, "keys, values and prefix must have the same length");
        goto error;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) == 0) {
            PyErr_Format(PyExc_ValueError, "automaton key %zd is not a non-empty str", i);
            goto error;
        }
    }
    a = (Automaton *)type->tp_alloc(type, 0);
    if (!a) goto error;
    a->n_keys = n;
    a->values = PyMem_Calloc(n ? n : 1, sizeof(PyObject *));
    a->key_length = PyMem_Malloc(sizeof(Py_ssize_t) * (n ? n : 1));
    a->prefix = PyMem_Calloc(n ? n : 1, 1);
    if (!a->values || !a->key_length || !a->prefix) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        a->values[i] = Py_NewRef(PyList_GET_ITEM(values, i));
        a->key_length[i] = PyUnicode_GET_LENGTH(PyList_GET_ITEM(keys, i));
        if (prefix) {
            int truth = PyObject_IsTrue(PyList_GET_ITEM(prefix, i));
            if (truth < 0) goto error;
            a->prefix[i] = (char)truth;
        }
    }
    if (build(a, keys) < 0) goto error;
    Py_DECREF(keys);
    Py_DECREF(values);
    Py_XDECREF(prefix);
    return (PyObject *)a;
error:
    Py_DECREF(keys);
    Py_DECREF(values);
    Py_XDECREF(prefix);
    Py_XDECREF(a);
    return NULL;
}

static int bounds(PyObject *text, Py_ssize_t *start, Py_ssize_t *end) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "the text to scan must be a str");
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (*end < 0 || *end > n) *end = n;
    if (*start < 0) *start = 0;
    return 0;
}

/* str.isalnum() of one character; a table for the first 256 */
static char latin_alnum[256];

static inline int is_alnum(Py_UCS4 ch) { return ch < 256 ? latin_alnum[ch] : Py_UNICODE_ISALNUM(ch); }

PyDoc_STRVAR(iter_doc, "iter(text, start=0, end=len(text)) -> [(last, value)]: every key occurrence in\n"
                       "text[start:end], by the position of its last character (as pyahocorasick's iter).");

static PyObject *Automaton_iter(Automaton *a, PyObject *args) {
    PyObject *text;
    Py_ssize_t start = 0, end = -1;
    if (!PyArg_ParseTuple(args, "O|nn", &text, &start, &end) || bounds(text, &start, &end) < 0) return NULL;
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int32_t s = ROOT;
    for (Py_ssize_t last = start; last < end; last++) {
        uint16_t c = class_of(a, PyUnicode_READ(kind, data, last));
        if (c == 0) {  /* a character no key holds */
            s = ROOT;
            continue;
        }
        int32_t t = step(a, s, c);
        s = t & STATE_MASK;
        if (!(t & OUTPUT_BIT)) continue;
        /* the keys ending here: the state's own, then those of its suffixes, longest first */
        for (int32_t o = a->key_of[s] >= 0 ? s : a->out_link[s]; o >= 0; o = a->out_link[o]) {
            PyObject *hit = Py_BuildValue("(nO)", last, a->values[a->key_of[o]]);
            if (!hit || PyList_Append(out, hit) < 0) {
                Py_XDECREF(hit);
                Py_DECREF(out);
                return NULL;
            }
            Py_DECREF(hit);
        }
    }
    return out;
}

PyDoc_STRVAR(words_doc, "words(text, plural_ok, start=0, end=len(text)) -> [(start, end, value)]: the key\n"
                        "occurrences in text[start:end] that are whole words of text, overlaps included, by\n"
                        "start, the shorter key first. A prefix key runs on to the end of its word; with\n"
                        "plural_ok a key may take an 's' or 'es' that ends the word.");

/* A whole-word match starts where a word starts (or at a character that is no letter or digit),
   so the trie is walked from those places only: no failure links, and the few states near the
   root that a walk touches stay in the cache. */
static PyObject *Automaton_words(Automaton *a, PyObject *args) {
    PyObject *text;
    int plural_ok;
    Py_ssize_t start = 0, end = -1;
    if (!PyArg_ParseTuple(args, "Op|nn", &text, &plural_ok, &start, &end) || bounds(text, &start, &end) < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const int32_t *root_row = a->dense + (Py_ssize_t)a->dense_index[ROOT] * a->n_classes;
#define CH(i) PyUnicode_READ(kind, data, (i))
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    int previous_alnum = start > 0 && is_alnum(CH(start - 1));
    for (Py_ssize_t first = start; first < end; first++) {
        int alnum = is_alnum(CH(first));
        int inside_word = previous_alnum && alnum;
        previous_alnum = alnum;
        if (inside_word) continue;
        int32_t s = ROOT;
        for (Py_ssize_t last = first; last < end; last++) {
            uint16_t c = class_of(a, CH(last));
            if (c == 0) break;
            int32_t t = s == ROOT ? root_row[c] : sparse_child(a, s, c);
            if (t == NONE || (t & STATE_MASK) == ROOT) break;
            s = t & STATE_MASK;
            int32_t key = a->key_of[s];
            if (key < 0) continue;
            Py_ssize_t stop = last + 1;
            if (stop < n && is_alnum(CH(stop)) && is_alnum(CH(stop - 1))) {
                if (a->prefix[key]) {
                    while (stop < n && Py_UNICODE_ISALPHA(CH(stop))) stop++;
                } else if (plural_ok && CH(stop) == 's' && (stop + 1 == n || !is_alnum(CH(stop + 1)))) {
                    stop += 1;
                } else if (plural_ok && stop + 1 < n && CH(stop) == 'e' && CH(stop + 1) == 's' &&
                           (stop + 2 == n || !is_alnum(CH(stop + 2)))) {
                    stop += 2;
                } else {
                    continue;
                }
            }
            PyObject *hit = Py_BuildValue("(nnO)", first, stop, a->values[key]);
            if (!hit || PyList_Append(out, hit) < 0) {
                Py_XDECREF(hit);
                Py_DECREF(out);
                return NULL;
            }
            Py_DECREF(hit);
        }
    }
#undef CH
    return out;
}

static Py_ssize_t Automaton_len(Automaton *a) { return a->n_keys; }

static PyObject *Automaton_states(Automaton *a, void *closure) { return PyLong_FromSsize_t(a->n_states); }

static PyMethodDef Automaton_methods[] = {
    {"iter", (PyCFunction)Automaton_iter, METH_VARARGS, iter_doc},
    {"words", (PyCFunction)Automaton_words, METH_VARARGS, words_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Automaton_getset[] = {
    {"states", (getter)Automaton_states, NULL, "states of the automaton", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods Automaton_as_sequence = {.sq_length = (lenfunc)Automaton_len};

static PyTypeObject AutomatonType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "custodes._aho.Automaton",
    .tp_basicsize = sizeof(Automaton),
    .tp_dealloc = (destructor)Automaton_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Automaton(keys, values, prefix=None): Aho-Corasick over str keys, each with a value.",
    .tp_methods = Automaton_methods,
    .tp_getset = Automaton_getset,
    .tp_as_sequence = &Automaton_as_sequence,
    .tp_new = Automaton_new,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "custodes._aho", "Aho-Corasick scans for the extraction engine (see knowledge/aho.py).",
    -1, NULL,
};

PyMODINIT_FUNC PyInit__aho(void) {
    for (Py_UCS4 ch = 0; ch < 256; ch++) latin_alnum[ch] = (char)Py_UNICODE_ISALNUM(ch);
    if (PyType_Ready(&AutomatonType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&AutomatonType);
    if (PyModule_AddObject(m, "Automaton", (PyObject *)&AutomatonType) < 0) {
        Py_DECREF(&AutomatonType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
