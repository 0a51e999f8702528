"""Search anywhere in a customer's name or address by two-character pieces: a GIN index
of `search_bigrams(name || ' ' || address)` replaces the trigram indexes, which cannot
find the two-character searches Chinese users type (PostgreSQL only).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 08:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION search_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr($1, i, 2)), '{}')
    FROM generate_series(1, char_length($1) - 1) AS i
$$
"""
INDEX = (
    "CREATE INDEX ix_customer_search_bigrams ON customer USING gin "
    "(search_bigrams(coalesce(name, '') || ' ' || coalesce(address, '')))"
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.drop_index("ix_customer_name_trigram", table_name="customer")
    op.drop_index("ix_customer_address_trigram", table_name="customer")
    op.execute(INDEX)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_customer_search_bigrams", table_name="customer")
    op.create_index("ix_customer_address_trigram", "customer", ["address"], unique=False,
                    postgresql_using="gin", postgresql_ops={"address": "gin_trgm_ops"})  # fmt: skip
    op.create_index("ix_customer_name_trigram", "customer", ["name"], unique=False,
                    postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"})  # fmt: skip
    op.execute("DROP FUNCTION search_bigrams(text)")
