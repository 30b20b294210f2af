"""Lists are paginated and their query count does not grow with the number of rows."""
from collab.accounts.models import Role
from collab.extensions import db
from tests.fixtures.factories import create_org, create_user


def _users_page_queries(client, count_queries):
    with count_queries() as q:
        assert client.get("/admin/users").status_code == 200
    return q.count


def test_account_list_query_count_is_bounded(client, city, login_as, count_queries):
    login_as(city.admin)
    few = _users_page_queries(client, count_queries)
    for i in range(15):
        create_user(Role.opd_officer, organisation=create_org(f"O{i}"))
    db.session.commit()
    assert _users_page_queries(client, count_queries) == few


def test_masterplan_page_query_count_is_bounded(client, city, count_queries):
    city.item()
    with count_queries() as q:
        client.get("/masterplan/")
    few = q.count
    for i in range(20):
        city.item(year=2023 + i % 10, title=f"Item {i}")
    with count_queries() as q:
        client.get("/masterplan/")
    assert q.count == few
