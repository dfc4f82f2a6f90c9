import pytest
from tests.factories import UserFactory, WorkItemFactory
pytestmark = pytest.mark.django_db
BIG = "99999999999999999999999"
URLS = [
 "/affairs/matters/?owner="+BIG, "/affairs/matters/?department="+BIG, "/affairs/matters/?after="+BIG,
 "/affairs/plans/?department="+BIG, "/affairs/plans/?year="+BIG, "/accounts/people/?department="+BIG,
 "/accounts/people/search/?q=%ED%A0%80"
 "/api/v1/matters/?owner="+BIG, "/api/v1/work-items/?p=abc", "/api/v1/work-items/?cursor=abc",
 "/api/v1/matters/?cursor=cD0tMQ==", "/api/v1/matters/?cursor=cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk=",
 "/api/v1/users/?cursor=cD0lRUQlQTAlODA%3D", "/api/v1/matters/?status=%ED%A0%80"
]
def test_probe(client, user):
    client.force_login(user)
    client.raise_request_exception = False
    for u in URLS:
        try:
            r = client.get(u)
            print(r.status_code, u, r.content[:150] if r.status_code >= 400 else "")
        except Exception as e:
            print("EXC", u, type(e).__name__, e)
