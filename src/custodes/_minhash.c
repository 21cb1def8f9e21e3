/* custodes._minhash: the MinHash signature loop of custodes.resolve.signature, in C, and the
   shingle hashes of an ASCII text (resolve._shingle_hashes' words, crc32 and mixing).

   resolve.py computes the same in numpy (and uses it where this module was not built); for
   each shingle hash h: the MurmurHash3 finalizer, then a[j] * h + b[j] mod 2^32 for every
   permutation j, keeping the minimum per permutation. numpy makes a shingles x permutations
   array per step; this loop keeps one row of minimums, which the compiler vectorises. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t fmix32(uint32_t h) {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    return h ^ (h >> 16);
}

/* A C-contiguous buffer of native or little-endian 4-byte unsigned integers (numpy's uint32). */
static int uint32_buffer(PyObject *obj, Py_buffer *view, const char *name) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    const char *f = view->format ? view->format : "B";
    size_t len = strlen(f);
    int unsigned32 = view->itemsize == 4 && (f[len - 1] == 'I' || f[len - 1] == 'L') &&
                     (len == 1 || (len == 2 && strchr("@=<", f[0]) != NULL));
    if (!unsigned32) {
        PyErr_Format(PyExc_TypeError, "%s must be a contiguous buffer of uint32", name);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(signature_doc,
             "signature(hashes, a, b) -> bytes: the MinHash minimums (little-endian uint32, one per\n"
             "permutation) of the uint32 shingle hashes, for the permutations (a, b) (uint32 each).");

static PyObject *signature(PyObject *module, PyObject *args) {
    PyObject *hashes_obj, *a_obj, *b_obj;
    if (!PyArg_ParseTuple(args, "OOO", &hashes_obj, &a_obj, &b_obj)) return NULL;
    Py_buffer hashes, a, b;
    if (uint32_buffer(hashes_obj, &hashes, "hashes") < 0) return NULL;
    if (uint32_buffer(a_obj, &a, "a") < 0) {
        PyBuffer_Release(&hashes);
        return NULL;
    }
    if (uint32_buffer(b_obj, &b, "b") < 0) {
        PyBuffer_Release(&hashes);
        PyBuffer_Release(&a);
        return NULL;
    }
    PyObject *out = NULL;
    Py_ssize_t n = hashes.len / 4, perms = a.len / 4;
    if (b.len != a.len) {
        PyErr_SetString(PyExc_ValueError, "a and b must hold one value per permutation each");
        goto done;
    }
    out = PyBytes_FromStringAndSize(NULL, perms * 4);
    if (!out) goto done;
    uint32_t *mins = PyMem_Malloc(sizeof(uint32_t) * (perms ? perms : 1));
    if (!mins) {
        Py_CLEAR(out);
        PyErr_NoMemory();
        goto done;
    }
    const uint32_t *hv = hashes.buf, *pa = a.buf, *pb = b.buf;
    for (Py_ssize_t j = 0; j < perms; j++) mins[j] = UINT32_MAX;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t h = fmix32(hv[i]);
        for (Py_ssize_t j = 0; j < perms; j++) {
            uint32_t v = pa[j] * h + pb[j];
            mins[j] = v < mins[j] ? v : mins[j];
        }
    }
    Py_END_ALLOW_THREADS
    unsigned char *dst = (unsigned char *)PyBytes_AS_STRING(out);
    for (Py_ssize_t j = 0; j < perms; j++) { /* little-endian whatever the machine */
        dst[4 * j] = (unsigned char)(mins[j]);
        dst[4 * j + 1] = (unsigned char)(mins[j] >> 8);
        dst[4 * j + 2] = (unsigned char)(mins[j] >> 16);
        dst[4 * j + 3] = (unsigned char)(mins[j] >> 24);
    }
    PyMem_Free(mins);
done:
    PyBuffer_Release(&hashes);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    return out;
}

/* CRC-32 as zlib computes it (reflected polynomial 0xEDB88320): a word's hash, the same in
   every process and the same as zlib.crc32 of the word's bytes. */
static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* A byte of a word: ASCII letters, digits and '_' (what \w matches in ASCII text). */
static inline int word_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static const uint64_t POSITION_MULTIPLIERS[] = {0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full,
                                                0x165667B19E3779F9ull, 0x27D4EB2F165667C5ull,
                                                0xFF51AFD7ED558CCDull, 0xC4CEB9FE1A85EC53ull};
#define MAX_SHINGLE_WORDS 6

PyDoc_STRVAR(ascii_shingles_doc,
             "ascii_shingles(text, size) -> bytes: the 32-bit hash of each size-word shingle of an ASCII\n"
             "text (native-endian uint32, in order, repeats included), as resolve._shingle_hashes\n"
             "computes them: words are runs of letters, digits and '_', lower-cased, hashed with crc32;\n"
             "a shingle XORs its words' hashes times a multiplier per position, then mixes.\n"
             "A text of fewer than size words is one shingle, padded with zero hashes; no words: b''.");

static PyObject *ascii_shingles(PyObject *module, PyObject *args) {
    Py_buffer text;
    int size;
    if (!PyArg_ParseTuple(args, "y*i", &text, &size)) return NULL;
    if (size < 1 || size > MAX_SHINGLE_WORDS) {
        PyBuffer_Release(&text);
        PyErr_Format(PyExc_ValueError, "size must be 1 to %d words", MAX_SHINGLE_WORDS);
        return NULL;
    }
    const unsigned char *data = text.buf;
    Py_ssize_t len = text.len;
    /* at most one word per two bytes (a word and its separator), and at least `size` slots */
    Py_ssize_t capacity = len / 2 + 1 + size;
    uint64_t *words = PyMem_Malloc(sizeof(uint64_t) * capacity);
    if (!words) {
        PyBuffer_Release(&text);
        return PyErr_NoMemory();
    }
    Py_ssize_t n_words = 0;
    for (Py_ssize_t i = 0; i < len;) {
        if (!word_byte(data[i])) {
            i++;
            continue;
        }
        uint32_t crc = 0xFFFFFFFFu;
        for (; i < len && word_byte(data[i]); i++) {
            unsigned char c = data[i];
            if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
            crc = crc_table[(crc ^ c) & 0xFF] ^ (crc >> 8);
        }
        words[n_words++] = (uint64_t)(crc ^ 0xFFFFFFFFu);
    }
    PyBuffer_Release(&text);
    if (n_words == 0) {
        PyMem_Free(words);
        return PyBytes_FromStringAndSize(NULL, 0);
    }
    while (n_words < size) words[n_words++] = 0;
    Py_ssize_t n = n_words - size + 1;
    PyObject *out = PyBytes_FromStringAndSize(NULL, n * 4);
    if (out) {
        uint32_t *dst = (uint32_t *)PyBytes_AS_STRING(out);
        for (Py_ssize_t i = 0; i < n; i++) {
            uint64_t combined = 0;
            for (int k = 0; k < size; k++) combined ^= words[i + k] * POSITION_MULTIPLIERS[k];
            combined ^= combined >> 29;
            combined *= 0xBF58476D1CE4E5B9ull;
            combined ^= combined >> 32;
            dst[i] = (uint32_t)combined;
        }
    }
    PyMem_Free(words);
    return out;
}

static PyMethodDef methods[] = {
    {"signature", signature, METH_VARARGS, signature_doc},
    {"ascii_shingles", ascii_shingles, METH_VARARGS, ascii_shingles_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "custodes._minhash", "MinHash signatures for story clusters (see resolve.py).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__minhash(void) {
    crc_init();
    return PyModule_Create(&module);
}
