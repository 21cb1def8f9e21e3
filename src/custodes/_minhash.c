/* custodes._minhash: the MinHash signature loop of custodes.resolve.signature, in C.

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

static PyMethodDef methods[] = {
    {"signature", signature, METH_VARARGS, signature_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "custodes._minhash", "MinHash signatures for story clusters (see resolve.py).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__minhash(void) { return PyModule_Create(&module); }
