"""Every claim's deployment_id checked against its key once, and the key rule recorded in `meta`
(custodes.resolve.DEPLOYMENT_RULE_KEY): rebuilding the deployments reads the claims for that
again only when the rule is not the recorded one. A new database records it at once."""


def upgrade(store) -> None:
    from custodes.resolve import fix_deployment_ids

    fix_deployment_ids(store)
