"""Sign and cluster the documents stored before story clusters existed (schema 2 added the tables)."""


def upgrade(store) -> None:
    from custodes.resolve import cluster_unindexed

    cluster_unindexed(store)
