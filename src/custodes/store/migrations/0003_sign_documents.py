"""Sign and cluster the documents stored before story clusters existed (schema 2 added the tables)."""


def upgrade(store) -> None:
    from custodes.resolve import cluster_unindexed, create_sketch_table

    create_sketch_table(store)  # clustering writes sketches (schema 95), as it does today
    cluster_unindexed(store)
