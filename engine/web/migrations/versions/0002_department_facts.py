"""Department facts: a fact row may be a department's own (fact.of_department_id), unique per case,
department and key; department_progress.listed marks a department among the case's `departments:`, and
.withheld keeps a case folder's `submitted: false`.

The unique constraint (case_id, key) of 0001 had no name: on PostgreSQL its name is looked up, on SQLite
the batch copy names the reflected constraint by a naming convention so that it can be dropped. It is
replaced by two partial unique indexes (a district fact: case+key; a department's: case+department+key),
as a unique constraint treats NULLs as distinct on both databases.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_DISTRICT = sa.text("of_department_id IS NULL")
_DEPARTMENT = sa.text("of_department_id IS NOT NULL")


def _old_unique_name(bind) -> str | None:
    for uc in sa.inspect(bind).get_unique_constraints("fact"):
        if list(uc["column_names"]) == ["case_id", "key"]:
            return uc["name"]
    return None


def upgrade() -> None:
    bind = op.get_bind()
    naming = {"uq": "uq_%(table_name)s_%(column_0_name)s_%(column_1_name)s"}
    name = _old_unique_name(bind)
    with op.batch_alter_table("fact", naming_convention=naming) as batch:
        batch.add_column(sa.Column("of_department_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_fact_of_department", "department", ["of_department_id"], ["id"])
        batch.drop_constraint(name or "uq_fact_case_id_key", type_="unique")
    op.create_index("uq_fact_district_key", "fact", ["case_id", "key"], unique=True,
                    sqlite_where=_DISTRICT, postgresql_where=_DISTRICT)
    op.create_index("uq_fact_department_key", "fact", ["case_id", "of_department_id", "key"], unique=True,
                    sqlite_where=_DEPARTMENT, postgresql_where=_DEPARTMENT)
    with op.batch_alter_table("department_progress") as batch:
        batch.add_column(sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("withheld", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("department_progress") as batch:
        batch.drop_column("withheld")
        batch.drop_column("listed")
    op.drop_index("uq_fact_department_key", "fact")
    op.drop_index("uq_fact_district_key", "fact")
    op.execute("DELETE FROM fact WHERE of_department_id IS NOT NULL")
    with op.batch_alter_table("fact") as batch:
        batch.drop_constraint("fk_fact_of_department", type_="foreignkey")
        batch.drop_column("of_department_id")
        batch.create_unique_constraint("uq_fact_case_id_key", ["case_id", "key"])
