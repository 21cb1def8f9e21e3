"""A band key with more than MAX_DOCUMENTS_PER_BAND members keeps one CROWDED row instead of
its members (custodes.resolve): it nominates no one either way, and the index stays small."""


def upgrade(store) -> None:
    from custodes.resolve import CROWDED, MAX_DOCUMENTS_PER_BAND

    crowded = [(key,) for (key,) in store.query(
        "SELECT band_key FROM minhash_bands GROUP BY band_key HAVING count(*) > ?", (MAX_DOCUMENTS_PER_BAND,))]
    store.executemany("DELETE FROM minhash_bands WHERE band_key = ?", crowded)
    store.executemany("INSERT INTO minhash_bands (band_key, document_id) VALUES (?, ?)",
                      [(key, CROWDED) for (key,) in crowded])
