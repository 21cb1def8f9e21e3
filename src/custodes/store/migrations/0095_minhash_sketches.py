"""A small sketch of each MinHash signature (custodes.resolve.sketch: its values cut to one byte),
read before the signature itself: most candidates of story clustering are ruled out by it, and
its table is small enough to stay in the page cache when the signatures' is not."""


def upgrade(store) -> None:
    from custodes.resolve import create_sketch_table, sketch

    create_sketch_table(store)
    last = ""
    while True:  # the signatures already stored, a few thousand at a time
        rows = store.query("SELECT document_id, signature FROM minhash WHERE document_id > ? "
                           "ORDER BY document_id LIMIT 5000", (last,))
        if not rows:
            return
        store.executemany("INSERT INTO minhash_sketches (document_id, sketch) VALUES (?, ?) "
                          "ON CONFLICT (document_id) DO NOTHING",
                          [(doc_id, sketch(bytes(sig))) for doc_id, sig in rows])
        last = rows[-1][0]
